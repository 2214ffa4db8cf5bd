using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Azure.Storage;
using Azure.Storage.Blobs;

namespace EvidenceVault.Benchmarks;

/// <summary>
/// A file through resumable (tus) uploads in 8 MiB PATCHes vs a plain SDK block upload of the same file to the same
/// Azurite in the same run; and the API process's peak memory growth for a small and a large file, to show it flat.
/// </summary>
internal static class TusBenchmark
{
    private const int Chunk = 8 * 1024 * 1024;

    public static async Task<int> RunAsync(int[] sizesMib)
    {
        await using var environment = await BenchEnvironment.StartAsync();
        using var http = new HttpClient { BaseAddress = environment.BaseAddress, Timeout = TimeSpan.FromHours(1) };
        var container = new BlobServiceClient(environment.Azurite.ConnectionString).GetBlobContainerClient("plain-sdk-reference");
        await container.CreateIfNotExistsAsync();
        var (caseId, token) = await environment.CreateCaseAsync(http);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var results = new List<(int SizeMib, double Tus, double Sdk, long Growth)>();
        foreach (var sizeMib in sizesMib.Prepend(64))
        {
            var bytes = sizeMib * 1024L * 1024;
            var path = BenchEnvironment.CreateVideoFile(bytes);
            try
            {
                var sdk = Math.Min(await PlainSdkAsync(container, path, checksum: null), await PlainSdkAsync(container, path, StorageChecksumAlgorithm.MD5));
                var sequential = await PlainSdkAsync(container, path, StorageChecksumAlgorithm.MD5, concurrency: 1);
                var before = environment.ApiMemory();
                environment.ResetPeak();
                var tus = await TusAsync(http, caseId, path);
                var growth = environment.ApiMemory().PeakBytes - before.RssBytes;
                Console.WriteLine($"{sizeMib} MiB: plain SDK {Mb(bytes, sdk):F1} MB/s (one block at a time: {Mb(bytes, sequential):F1} MB/s), tus {Mb(bytes, tus):F1} MB/s, API peak RSS growth {growth / 1048576.0:F0} MB");
                if (sizeMib != 64 || sizesMib.Contains(64))
                {
                    results.Add((sizeMib, tus, sdk, growth)); // the first 64 MiB round only warms both sides up
                }
            }
            finally
            {
                File.Delete(path);
            }
        }

        foreach (var (sizeMib, tus, sdk, growth) in results)
        {
            Console.WriteLine($"{sizeMib} MiB: throughput ratio (tus / plain SDK) = {sdk / tus:F2} (target >= 0.8); API peak memory growth = {growth / 1048576.0:F0} MB (target <= 150, flat with size)");
        }

        return 0;
    }

    private static async Task<double> TusAsync(HttpClient http, string caseId, string path)
    {
        await using var file = File.OpenRead(path);
        var buffer = ArrayPool<byte>.Shared.Rent(Chunk);
        var watch = Stopwatch.StartNew();
        using var create = new HttpRequestMessage(HttpMethod.Post, $"/api/cases/{caseId}/uploads");
        create.Headers.Add("Tus-Resumable", "1.0.0");
        create.Headers.Add("Upload-Length", file.Length.ToString(CultureInfo.InvariantCulture));
        using var created = await http.SendAsync(create);
        var upload = created.IsSuccessStatusCode ? created.Headers.Location! : throw new InvalidOperationException(await created.Content.ReadAsStringAsync());
        long offset = 0;
        while (offset < file.Length)
        {
            var count = await file.ReadAtLeastAsync(buffer.AsMemory(0, Chunk), Chunk, throwOnEndOfStream: false);
            using var patch = new HttpRequestMessage(HttpMethod.Patch, upload) { Content = new ReadOnlyMemoryContent(buffer.AsMemory(0, count)) };
            patch.Headers.Add("Tus-Resumable", "1.0.0");
            patch.Headers.Add("Upload-Offset", offset.ToString(CultureInfo.InvariantCulture));
            patch.Content.Headers.ContentType = new MediaTypeHeaderValue("application/offset+octet-stream");
            using var response = await http.SendAsync(patch);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }

            offset += count;
        }

        var seconds = watch.Elapsed.TotalSeconds;
        ArrayPool<byte>.Shared.Return(buffer);

        // What a PATCH costs besides its bytes: a HEAD is authentication plus one session read.
        var head = Stopwatch.StartNew();
        for (var i = 0; i < 20; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Head, upload);
            request.Headers.Add("Tus-Resumable", "1.0.0");
            using var response = await http.SendAsync(request);
        }

        Console.WriteLine($"  HEAD (authentication + session read) {head.Elapsed.TotalMilliseconds / 20:F1} ms; {offset / Chunk} PATCHes, {seconds * 1000 / (offset / (double)Chunk):F0} ms each");
        return seconds;
    }

    // The SDK's own block upload with the same 8 MiB blocks and its default parallelism (or the one given).
    private static Task<double> PlainSdkAsync(BlobContainerClient container, string path, StorageChecksumAlgorithm? checksum, int? concurrency = null) =>
        PlainSdkUpload.TimeAsync(container, path, Chunk, concurrency, checksum);

    private static double Mb(long bytes, double seconds) => PlainSdkUpload.Mb(bytes, seconds);
}
