using System.Buffers;
using System.Security.Cryptography;

namespace EvidenceVault.Hashing;

/// <summary>The SHA-256 and length of a stream that was read once, start to end.</summary>
/// <param name="Digest">SHA-256 of every byte read.</param>
/// <param name="Length">Number of bytes read.</param>
public sealed record HashedLength(Sha256Digest Digest, long Length);

/// <summary>
/// Hashes evidence in one streaming pass with a pooled buffer, so memory stays constant whatever the size.
/// </summary>
public static class EvidenceHasher
{
    /// <summary>Read size: large enough for the platform SHA-256 to run at full speed, small enough to pool.</summary>
    public const int BufferSize = 1 << 20;

    /// <summary>Hashes a stream to its end.</summary>
    public static Task<HashedLength> HashAsync(Stream source, CancellationToken cancellationToken = default) =>
        CopyAndHashAsync(source, destination: null, cancellationToken);

    /// <summary>Copies <paramref name="source"/> to <paramref name="destination"/> (when given) and hashes the bytes on the way.</summary>
    public static async Task<HashedLength> CopyAndHashAsync(Stream source, Stream? destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long length = 0;
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                if (destination is not null)
                {
                    await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }

                length += read;
            }

            return new HashedLength(Sha256Digest.FromBytes(hash.GetHashAndReset()), length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
