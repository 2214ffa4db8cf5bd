using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace EvidenceVault.Evidence;

/// <summary>
/// Reads what a photo says about its taking (<see cref="PhotoInfo"/>) from its EXIF block: a JPEG's <c>APP1</c>
/// segment, a PNG's <c>eXIf</c> chunk, a WebP's <c>EXIF</c> chunk, or a HEIF image's (HEIC, AVIF) <c>Exif</c> item,
/// each found by walking the file's own segment, chunk or box lengths (for HEIF, the <c>meta</c> box's item
/// information and locations). Only the first IFD (<c>Make</c>, <c>Model</c>) and the EXIF IFD (<c>DateTimeOriginal</c>,
/// <c>OffsetTimeOriginal</c>) are read. Reads are bounded (the segments before the image data, one EXIF block of at
/// most 64 KiB); a file without EXIF, or with a malformed one, gives null.
/// </summary>
public static class PhotoInfoReader
{
    private const int MaxSegments = 64;
    private const int MaxExifBytes = 64 * 1024;
    private const int MaxTextLength = 64;
    private const string Source = "exif";

    /// <summary>The statement of <paramref name="content"/>, a file of <paramref name="format"/>; null for other formats or none stated.</summary>
    /// <param name="content">The file, seekable, from its first byte.</param>
    /// <param name="format">The recognised format.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    public static async Task<PhotoInfo?> ReadAsync(Stream content, EvidenceFormat format, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(format);
        var file = new PositionedReads(content);
        try
        {
            var exif = format.ContentType switch
            {
                "image/jpeg" => await FindJpegExifAsync(file, cancellationToken),
                "image/png" => await FindChunkAsync(file, 8, "eXIf", bigEndian: true, stopAt: "IDAT", cancellationToken),
                "image/webp" => await FindChunkAsync(file, 12, "EXIF", bigEndian: false, stopAt: null, cancellationToken),
                "image/heic" or "image/avif" => await FindHeifExifAsync(file, cancellationToken),
                _ => null,
            };
            return exif is null ? null : Parse(exif);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or OverflowException or ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>The TIFF block of a JPEG's <c>APP1 Exif</c> segment, from the segments before the image data.</summary>
    private static async Task<byte[]?> FindJpegExifAsync(PositionedReads file, CancellationToken cancellationToken)
    {
        long position = 2; // after SOI
        for (var n = 0; n < MaxSegments; n++)
        {
            var marker = await file.ReadAsync(position, 4, cancellationToken);
            if (marker[0] != 0xFF || marker[1] is 0xDA or 0xD9)
            {
                return null; // not a segment, or the image data (start of scan) or its end: no EXIF before it
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(marker.AsSpan(2));
            if (length < 2)
            {
                return null;
            }

            if (marker[1] == 0xE1 && length >= 8)
            {
                var segment = await file.ReadAsync(position + 4, length - 2, cancellationToken);
                if (segment.AsSpan().StartsWith("Exif\0\0"u8))
                {
                    return segment[6..];
                }
            }

            position += 2 + length;
        }

        return null;
    }

    /// <summary>The body of the first chunk of <paramref name="type"/> (PNG: length, type, body, CRC; RIFF: type, length, body, pad).</summary>
    private static async Task<byte[]?> FindChunkAsync(PositionedReads file, long position, string type, bool bigEndian, string? stopAt, CancellationToken cancellationToken)
    {
        for (var n = 0; n < MaxSegments && position + 8 <= file.Length; n++)
        {
            var header = await file.ReadAsync(position, 8, cancellationToken);
            var (name, length) = bigEndian
                ? (Encoding.ASCII.GetString(header, 4, 4), (long)BinaryPrimitives.ReadUInt32BigEndian(header))
                : (Encoding.ASCII.GetString(header, 0, 4), (long)BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4)));
            if (name == type)
            {
                return length is > 0 and <= MaxExifBytes ? Strip(await file.ReadAsync(position + 8, (int)length, cancellationToken)) : null;
            }

            if (name == stopAt)
            {
                return null;
            }

            position += 8 + length + (bigEndian ? 4 : length & 1);
        }

        return null;

        // Some writers keep the JPEG segment's "Exif\0\0" prefix in the chunk as well.
        static byte[] Strip(byte[] body) => body.AsSpan().StartsWith("Exif\0\0"u8) ? body[6..] : body;
    }

