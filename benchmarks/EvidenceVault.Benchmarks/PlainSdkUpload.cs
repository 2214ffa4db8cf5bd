using System.Diagnostics;
using Azure;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace EvidenceVault.Benchmarks;

/// <summary>The reference every upload benchmark is measured against: the SDK's own block upload of a file to the same Azurite.</summary>
internal static class PlainSdkUpload
{
    /// <summary>Uploads <paramref name="path"/> as a new blob (<c>If-None-Match: *</c>, like the vault); returns seconds.</summary>
    /// <param name="container">Where.</param>
    /// <param name="path">The file.</param>
    /// <param name="blockSize">Block size (the vault's, for a like-for-like comparison).</param>
    /// <param name="concurrency">Blocks in flight; null for the SDK's default.</param>
    /// <param name="checksum">Transactional checksum per block; null for the SDK's default validation.</param>
    public static async Task<double> TimeAsync(BlobContainerClient container, string path, int blockSize, int? concurrency, StorageChecksumAlgorithm? checksum)
    {
        var options = new BlobUploadOptions
        {
            TransferOptions = new StorageTransferOptions { InitialTransferSize = blockSize, MaximumTransferSize = blockSize, MaximumConcurrency = concurrency },
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
        };
        if (checksum is { } algorithm)
        {
            options.TransferValidation = new UploadTransferValidationOptions { ChecksumAlgorithm = algorithm };
        }

        var watch = Stopwatch.StartNew();
        await container.GetBlobClient(Guid.NewGuid().ToString("N")).UploadAsync(path, options);
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>Megabytes (10^6) per second.</summary>
    public static double Mb(long bytes, double seconds) => bytes / seconds / 1e6;
}
