using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace EvidenceVault.Evidence;

/// <summary>
/// Office documents — the fake investment contract, the list of transfers, the "guaranteed returns" slides — are ZIP
/// packages whose first entries say what they are, so they are filed as what they are and a lawyer's bundle holds a
/// <c>.docx</c> Word opens, not a <c>.zip</c>. OpenDocument (ODF 1.2 part 3, §3.3) puts an uncompressed
/// <c>mimetype</c> entry first that names the document's type. Office Open XML (ECMA-376 part 2) packages hold
/// <c>[Content_Types].xml</c> and <c>_rels/.rels</c>, and their main part lives under <c>word/</c>, <c>xl/</c> or
/// <c>ppt/</c>; writers put these first (Microsoft Office the content types, LibreOffice the relationships, each
/// before the main part), so the names in the head decide. Only when the head holds the package's marks but none of
/// the three folders does the file's name choose the family; a ZIP without the marks stays a ZIP whatever its name.
/// A document with macros is told by its content types when they are in the head, or else by its name
/// (<c>.docm</c>, <c>.xlsm</c>, <c>.pptm</c>): Office will not open one under the other's extension.
/// </summary>
internal static class OfficeDocuments
{
    /// <summary>A local file header's signature, <c>PK\x03\x04</c>.</summary>
    private static ReadOnlySpan<byte> LocalHeader => "PK\u0003\u0004"u8;

    private static readonly Family[] Families =
    [
        new("word/", Format("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"), Format("application/vnd.ms-word.document.macroEnabled.12", ".docm")),
        new("xl/", Format("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"), Format("application/vnd.ms-excel.sheet.macroEnabled.12", ".xlsm")),
        new("ppt/", Format("application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx"), Format("application/vnd.ms-powerpoint.presentation.macroEnabled.12", ".pptm")),
    ];

    private static readonly EvidenceFormat[] OpenDocumentFormats =
    [
        Format("application/vnd.oasis.opendocument.text", ".odt"),
        Format("application/vnd.oasis.opendocument.spreadsheet", ".ods"),
        Format("application/vnd.oasis.opendocument.presentation", ".odp"),
    ];

    /// <summary>Every office format the vault recognises.</summary>
    public static IEnumerable<EvidenceFormat> All =>
        Families.SelectMany(family => new[] { family.Document, family.WithMacros }).Concat(OpenDocumentFormats);

    /// <summary>The office format of a ZIP's <paramref name="head"/>, or null for any other ZIP.</summary>
    public static EvidenceFormat? Detect(ReadOnlySpan<byte> head, string? fileName) =>
        OpenDocument(head) ?? OfficeOpenXml(head, fileName);

    private static EvidenceFormat? OpenDocument(ReadOnlySpan<byte> head)
    {
        if (Entry(head, 0) is not { Name: "mimetype", Compressed: false, DataEnd: var end } entry || end > head.Length)
        {
            return null;
        }

        var type = Encoding.ASCII.GetString(head[entry.DataStart..(int)end]);
        return Array.Find(OpenDocumentFormats, format => format.ContentType == type);
    }

    private static EvidenceFormat? OfficeOpenXml(ReadOnlySpan<byte> head, string? fileName)
    {
        var package = false;
        var macros = false;
        Family? family = null;

        // Entries are walked by their signatures rather than their sizes: LibreOffice writes sizes after the data.
        for (var at = head.IndexOf(LocalHeader); at >= 0; at = NextHeader(head, at))
        {
            if (Entry(head, at) is not { } entry)
            {
                continue;
            }

            package |= entry.Name is "[Content_Types].xml" or "_rels/.rels";
            macros |= entry.Name == "[Content_Types].xml" && DeclaresMacros(head, entry);
            family ??= Array.Find(Families, f => entry.Name.StartsWith(f.Folder, StringComparison.Ordinal));
        }

        var extension = Path.GetExtension(fileName ?? string.Empty);
        var named = Array.Find(Families, f => f.Document.Extension.Equals(extension, StringComparison.OrdinalIgnoreCase) || f.WithMacros.Extension.Equals(extension, StringComparison.OrdinalIgnoreCase));
        family ??= named;
        if (!package || family is null)
        {
            return null;
        }

        macros |= family == named && family.WithMacros.Extension.Equals(extension, StringComparison.OrdinalIgnoreCase);
        return macros ? family.WithMacros : family.Document;
    }