    /// <summary>
    /// The TIFF block of a HEIF image's <c>Exif</c> item (ISO/IEC 23008-12): its id from the item information
    /// (<c>iinf</c>), its place in the file from the item locations (<c>iloc</c>), its body a four-byte offset to the
    /// TIFF header, then the header.
    /// </summary>
    private static async Task<byte[]?> FindHeifExifAsync(PositionedReads file, CancellationToken cancellationToken)
    {
        if (await IsoBoxes.FindAsync(file, 0, file.Length, "meta", cancellationToken) is not { } meta ||
            await IsoBoxes.FindAsync(file, meta.Start + 4, meta.End, "iinf", cancellationToken) is not { } iinf ||
            await IsoBoxes.FindAsync(file, meta.Start + 4, meta.End, "iloc", cancellationToken) is not { } iloc ||
            ExifItemId(await ReadBoxAsync(file, iinf, cancellationToken)) is not { } item ||
            Location(await ReadBoxAsync(file, iloc, cancellationToken), item) is not { } location ||
            location.Length is < 8 or > MaxExifBytes)
        {
            return null;
        }

        var body = await file.ReadAsync(location.Offset, (int)location.Length, cancellationToken);
        var tiffAt = 4 + BinaryPrimitives.ReadUInt32BigEndian(body);
        return tiffAt < body.Length ? body[(int)tiffAt..] : null;
    }

    private static async Task<byte[]> ReadBoxAsync(PositionedReads file, (long Start, long End) box, CancellationToken cancellationToken) =>
        box.End - box.Start <= MaxExifBytes ? await file.ReadAsync(box.Start, (int)(box.End - box.Start), cancellationToken) : throw new InvalidDataException("An item table larger than a photo has.");

    /// <summary>The id of the <c>Exif</c> item among the item information entries (<c>infe</c> version 2 or 3).</summary>
    private static uint? ExifItemId(byte[] iinf)
    {
        var at = iinf[0] == 0 ? 6 : 8; // version and flags, then a 16- or 32-bit entry count
        for (var n = 0; n < MaxSegments && at + 12 <= iinf.Length; n++)
        {
            var size = (int)BinaryPrimitives.ReadUInt32BigEndian(iinf.AsSpan(at));
            if (size < 12 || at + size > iinf.Length || Encoding.ASCII.GetString(iinf, at + 4, 4) != "infe")
            {
                return null;
            }

            var version = iinf[at + 8];
            if (version is 2 or 3)
            {
                var id = version == 2 ? BinaryPrimitives.ReadUInt16BigEndian(iinf.AsSpan(at + 12)) : BinaryPrimitives.ReadUInt32BigEndian(iinf.AsSpan(at + 12));
                var type = at + 12 + (version == 2 ? 2 : 4) + 2; // after the id, the protection index
                if (Encoding.ASCII.GetString(iinf, type, 4) == "Exif")
                {
                    return id;
                }
            }

            at += size;
        }

        return null;
    }

    /// <summary>Where item <paramref name="item"/> lies in the file, by the item locations (<c>iloc</c> versions 0 to 2, one extent, in the file itself).</summary>
    private static (long Offset, long Length)? Location(byte[] iloc, uint item)
    {
        var version = iloc[0];
        var (offsetSize, lengthSize, baseSize) = (iloc[4] >> 4, iloc[4] & 0x0F, iloc[5] >> 4);
        var indexSize = version is 1 or 2 ? iloc[5] & 0x0F : 0;
        var at = 6;
        var count = version < 2 ? Read(iloc, ref at, 2) : Read(iloc, ref at, 4);
        for (long n = 0; n < count && n < 4096; n++)
        {
            var id = version < 2 ? Read(iloc, ref at, 2) : Read(iloc, ref at, 4);
            var method = version is 1 or 2 ? Read(iloc, ref at, 2) & 0x0F : 0;
            at += 2; // data reference index: 0, this file
            var baseOffset = Read(iloc, ref at, baseSize);
            var extents = Read(iloc, ref at, 2);
            (long Offset, long Length)? first = null;
            for (var e = 0; e < extents; e++)
            {
                at += indexSize;
                var offset = Read(iloc, ref at, offsetSize);
                var length = Read(iloc, ref at, lengthSize);
                first ??= (baseOffset + offset, length);
            }

            if (id == item)
            {
                return method == 0 && extents == 1 ? first : null; // in an idat box, or in pieces: not what cameras write
            }
        }

        return null;
    }

