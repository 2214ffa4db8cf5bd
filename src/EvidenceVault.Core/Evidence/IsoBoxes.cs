using System.Buffers.Binary;
using System.Text;

namespace EvidenceVault.Evidence;

/// <summary>Positioned reads of a seekable stream; a read the file cannot fill ends the statement being read (<see cref="EndOfStreamException"/>).</summary>
internal sealed class PositionedReads(Stream stream)
{
    public long Length { get; } = stream.Length;

    public async Task<byte[]> ReadAsync(long position, int count, CancellationToken cancellationToken)
    {
        if (position < 0 || position > Length || count < 0)
        {
            throw new InvalidDataException("A read outside the file.");
        }

        if (count > Length - position)
        {
            throw new EndOfStreamException("The file ends before the statement does.");
        }

        var buffer = new byte[count];
        stream.Position = position;
        await stream.ReadExactlyAsync(buffer, cancellationToken);
        return buffer;
    }

    /// <summary>Fills <paramref name="buffer"/> from <paramref name="position"/>, or as much of it as the file holds: the count read.</summary>
    public async Task<int> FillAsync(long position, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (position < 0 || position > Length)
        {
            throw new InvalidDataException("A read outside the file.");
        }

        var count = (int)Math.Min(buffer.Length, Length - position);
        stream.Position = position;
        await stream.ReadExactlyAsync(buffer[..count], cancellationToken);
        return count;
    }
}

/// <summary>
/// The boxes of ISO base media files (ISO/IEC 14496-12: MP4, M4A, QuickTime, 3GPP, and HEIF images such as HEIC):
/// each a 32-bit size (or 1 and a 64-bit one, or 0 for "to the end"), a four-letter type and a body, walked by size.
/// </summary>
internal static class IsoBoxes
{
    private const int MaxBoxes = 256;

    /// <summary>The first box of <paramref name="type"/> between <paramref name="start"/> and <paramref name="end"/>: its body's bounds.</summary>
    /// <exception cref="InvalidDataException">A box runs past its parent.</exception>
    public static async Task<(long Start, long End)?> FindAsync(PositionedReads file, long start, long end, string type, CancellationToken cancellationToken)
    {
        var position = start;
        for (var n = 0; n < MaxBoxes && position + 8 <= end; n++)
        {
            var header = await file.ReadAsync(position, (int)Math.Min(16, end - position), cancellationToken);
            long size = BinaryPrimitives.ReadUInt32BigEndian(header);
            var headerSize = 8;
            if (size == 1 && header.Length >= 16)
            {
                size = checked((long)BinaryPrimitives.ReadUInt64BigEndian(header.AsSpan(8)));
                headerSize = 16;
            }
            else if (size == 0)
            {
                size = end - position; // to the end of its parent
            }

            if (size < headerSize || position + size > end)
            {
                throw new InvalidDataException("A box runs past its parent.");
            }

            if (Encoding.ASCII.GetString(header, 4, 4) == type)
            {
                return (position + headerSize, position + size);
            }

            position += size;
        }

        return null;
    }
}