    private static int NextHeader(ReadOnlySpan<byte> head, int at)
    {
        var next = head[(at + 1)..].IndexOf(LocalHeader);
        return next < 0 ? -1 : at + 1 + next;
    }

    /// <summary>The local file header at <paramref name="at"/> when its name is whole in the head and plain ASCII, as package part names are.</summary>
    private static ZipEntry? Entry(ReadOnlySpan<byte> head, int at)
    {
        if (head.Length < at + 30 || !head[at..].StartsWith(LocalHeader))
        {
            return null;
        }

        var flags = ReadUInt16(head, at + 6);
        var method = ReadUInt16(head, at + 8);
        var compressedSize = ReadUInt32(head, at + 18);
        var nameLength = ReadUInt16(head, at + 26);
        var extraLength = ReadUInt16(head, at + 28);
        if (nameLength == 0 || head.Length < at + 30 + nameLength)
        {
            return null;
        }

        var name = head.Slice(at + 30, nameLength);
        if (name.ContainsAnyExceptInRange((byte)0x20, (byte)0x7E))
        {
            return null;
        }

        // Bit 3: the sizes follow the data, so how far the data runs is not known here.
        var dataStart = at + 30 + nameLength + extraLength;
        var dataEnd = (flags & 0x8) != 0 ? long.MaxValue : dataStart + (long)compressedSize;
        return new ZipEntry(Encoding.ASCII.GetString(name), method != 0, method is 0 or 8, dataStart, dataEnd);
    }

    /// <summary>Whether <c>[Content_Types].xml</c>, when it is whole in the head, names a main part with macros.</summary>
    private static bool DeclaresMacros(ReadOnlySpan<byte> head, ZipEntry entry)
    {
        if (!entry.Readable || entry.DataEnd > head.Length)
        {
            return false;
        }

        // At most the head's 4 KiB in, and at most 64 KiB out: bounded either way.
        var data = head[entry.DataStart..(int)entry.DataEnd].ToArray();
        try
        {
            using var compressed = new MemoryStream(data, writable: false);
            using Stream content = entry.Compressed ? new DeflateStream(compressed, CompressionMode.Decompress) : compressed;
            var text = new byte[64 * 1024];
            var read = content.ReadAtLeast(text, text.Length, throwOnEndOfStream: false);
            return Encoding.ASCII.GetString(text, 0, read).Contains("macroEnabled.main+xml", StringComparison.OrdinalIgnoreCase);
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    private static ushort ReadUInt16(ReadOnlySpan<byte> bytes, int at) => BinaryPrimitives.ReadUInt16LittleEndian(bytes[at..]);

    private static uint ReadUInt32(ReadOnlySpan<byte> bytes, int at) => BinaryPrimitives.ReadUInt32LittleEndian(bytes[at..]);

    /// <summary>An office format: filed as a document, under its own content type and extension.</summary>
    internal static EvidenceFormat Format(string contentType, string extension) => new(contentType, extension, MediaClass.Office, EvidenceKind.Document);

    /// <summary>An Office Open XML family: the folder of its main part, and its formats without and with macros.</summary>
    private sealed record Family(string Folder, EvidenceFormat Document, EvidenceFormat WithMacros);

    /// <summary>What a local file header says: the entry's name, how its data is stored, and where the data lies.</summary>
    private readonly record struct ZipEntry(string Name, bool Compressed, bool Readable, int DataStart, long DataEnd);
}