    private static long Read(byte[] bytes, ref int at, int size)
    {
        long value = size switch
        {
            0 => 0,
            2 => BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(at)),
            4 => BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(at)),
            8 => checked((long)BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(at))),
            _ => throw new InvalidDataException("A field size the format does not have."),
        };
        at += size;
        return value;
    }

    /// <summary>The statement in a TIFF block: byte order, the first IFD, and the EXIF IFD it points to.</summary>
    private static PhotoInfo? Parse(byte[] tiff)
    {
        var little = tiff.AsSpan().StartsWith("II*\0"u8);
        if (!little && !tiff.AsSpan().StartsWith("MM\0*"u8))
        {
            return null;
        }

        var ifd = new Ifd(tiff, little);
        var first = ifd.Entries(ifd.UInt32(4));
        var make = ifd.Text(first, 0x010F);
        var model = ifd.Text(first, 0x0110);
        var exif = ifd.Number(first, 0x8769) is { } offset ? ifd.Entries(offset) : [];
        var taken = ParseTaken(ifd.Text(exif, 0x9003));
        var utcOffset = ifd.Text(exif, 0x9011) is { } text && IsUtcOffset(text) ? text : null;
        var device = DeviceNames.Of(make, model);
        return taken is null && device is null ? null : new PhotoInfo { Source = Source, TakenAt = taken, UtcOffset = taken is null ? null : utcOffset, Device = device };
    }

    /// <summary><c>2026:11:20 14:03:17</c> as <c>2026-11-20T14:03:17</c>; null for anything else (all blanks or zeros: the camera did not know).</summary>
    private static string? ParseTaken(string? text) =>
        text is not null && DateTime.TryParseExact(text, "yyyy:MM:dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var taken) && taken.Year is >= 1991 and <= 2200
            ? taken.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)
            : null;

    private static bool IsUtcOffset(string text) =>
        text.Length == 6 && text[0] is '+' or '-' && text[3] == ':' && int.TryParse(text.AsSpan(1, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var hours) && hours <= 14 &&
        int.TryParse(text.AsSpan(4, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) && minutes < 60;

    /// <summary>IFD entries of a TIFF block: tag, type, count, and the value or its offset.</summary>
    private sealed class Ifd(byte[] tiff, bool little)
    {
        private const ushort Ascii = 2;
        private const ushort Short = 3;
        private const ushort Long = 4;

        public uint UInt32(long at) => little ? BinaryPrimitives.ReadUInt32LittleEndian(tiff.AsSpan(checked((int)at))) : BinaryPrimitives.ReadUInt32BigEndian(tiff.AsSpan(checked((int)at)));

        public Dictionary<ushort, (ushort Type, uint Count, int At)> Entries(long offset)
        {
            var count = UInt16(offset);
            if (count > 512)
            {
                throw new InvalidDataException("An IFD of more entries than a camera writes.");
            }

            var entries = new Dictionary<ushort, (ushort, uint, int)>();
            for (var i = 0; i < count; i++)
            {
                var at = checked((int)offset + 2 + (12 * i));
                entries.TryAdd(UInt16(at), (UInt16(at + 2), UInt32(at + 4), at + 8));
            }

            return entries;
        }

        public string? Text(Dictionary<ushort, (ushort Type, uint Count, int At)> entries, ushort tag)
        {
            if (!entries.TryGetValue(tag, out var entry) || entry.Type != Ascii || entry.Count is 0 or > 1024)
            {
                return null;
            }

            // Four bytes or fewer sit in the entry itself; longer text at the offset it holds.
            var at = entry.Count <= 4 ? entry.At : checked((int)UInt32(entry.At));
            return StatementText.Plain(Encoding.ASCII.GetString(tiff.AsSpan(at, checked((int)entry.Count))).Split('\0')[0], MaxTextLength);
        }

        public long? Number(Dictionary<ushort, (ushort Type, uint Count, int At)> entries, ushort tag) =>
            entries.TryGetValue(tag, out var entry) && entry.Count == 1
                ? entry.Type switch { Long => (long)UInt32(entry.At), Short => (long)UInt16(entry.At), _ => (long?)null }
                : null;

        private ushort UInt16(long at) => little ? BinaryPrimitives.ReadUInt16LittleEndian(tiff.AsSpan(checked((int)at))) : BinaryPrimitives.ReadUInt16BigEndian(tiff.AsSpan(checked((int)at)));
    }
}
