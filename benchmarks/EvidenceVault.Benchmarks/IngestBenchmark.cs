using System.Diagnostics;
using Azure.Storage;
using Azure.Storage.Blobs;

namespace EvidenceVault.Benchmarks;

/// <summary>
/// One file through the vault's HTTP ingest vs a plain <c>BlobClient.UploadAsync</c> of the same file to the same
/// Azurite, with the same block size and concurrency, alternating, in one run. Also the API process's peak memory
/// growth while it ingests.
/// </summary>
internal static class IngestBenchmark
{
    private const int Concurrency = 4;

    // The reference uses the vault's own block size (the API process inherits this variable when it is set).
    private static readonly int BlockSize = int.TryParse(Environment.GetEnvironmentVariable("EvidenceVault__Ingest__BlockSizeBytes"), System.Globalization.CultureInfo.InvariantCulture, out var configured)
        ? configured
        : 8 * 1024 * 1024;

    public static async Task<int> RunAsync(int sizeMib)
    {
        var bytes = sizeMib * 1024L * 1024;
        await using var environment = await BenchEnvironment.StartAsync();
        var (http, caseId) = await environment.OpenCaseAsync();
        using var _ = http;
        var container = await environment.ReferenceContainerAsync();
        await WarmUpAsync(http, caseId, container);

        var ours = new List<double>();
        var plain = new List<double>();
        long peakGrowth = 0;
        for (var round = 1; round <= 2; round++)
        {
            // Fresh random bytes each round (the vault answers the same bytes again idempotently); both sides upload this file.
            var path = BenchEnvironment.CreateVideoFile(bytes);
            try
            {
                // The reference is the faster of the SDK's defaults and the SDK with the vault's block checksum.
                var sdkDefault = await PlainSdkAsync(container, path, round, checksum: null);
                var sdkSameChecksum = await PlainSdkAsync(container, path, round, StorageChecksumAlgorithm.MD5);
                Console.WriteLine($"round {round}: plain SDK default validation {Mb(bytes, sdkDefault):F1} MB/s, with transactional MD5 like the vault {Mb(bytes, sdkSameChecksum):F1} MB/s");
                plain.Add(Math.Min(sdkDefault, sdkSameChecksum));
                var before = environment.ApiMemory();
                environment.ResetPeak();
                ours.Add(await VaultAsync(http, caseId, path, round));
                var after = environment.ApiMemory();
                peakGrowth = Math.Max(peakGrowth, after.PeakBytes - before.RssBytes);
                Console.WriteLine($"round {round}: reference {Mb(bytes, plain[^1]):F1} MB/s, vault {Mb(bytes, ours[^1]):F1} MB/s, API peak RSS growth {peakGrowth / 1048576.0:F0} MB");
            }
            finally
            {
                File.Delete(path);
            }
        }

        {

            var ratio = ours.Min() / plain.Min();
            Console.WriteLine($"file {sizeMib} MiB, blocks of {BlockSize / 1048576} MiB, {Concurrency} in flight on both sides; best of 2: plain SDK {plain.Min():F2} s, vault {ours.Min():F2} s");
            Console.WriteLine($"API peak memory growth during ingest = {peakGrowth / 1048576.0:F0} MB (target <= 150)");
            Console.WriteLine($"ingest time ratio (vault HTTP ingest / plain SDK upload) = {ratio:F2} (target <= 1.15)");
            return 0;
        }
    }

    private static async Task WarmUpAsync(HttpClient http, string caseId, BlobContainerClient container)
    {
        var small = BenchEnvironment.CreateVideoFile(32L * 1024 * 1024);
        try
        {
            await VaultAsync(http, caseId, small, 0);
            await PlainSdkAsync(container, small, 0, checksum: null);
            await PlainSdkAsync(container, small, 0, StorageChecksumAlgorithm.MD5);
        }
        finally
        {
            File.Delete(small);
        }
    }

    private static async Task<double> VaultAsync(HttpClient http, string caseId, string path, int round)
    {
        await using var file = File.OpenRead(path);
        using var content = new StreamContent(file, 1024 * 1024);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/cases/{caseId}/items") { Content = content };
        var watch = Stopwatch.StartNew();
        using var response = await http.SendAsync(request);
        var seconds = watch.Elapsed.TotalSeconds;
        if (!response.IsSuccessStatusCode || response.StatusCode != System.Net.HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"round {round}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        return seconds;
    }

    private static Task<double> PlainSdkAsync(BlobContainerClient container, string path, int round, StorageChecksumAlgorithm? checksum) =>
        PlainSdkUpload.TimeAsync(container, path, BlockSize, Concurrency, checksum);

    private static double Mb(long bytes, double seconds) => PlainSdkUpload.Mb(bytes, seconds);
}
