using System.Buffers;
using System.Security.Cryptography;
using EvidenceVault.Hashing;

namespace EvidenceVault.WebArchives;

/// <summary>A response larger than the capture may keep; nothing of it is kept.</summary>
public sealed class WarcBlockTooLargeException(long limit)
    : IOException($"The response is larger than the {limit} bytes the capture has left.")
{
    /// <summary>The limit that was reached, in bytes.</summary>
    public long Limit { get; } = limit;
}

/// <summary>
/// The content block of one WARC record. For a response: the HTTP head as received, then its payload, spooled to a
/// temporary file while both digests are computed, so memory stays constant and the length is known before the
/// record's header is written. For other records (warcinfo, request, metadata): a few bytes.
/// </summary>
public sealed class WarcBlock : IAsyncDisposable
{
    private const int BufferSize = 81920;

    private readonly ReadOnlyMemory<byte> _head;
    private readonly FileStream? _payload;

    private WarcBlock(ReadOnlyMemory<byte> head, FileStream? payload, long payloadLength, Sha256Digest blockDigest, Sha256Digest? payloadDigest)
    {
        _head = head;
        _payload = payload;
        PayloadLength = payloadLength;
        BlockDigest = blockDigest;
        PayloadDigest = payloadDigest;
    }

    /// <summary>The block's length in bytes (the record's <c>Content-Length</c>).</summary>
    public long Length => _head.Length + PayloadLength;

    /// <summary>The payload's length: the HTTP body after the head, as received.</summary>
    public long PayloadLength { get; }

    /// <summary>SHA-256 of the whole block (<c>WARC-Block-Digest</c>).</summary>
    public Sha256Digest BlockDigest { get; }

    /// <summary>SHA-256 of the HTTP payload (<c>WARC-Payload-Digest</c>); only for blocks that carry one.</summary>
    public Sha256Digest? PayloadDigest { get; }

    /// <summary>A block of a few bytes, without an HTTP payload of its own.</summary>
    public static WarcBlock FromBytes(ReadOnlyMemory<byte> bytes) => new(bytes, null, 0, Sha256Digest.Of(bytes.Span), null);

    /// <summary>
    /// An HTTP message: <paramref name="head"/> (status or request line and header fields, ending in an empty line),
    /// then <paramref name="payload"/> read to its end — at most <paramref name="maxPayloadBytes"/>, beyond which
    /// <see cref="WarcBlockTooLargeException"/> is thrown and nothing is kept.
    /// </summary>
    public static async Task<WarcBlock> SpoolAsync(ReadOnlyMemory<byte> head, Stream payload, long maxPayloadBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var file = CreateTemporaryFile();
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            using var blockHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using var payloadHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            blockHash.AppendData(head.Span);
            long length = 0;
            int read;
            while ((read = await payload.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
            {
                length += read;
                if (length > maxPayloadBytes)
                {
                    throw new WarcBlockTooLargeException(maxPayloadBytes);
                }

                blockHash.AppendData(buffer, 0, read);
                payloadHash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            await file.FlushAsync(cancellationToken);
            return new WarcBlock(head, file, length, Sha256Digest.FromBytes(blockHash.GetHashAndReset()), Sha256Digest.FromBytes(payloadHash.GetHashAndReset()));
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// A temporary file for a capture's spooled responses and packages (<c>evidencevault-capture-</c>, the process id,
    /// then a random name, in the system's temporary folder, so that one instance's files are told from another's on a
    /// shared machine), deleted when it is closed — whether the capture is answered, refused or cut short.
    /// </summary>
    public static FileStream CreateTemporaryFile() => new(
        Path.Combine(Path.GetTempPath(), $"{TemporaryFilePrefix}{Environment.ProcessId}-{Guid.NewGuid():N}"),
        FileMode.CreateNew,
        FileAccess.ReadWrite,
        FileShare.None,
        BufferSize,
        FileOptions.Asynchronous | FileOptions.DeleteOnClose);

    /// <summary>How the names of the capture's temporary files begin (<see cref="CreateTemporaryFile"/>).</summary>
    public const string TemporaryFilePrefix = "evidencevault-capture-";

    /// <summary>The payload from its first byte. The stream belongs to the block: read it, do not dispose it.</summary>
    public Stream RewindPayload()
    {
        var payload = _payload ?? Stream.Null;
        payload.Position = 0;
        return payload;
    }

    /// <summary>Writes the whole block: head, then payload.</summary>
    public async Task CopyToAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        await destination.WriteAsync(_head, cancellationToken);
        if (_payload is not null)
        {
            await RewindPayload().CopyToAsync(destination, BufferSize, cancellationToken);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_payload is not null)
        {
            await _payload.DisposeAsync();
        }
    }
}
