using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace EvidenceVault.Evidence;

/// <summary>
/// Reads what a Word, Excel or PowerPoint 97–2003 document says about its making: its summary information, the
/// property set ([MS-OLEPS]) every Office program writes into the stream <c>\x05SummaryInformation</c> of the compound
/// file's root storage (read by <see cref="CompoundFileStreams"/>) — the author, who saved it last, when it was created
/// and last saved (UTC) and the program, its strings in the set's code page — and from its document summary
/// information (<c>\x05DocumentSummaryInformation</c>) the company. A file without them, or with malformed ones,
/// states nothing of them.
/// </summary>
internal static class CompoundFileInfoReader
{
    private const string SummaryStreamName = "\u0005SummaryInformation";
    private const string DocumentSummaryStreamName = "\u0005DocumentSummaryInformation";

    /// <summary>The property set of summary information, {F29F85E0-4FF9-1068-AB91-08002B27B3D9}.</summary>
    private static readonly Guid SummaryInformation = new("F29F85E0-4FF9-1068-AB91-08002B27B3D9");

    /// <summary>The first property set of document summary information, {D5CDD502-2E9C-101B-9397-08002B2CF9AE}.</summary>
    private static readonly Guid DocumentSummaryInformation = new("D5CDD502-2E9C-101B-9397-08002B2CF9AE");

    /// <summary>Summary information's author, last author, creation and save times and program ([MS-OLEPS] 2.25.1).</summary>
    private static readonly uint[] SummaryProperties = [4, 8, 12, 13, 18];

    /// <summary>Document summary information's company ([MS-OLEPS] 2.25.2, PIDDSI_COMPANY).</summary>
    private const uint CompanyProperty = 15;

    /// <summary>The statement of <paramref name="content"/>, a compound file; null when it states nothing.</summary>
    public static async Task<DocumentInfo?> ReadAsync(Stream content, CancellationToken cancellationToken)
    {
        var file = await CompoundFileStreams.OpenAsync(new PositionedReads(content), cancellationToken);
        if (file is null)
        {
            return null;
        }

        var summary = PropertySet(await file.ReadRootStreamAsync(SummaryStreamName, cancellationToken), SummaryInformation, SummaryProperties);
        Dictionary<uint, string>? documentSummary;
        try
        {
            documentSummary = PropertySet(await file.ReadRootStreamAsync(DocumentSummaryStreamName, cancellationToken), DocumentSummaryInformation, [CompanyProperty]);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or ArgumentOutOfRangeException)
        {
            documentSummary = null; // a damaged document summary costs the company, not what the summary states
        }

        return summary is null && documentSummary is null ? null : new DocumentInfo
        {
            Source = DocumentSources.CompoundFile,
            Author = summary?.GetValueOrDefault(4u),
            LastModifiedBy = summary?.GetValueOrDefault(8u),
            CreatedAt = summary?.GetValueOrDefault(12u),
            ModifiedAt = summary?.GetValueOrDefault(13u),
            Application = summary?.GetValueOrDefault(18u),
            Company = documentSummary?.GetValueOrDefault(CompanyProperty),
        };
    }

    /// <summary>The <paramref name="wanted"/> properties of the set <paramref name="setId"/> in a property set stream; null when it has no such set.</summary>
    private static Dictionary<uint, string>? PropertySet(byte[]? stream, Guid setId, uint[] wanted)
    {
        if (stream is null || stream.Length < 48 || BinaryPrimitives.ReadUInt16LittleEndian(stream) != 0xFFFE)
        {
            return null;
        }

        var sets = BinaryPrimitives.ReadUInt32LittleEndian(stream.AsSpan(24));
        for (var i = 0; i < Math.Min(sets, 2); i++)
        {
            var entry = stream.AsSpan(28 + (i * 20), 20);
            if (new Guid(entry[..16]) == setId)
            {
                return Properties(stream, (int)BinaryPrimitives.ReadUInt32LittleEndian(entry[16..]), wanted);
            }
        }

        return null;
    }

    /// <summary>The <paramref name="wanted"/> strings and times of the property set at <paramref name="start"/>, by property id, in its code page.</summary>
    private static Dictionary<uint, string> Properties(byte[] stream, int start, uint[] wanted)
    {
        var set = stream.AsSpan(start);
        var size = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(set), (uint)set.Length);
        set = set[..size];
        var count = BinaryPrimitives.ReadUInt32LittleEndian(set[4..]);
        if (count > (uint)(size / 8))
        {
            throw new InvalidDataException("More properties than the set holds.");
        }

        var offsets = new Dictionary<uint, int>();
        for (var i = 0; i < count; i++)
        {
            offsets[BinaryPrimitives.ReadUInt32LittleEndian(set[(8 + (i * 8))..])] = (int)BinaryPrimitives.ReadUInt32LittleEndian(set[(12 + (i * 8))..]);
        }

        // Property 1 is the code page of the set's 8-bit strings (VT_I2, read unsigned: UTF-8 is 65001).
        var codePage = offsets.TryGetValue(1, out var at) && BinaryPrimitives.ReadUInt16LittleEndian(set[at..]) == 2
            ? BinaryPrimitives.ReadUInt16LittleEndian(set[(at + 4)..])
            : 1252;
        var values = new Dictionary<uint, string>();
        foreach (var id in wanted)
        {
            if (offsets.TryGetValue(id, out var offset) && Value(set[offset..], codePage) is { } value)
            {
                values[id] = value;
            }
        }

        return values;
    }

    private static string? Value(ReadOnlySpan<byte> property, int codePage)
    {
        var type = BinaryPrimitives.ReadUInt16LittleEndian(property);
        var value = property[4..];
        switch (type)
        {
            case 0x1E: // VT_LPSTR: a byte count, then the string in the set's code page, NUL-terminated
                var bytes = value.Slice(4, (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(value), (uint)(value.Length - 4)));
                return CodePageText.Decode(bytes, codePage)?.Split('\0')[0];
            case 0x1F: // VT_LPWSTR: a character count, then UTF-16
                var characters = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(value), (uint)((value.Length - 4) / 2));
                return Encoding.Unicode.GetString(value.Slice(4, characters * 2)).Split('\0')[0];
            case 0x40: // VT_FILETIME: 100-nanosecond intervals since 1601, UTC; zero means never
                var ticks = BinaryPrimitives.ReadInt64LittleEndian(value);
                return ticks <= 0 ? null : DateTime.FromFileTimeUtc(ticks).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            default:
                return null;
        }
    }
}
