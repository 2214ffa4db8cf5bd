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
    private const int WarmUpMib = 1024;

    /// <summary>
    /// Runs each size <paramref name="rounds"/> times. Every timed upload gets a fresh Azurite and API, warmed up the
    /// same way: an in-memory Azurite slows down as it fills (the reference ran at 103 MB/s on an empty one and at
    /// 69 MB/s holding 8 GiB), which would otherwise decide the ratio by the order of the runs. The order still
    /// alternates between rounds. The reference is the SDK's own parallel block upload with transactional MD5.
    /// </summary>
    public static async Task<int> RunAsync(int[] sizesMib, int rounds)
    {
        var summary = new List<string>();
        foreach (var sizeMib in sizesMib)
        {
            summary.Add(await RunSizeAsync(sizeMib, rounds));
        }

        summary.ForEach(Console.WriteLine);
        return 0;
    }

    private static async Task<string> RunSizeAsync(int sizeMib, int rounds)
    {
        var bytes = sizeMib * 1024L * 1024;
        var path = BenchEnvironment.CreateVideoFile(bytes);
        var ratios = new List<double>();
        var tusSeconds = new List<double>();
        long peakGrowth = 0;
        try
        {
            for (var round = 1; round <= rounds; round++)
            {
                double sdk = 0, tus = 0;
                long growth = 0;
                foreach (var vaultFirst in round % 2 == 0 ? new[] { true, false } : [false, true])
                {
                    if (vaultFirst)
                    {
                        (tus, growth) = await InFreshVaultAsync(async (environment, http, _, caseId) =>
                        {
                            var before = environment.ApiMemory();
                            environment.ResetPeak();
                            var seconds = await WithCpuAsync(environment, bytes, "tus", () => TusAsync(http, caseId, path));
                            return (seconds, environment.ApiMemory().PeakBytes - before.RssBytes);
                        });
                    }
                    else
                    {
                        sdk = await InFreshVaultAsync((environment, _, container, _) =>
                            WithCpuAsync(environment, bytes, "plain SDK", () => PlainSdkAsync(container, path, StorageChecksumAlgorithm.MD5)));
                    }
                }

                peakGrowth = Math.Max(peakGrowth, growth);
                ratios.Add(sdk / tus);
                tusSeconds.Add(tus);
                Console.WriteLine(
                    $"{sizeMib} MiB round {round} ({(round % 2 == 0 ? "vault first" : "reference first")}): plain SDK {Mb(bytes, sdk):F1} MB/s, tus {Mb(bytes, tus):F1} MB/s, " +
                    $"ratio {sdk / tus:F2}, API peak RSS growth {growth / 1048576.0:F0} MB");
            }

            // For the record: the SDK uploading one block at a time, as a tus client sends its PATCHes. (The SDK's
            // default validation is left out: on Azurite it runs at about half the speed of MD5, see the ingest
            // benchmark.)
            var sequential = await InFreshVaultAsync((_, _, container, _) => PlainSdkAsync(container, path, StorageChecksumAlgorithm.MD5, concurrency: 1));
            Console.WriteLine($"{sizeMib} MiB: SDK one block at a time {Mb(bytes, sequential):F1} MB/s; the vault's mean tus time against it = {sequential / tusSeconds.Average():F2}");
        }
        finally
        {
            File.Delete(path);
        }

        ratios.Sort();
        var median = ratios.Count % 2 == 1 ? ratios[ratios.Count / 2] : (ratios[(ratios.Count / 2) - 1] + ratios[ratios.Count / 2]) / 2;
        return $"{sizeMib} MiB: throughput ratio (tus / plain SDK) = {median:F2}, median of {rounds} rounds [{string.Join(", ", ratios.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))}] (target >= 0.8); " +
            $"API peak memory growth = {peakGrowth / 1048576.0:F0} MB (target <= 150, flat with size)";
    }

    /// <summary>
    /// A fresh Azurite and API with a case, both paths warmed up by 1 GiB each (128 PATCHes), then
    /// <paramref name="measure"/>. The runtime compiles hot code again in the background once it has run often enough;
    /// after 256 MiB it was still doing so, and the API spent 52–63 ms of CPU per PATCH against 32 ms in steady state.
    /// </summary>
    private static async Task<T> InFreshVaultAsync<T>(Func<BenchEnvironment, HttpClient, BlobContainerClient, string, Task<T>> measure)
    {
        await using var environment = await BenchEnvironment.StartAsync();
        var (http, caseId) = await environment.OpenCaseAsync();
        using var _ = http;
        var container = await environment.ReferenceContainerAsync();
        var warmUp = BenchEnvironment.CreateVideoFile(WarmUpMib * 1024L * 1024);
        try
        {
            await PlainSdkAsync(container, warmUp, StorageChecksumAlgorithm.MD5);
            await TusAsync(http, caseId, warmUp);
        }
        finally
        {
            File.Delete(warmUp);
        }

        return await measure(environment, http, container, caseId);
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

    /// <summary>
    /// Runs <paramref name="upload"/> and prints the CPU time each process spent per 8 MiB of it: on two cores the
    /// client, the vault and Azurite share the machine, so what the vault spends is what Azurite cannot have.
    /// </summary>
    private static async Task<double> WithCpuAsync(BenchEnvironment environment, long bytes, string label, Func<Task<double>> upload)
    {
        var before = environment.CpuTimes();
        var seconds = await upload();
        var after = environment.CpuTimes();
        var chunks = bytes / (double)Chunk;
        Console.WriteLine(
            $"  {label}: CPU per 8 MiB: API {(after.Api - before.Api).TotalMilliseconds / chunks:F1} ms, Azurite {(after.Azurite - before.Azurite).TotalMilliseconds / chunks:F1} ms, " +
            $"client {(after.Client - before.Client).TotalMilliseconds / chunks:F1} ms; wall {seconds * 1000 / chunks:F1} ms");
        return seconds;
    }

    // The SDK's own block upload with the same 8 MiB blocks and its default parallelism (or the one given).
    private static Task<double> PlainSdkAsync(BlobContainerClient container, string path, StorageChecksumAlgorithm? checksum, int? concurrency = null) =>
        PlainSdkUpload.TimeAsync(container, path, Chunk, concurrency, checksum);

    private static double Mb(long bytes, double seconds) => PlainSdkUpload.Mb(bytes, seconds);
}
