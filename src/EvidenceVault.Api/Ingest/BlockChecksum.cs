using System.Security.Cryptography;
using Azure.Storage;

namespace EvidenceVault.Api.Ingest;

/// <summary>
/// A block's transport checksum (MD5 or CRC-64) computed while its bytes arrive, so the block can be sent the
/// moment its last byte is in, instead of after the SDK has read it once more to hash it.
/// </summary>
internal sealed class BlockChecksum : IDisposable
{
    private readonly IncrementalHash? _md5;
    private readonly StorageCrc64HashAlgorithm? _crc64;

    public BlockChecksum(StorageChecksumAlgorithm algorithm)
    {
        Algorithm = algorithm;
        if (algorithm == StorageChecksumAlgorithm.MD5)
        {
            _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        }
        else if (algorithm is StorageChecksumAlgorithm.StorageCrc64 or StorageChecksumAlgorithm.Auto)
        {
            _crc64 = StorageCrc64HashAlgorithm.Create();
            Algorithm = StorageChecksumAlgorithm.StorageCrc64;
        }
    }

    /// <summary>The algorithm the checksum is for; <see cref="StorageChecksumAlgorithm.None"/> computes nothing.</summary>
    public StorageChecksumAlgorithm Algorithm { get; }

    public void Append(ReadOnlySpan<byte> data)
    {
        _md5?.AppendData(data);
        _crc64?.Append(data);
    }

    /// <summary>The checksum of everything appended since the last call; the next block starts afresh.</summary>
    public byte[] Finish()
    {
        if (_md5 is not null)
        {
            return _md5.GetHashAndReset();
        }

        if (_crc64 is null)
        {
            return [];
        }

        var value = _crc64.GetCurrentHash();
        _crc64.Reset();
        return value;
    }

    public void Dispose() => _md5?.Dispose();
}
