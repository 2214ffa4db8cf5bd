using System.Buffers.Binary;
using System.Text;

namespace EvidenceVault.Evidence;

/// <summary>
/// Word, Excel and PowerPoint 97–2003 documents (<c>.doc</c>, <c>.xls</c>, <c>.ppt</c>) — what many office programs
/// still write, and what a scammer's old contract template is — are Compound File Binary files ([MS-CFB]). So are
/// Windows installers (<c>.msi</c>), which the vault refuses like any other program. The signature they share says
/// nothing more: what a compound file holds is written in its directory, whose first sector the header names and
/// which a writer may put anywhere in the file (LibreOffice puts it at the end). The directory's first entry, the root
/// storage, carries the class id of the program that wrote the file: Word's, Excel's and PowerPoint's are recognised,
/// any other (an installer's, a patch's) is refused. An e-mail Outlook saved (<c>.msg</c>) is a compound file too,
/// told by its own class. A file whose writer left the class id empty is recognised by its main stream among the
/// directory's first entries (<c>WordDocument</c>, <c>Workbook</c> or <c>Book</c>, <c>PowerPoint Document</c>, a
/// message's <c>__properties_version1.0</c>).
/// </summary>
internal static class CompoundFiles
{
    /// <summary>How many bytes of the directory recognition reads: 32 entries (eight sectors of a version 3 file, one of a version 4).</summary>
    public const int DirectoryLength = 4096;

    private const int HeaderFieldsLength = 0x4C;
    /// <summary>The length of a directory entry.</summary>
    public const int EntryLength = 128;

    private const uint LastRegularSector = 0xFFFFFFFA;
    private const byte RootStorageObject = 5;

    private static readonly EvidenceFormat Word = OfficeDocuments.Format("application/msword", ".doc");
    private static readonly EvidenceFormat Excel = OfficeDocuments.Format("application/vnd.ms-excel", ".xls");
    private static readonly EvidenceFormat PowerPoint = OfficeDocuments.Format("application/vnd.ms-powerpoint", ".ppt");
    private static readonly EvidenceFormat OutlookMessage = new(EvidenceFormatDetector.OutlookMessageContentType, ".msg", MediaClass.Message, EvidenceKind.Document);

    /// <summary>The root storage's class id of each program's documents: 97–2003 and the 95 versions before them.</summary>
    private static readonly Dictionary<Guid, EvidenceFormat> FormatsByClass = new()
    {
        [new Guid("00020906-0000-0000-C000-000000000046")] = Word, // Word 97–2003
        [new Guid("00020900-0000-0000-C000-000000000046")] = Word, // Word 6.0/95
        [new Guid("00020820-0000-0000-C000-000000000046")] = Excel, // Excel 97–2003
        [new Guid("00020810-0000-0000-C000-000000000046")] = Excel, // Excel 5.0/95 (LibreOffice writes this one)
        [new Guid("64818D10-4F9B-11CF-86EA-00AA00B929E8")] = PowerPoint, // PowerPoint 97–2003
        [new Guid("EA7BAE70-FB3B-11CD-A903-00AA00510EA3")] = PowerPoint, // PowerPoint 95
        [new Guid("00020D0B-0000-0000-C000-000000000046")] = OutlookMessage, // an Outlook message ([MS-OXMSG])
    };

    private static readonly Dictionary<string, EvidenceFormat> FormatsByMainStream = new(StringComparer.Ordinal)
    {
        ["WordDocument"] = Word,
        ["Workbook"] = Excel,
        ["Book"] = Excel,
        ["PowerPoint Document"] = PowerPoint,
        ["__properties_version1.0"] = OutlookMessage,
    };

    /// <summary>Every compound-file format the vault recognises.</summary>
    public static IEnumerable<EvidenceFormat> All => [Word, Excel, PowerPoint, OutlookMessage];

    /// <summary>The eight bytes every compound file starts with.</summary>
    public static bool IsCompoundFile(ReadOnlySpan<byte> head) =>
        head.StartsWith((ReadOnlySpan<byte>)[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);

    /// <summary>
    /// Where the directory of the compound file whose header is <paramref name="head"/> begins, or null when the
    /// header is no valid one (version 3 with 512-byte sectors or version 4 with 4096-byte ones, little-endian).
    /// </summary>
    public static long? DirectoryOffset(ReadOnlySpan<byte> head)
    {
        if (head.Length < HeaderFieldsLength || !IsCompoundFile(head))
        {
            return null;
        }

        var version = BinaryPrimitives.ReadUInt16LittleEndian(head[0x1A..]);
        var byteOrder = BinaryPrimitives.ReadUInt16LittleEndian(head[0x1C..]);
        var sectorShift = BinaryPrimitives.ReadUInt16LittleEndian(head[0x1E..]);
        var firstDirectorySector = BinaryPrimitives.ReadUInt32LittleEndian(head[0x30..]);
        var valid = byteOrder == 0xFFFE && (version, sectorShift) is (3, 9) or (4, 12) && firstDirectorySector <= LastRegularSector;
        return valid ? (firstDirectorySector + 1L) << sectorShift : null;
    }

    /// <summary>
    /// The office format of the compound file with header <paramref name="head"/> and the first bytes of its directory
    /// <paramref name="directory"/> (up to <see cref="DirectoryLength"/>); null for any other compound file.
    /// </summary>
    public static EvidenceFormat? Detect(ReadOnlySpan<byte> head, ReadOnlySpan<byte> directory)
    {
        if (DirectoryOffset(head) is null || directory.Length < EntryLength || directory[66] != RootStorageObject)
        {
            return null;
        }

        var rootClass = new Guid(directory.Slice(80, 16));
        if (rootClass != Guid.Empty)
        {
            return FormatsByClass.GetValueOrDefault(rootClass);
        }

        for (var at = EntryLength; at + EntryLength <= Math.Min(directory.Length, DirectoryLength); at += EntryLength)
        {
            var entry = directory.Slice(at, EntryLength);
            if (StreamName(entry) is { } name && FormatsByMainStream.TryGetValue(name, out var format))
            {
                return format;
            }
        }

        return null;
    }

    /// <summary>
    /// The name of the directory <paramref name="entry"/> when it is a stream: UTF-16 of at most 31 characters, its length
    /// in bytes counting the terminating NUL; null for a storage, an unused entry or a malformed name.
    /// </summary>
    public static string? StreamName(ReadOnlySpan<byte> entry) => EntryName(entry, StreamObject);

    /// <summary>The name of the directory <paramref name="entry"/> when it is a storage (a folder of streams), as <see cref="StreamName"/> reads a stream's.</summary>
    public static string? StorageName(ReadOnlySpan<byte> entry) => EntryName(entry, StorageObject);

    private const byte StorageObject = 1;
    private const byte StreamObject = 2;

    private static string? EntryName(ReadOnlySpan<byte> entry, byte type)
    {
        var length = BinaryPrimitives.ReadUInt16LittleEndian(entry[64..]);
        return entry[66] == type && length is >= 2 and <= 64 && length % 2 == 0 ? Encoding.Unicode.GetString(entry[..(length - 2)]) : null;
    }
}
