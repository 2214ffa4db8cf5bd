using System.Buffers.Binary;
using System.IO.Compression;

namespace EvidenceVault.Evidence;

/// <summary>
/// Opens a ZIP package (a WACZ, an office document) for reading what it says of itself, but only when its central
/// directory is small. <see cref="ZipArchive"/> reads the whole directory into memory, an object per entry, before
/// anything else; a file crafted with millions of entries would cost the vault that much memory for a statement.
/// The directory's size is read first from the package's end records (ZIP64's when the classic ones overflow):
/// WACZ packages and office documents hold a few to a few hundred entries, a few kilobytes of directory.
/// </summary>
internal static class ZipPackages
{
    /// <summary>The largest central directory opened: about twenty thousand entries.</summary>
    public const long MaxDirectoryBytes = 1024 * 1024;

    private const int EndRecordLength = 22;
    private const int Zip64LocatorLength = 20;
    private const int Zip64EndRecordLength = 56;

    private static ReadOnlySpan<byte> EndSignature => [0x50, 0x4B, 0x05, 0x06];

    private static ReadOnlySpan<byte> Zip64LocatorSignature => [0x50, 0x4B, 0x06, 0x07];

    private static ReadOnlySpan<byte> Zip64EndSignature => [0x50, 0x4B, 0x06, 0x06];

    /// <summary>The package in <paramref name="content"/> (seekable), or null when it is no ZIP or its directory is larger than <see cref="MaxDirectoryBytes"/>.</summary>
    public static async Task<ZipArchive?> OpenAsync(Stream content, CancellationToken cancellationToken)
    {
        if (!await HasSmallDirectoryAsync(new PositionedReads(content), cancellationToken))
        {
            return null;
        }

        content.Position = 0;
        return await ZipArchive.CreateAsync(content, ZipArchiveMode.Read, leaveOpen: true, entryNameEncoding: null, cancellationToken);
    }

    private static async Task<bool> HasSmallDirectoryAsync(PositionedReads file, CancellationToken cancellationToken)
    {
        // The end record is last but for a comment of at most 65,535 bytes; ZIP64's locator sits right before it.
        var tailLength = (int)Math.Min(file.Length, EndRecordLength + ushort.MaxValue + Zip64LocatorLength);
        var tail = await file.ReadAsync(file.Length - tailLength, tailLength, cancellationToken);
        var end = tail.AsSpan().LastIndexOf(EndSignature);
        if (end < 0 || end + EndRecordLength > tail.Length)
        {
            return false;
        }

        var entries = BinaryPrimitives.ReadUInt16LittleEndian(tail.AsSpan(end + 10));
        var size = BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(end + 12));
        if (entries != ushort.MaxValue && size != uint.MaxValue)
        {
            return size <= MaxDirectoryBytes;
        }

        var locator = end - Zip64LocatorLength;
        if (locator < 0 || !tail.AsSpan(locator).StartsWith(Zip64LocatorSignature))
        {
            return false;
        }

        var recordAt = BinaryPrimitives.ReadUInt64LittleEndian(tail.AsSpan(locator + 8));
        if (recordAt > (ulong)(file.Length - Zip64EndRecordLength))
        {
            return false;
        }

        var record = await file.ReadAsync((long)recordAt, Zip64EndRecordLength, cancellationToken);
        return record.AsSpan().StartsWith(Zip64EndSignature) && BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(40)) <= MaxDirectoryBytes;
    }
}
