using System.Diagnostics;
using Azure.Storage;
using Azure.Storage.Blobs;

namespace EvidenceVault.Benchmarks;

/// <summary>
/// One file through the vault's single-request HTTP ingest vs a plain <c>BlobClient.UploadAsync</c> of the same file to
/// the same Azurite with the same block size and concurrency, in paired rounds (<see cref="PairedRounds"/>); and the
/// API process's peak memory growth while it ingests.
/// </summary>
internal static class IngestBenchmark
{
    private const int Concurrency = 4;

    // The reference uses the vault's own block size (the API process inherits this variable when it is set).
    private static readonly int BlockSize = int.TryParse(Environment.GetEnvironmentVariable("EvidenceVault__Ingest__BlockSizeBytes"), System.Globalization.CultureInfo.InvariantCulture, out var configured)
        ? configured
        : 8 * 1024 * 1024;

    public static async Task<int> RunAsync(int sizeMib, int rounds)
    {
        var bytes = sizeMib * 1024L * 1024;
        var path = BenchEnvironment.CreateVideoFile(bytes);
        try
        {
            // The reference is the SDK with transactional MD5 per block, the vault's own setting on Azurite and the
            // SDK's faster one there; its default validation is measured once, for the record.
            var sdkDefault = await PairedRounds.InFreshSessionAsync(WarmUpAsync, session => PlainSdkAsync(session.Container, path, checksum: null));
            Console.WriteLine($"plain SDK with its default validation: {PlainSdkUpload.Mb(bytes, sdkDefault):F1} MB/s");

            // The vault answers the same bytes again idempotently (200, nothing stored), so every round is a fresh vault.
            var results = await PairedRounds.RunAsync(
                $"{sizeMib} MiB", bytes, rounds, WarmUpAsync,
                session => VaultAsync(session.Http, session.CaseId, path),
                session => PlainSdkAsync(session.Container, path, StorageChecksumAlgorithm.MD5));

            var (median, all) = PairedRounds.Median(results.Select(r => r.VaultSeconds / r.ReferenceSeconds));
            Console.WriteLine($"file {sizeMib} MiB, blocks of {BlockSize / 1048576} MiB, {Concurrency} in flight on both sides");
            Console.WriteLine($"API peak memory growth during ingest = {results.Max(r => r.ApiPeakGrowthBytes) / 1048576.0:F0} MB (target <= 150)");
            Console.WriteLine($"ingest time ratio (vault HTTP ingest / plain SDK upload) = {median:F2}, median of {rounds} rounds [{all}] (target <= 1.15)");
            return 0;
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// Forty small uploads (the per-request code runs often enough for the runtime to compile it fully) and 512 MiB
    /// through each path.
    /// </summary>
    private static async Task WarmUpAsync(BenchSession session)
    {
        var small = BenchEnvironment.CreateVideoFile(4L * 1024 * 1024);
        var large = BenchEnvironment.CreateVideoFile(512L * 1024 * 1024);
        try
        {
            for (var i = 0; i < 40; i++)
            {
                // Each round of small uploads needs new bytes: the same ones again would be answered idempotently.
                BenchEnvironment.Reshuffle(small);
                await VaultAsync(session.Http, session.CaseId, small);
                await PlainSdkAsync(session.Container, small, StorageChecksumAlgorithm.MD5);
            }

            await VaultAsync(session.Http, session.CaseId, large);
            await PlainSdkAsync(session.Container, large, StorageChecksumAlgorithm.MD5);
        }
        finally
        {
            File.Delete(small);
            File.Delete(large);
        }
    }

    private static async Task<double> VaultAsync(HttpClient http, string caseId, string path)
    {
        await using var file = File.OpenRead(path);
        using var content = new StreamContent(file, 1024 * 1024);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/cases/{caseId}/items") { Content = content };
        var watch = Stopwatch.StartNew();
        using var response = await http.SendAsync(request);
        var seconds = watch.Elapsed.TotalSeconds;
        if (response.StatusCode != System.Net.HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        return seconds;
    }

    private static Task<double> PlainSdkAsync(BlobContainerClient container, string path, StorageChecksumAlgorithm? checksum) =>
        PlainSdkUpload.TimeAsync(container, path, BlockSize, Concurrency, checksum);
}
