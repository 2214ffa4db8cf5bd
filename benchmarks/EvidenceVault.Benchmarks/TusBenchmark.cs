using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Azure.Storage;
using Azure.Storage.Blobs;
using EvidenceVault.Api.Ingest;

namespace EvidenceVault.Benchmarks;

/// <summary>
/// A file through resumable (tus) uploads in 8 MiB PATCHes vs a plain SDK block upload of the same file to the same
/// Azurite in the same run; and the API process's peak memory growth for a small and a large file, to show it flat.
/// </summary>
internal static class TusBenchmark
{
    // The reference's block size, and the PATCH size unless another is asked for.
    internal const int Chunk = 8 * 1024 * 1024;
    private const int WarmUpMib = 1024;
    private const int SecondWarmUpMib = 512;

    /// <summary>
    /// Runs each size <paramref name="rounds"/> times (<see cref="PairedRounds"/>: a fresh, equally warmed Azurite and
    /// API for every timed upload, the order alternating). The reference is the SDK's own parallel block upload of the
    /// same file with transactional MD5, its fastest setting on Azurite.
    /// </summary>
    public static async Task<int> RunAsync(int[] sizesMib, int rounds, int patchMib, bool sendMd5)
    {
        PatchBytes = patchMib * 1024 * 1024;
        SendMd5 = sendMd5;
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
        try
        {
            var results = await PairedRounds.RunAsync(
                $"{sizeMib} MiB", bytes, rounds, WarmUpAsync,
                session => TusAsync(session.Http, session.CaseId, path),
                session => PlainSdkAsync(session.Container, path));

            // For the record: the SDK uploading one block at a time, as a tus client sends its PATCHes. (The SDK's
            // default validation is left out: on Azurite it runs at about half the speed of MD5, see the ingest
            // benchmark.)
            var sequential = await PairedRounds.InFreshSessionAsync(WarmUpAsync, session => PlainSdkAsync(session.Container, path, concurrency: 1));
            Console.WriteLine($"{sizeMib} MiB: SDK one block at a time {Mb(bytes, sequential):F1} MB/s; tus throughput against it = {sequential / results.Average(r => r.VaultSeconds):F2} (its time over the vault's mean)");

            var (median, all) = PairedRounds.Median(results.Select(r => r.ReferenceSeconds / r.VaultSeconds));
            return $"{sizeMib} MiB: throughput ratio (tus / plain SDK) = {median:F2}, median of {rounds} rounds [{all}] (target >= 0.8); " +
                $"API peak memory growth = {results.Max(r => r.ApiPeakGrowthBytes) / 1048576.0:F0} MB (target <= 150, flat with size)";
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// 1 GiB through each path (128 PATCHes), then, once the API is idle, 512 MiB more through the vault. The runtime
    /// compiles hot code again in the background once it has been called often enough; after 256 MiB it was still doing
    /// so, and the API spent 52–63 ms of CPU per PATCH against 32 ms in steady state. After 1 GiB it still had methods
    /// of every PATCH's path to promote: it did so as soon as the next upload called them, during the first two seconds
    /// of the timed one (<c>perf</c>: 0.4 s of the JIT's CPU), while the reference's code, in this long-lived process,
    /// was long optimised. The second pass lets that happen before the clock starts, as in a vault that has been up.
    /// </summary>
    private static async Task WarmUpAsync(BenchSession session)
    {
        var warmUp = BenchEnvironment.CreateVideoFile(WarmUpMib * 1024L * 1024);
        var secondWarmUp = BenchEnvironment.CreateVideoFile(SecondWarmUpMib * 1024L * 1024);
        try
        {
            await PlainSdkAsync(session.Container, warmUp);
            await TusAsync(session.Http, session.CaseId, warmUp);
            await PairedRounds.SettleAsync(session.Environment);
            await TusAsync(session.Http, session.CaseId, secondWarmUp);
        }
        finally
        {
            File.Delete(warmUp);
            File.Delete(secondWarmUp);
        }
    }

    /// <summary>The size of each PATCH (<c>--chunk-mib</c>); 8 MiB by default, as the issue and the vault's own clients send.</summary>
    private static int PatchBytes { get; set; } = Chunk;

    private static async Task<double> TusAsync(HttpClient http, string caseId, string path)
    {
        await using var file = File.OpenRead(path);
        var watch = Stopwatch.StartNew();
        using var create = new HttpRequestMessage(HttpMethod.Post, $"/api/cases/{caseId}/uploads");
        create.Headers.Add("Tus-Resumable", "1.0.0");
        create.Headers.Add("Upload-Length", file.Length.ToString(CultureInfo.InvariantCulture));
        using var created = await http.SendAsync(create);
        var upload = created.IsSuccessStatusCode ? created.Headers.Location! : throw new InvalidOperationException(await created.Content.ReadAsStringAsync());
        long offset = 0;
        var times = new ChunkTimes();
        await foreach (var (chunk, md5) in ReadAheadAsync(file))
        {
            times.Start();
            using var patch = new HttpRequestMessage(HttpMethod.Patch, upload) { Content = new ReadOnlyMemoryContent(chunk) };
            patch.Headers.Add("Tus-Resumable", "1.0.0");
            patch.Headers.Add("Upload-Offset", offset.ToString(CultureInfo.InvariantCulture));
            if (md5 is not null)
            {
                patch.Headers.Add("Upload-Checksum", "md5 " + Convert.ToBase64String(md5));
            }

            patch.Content.Headers.ContentType = new MediaTypeHeaderValue("application/offset+octet-stream");
            using var response = await http.SendAsync(patch);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }

            offset += chunk.Count;
            times.Stop();
        }

        var seconds = watch.Elapsed.TotalSeconds;

        // What a PATCH costs besides its bytes: a HEAD is authentication plus one session read.
        var head = Stopwatch.StartNew();
        for (var i = 0; i < 20; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Head, upload);
            request.Headers.Add("Tus-Resumable", "1.0.0");
            using var response = await http.SendAsync(request);
        }

        Console.WriteLine($"  HEAD (authentication + session read) {head.Elapsed.TotalMilliseconds / 20:F1} ms; {offset / PatchBytes} PATCHes, {seconds * 1000 / (offset / (double)PatchBytes):F0} ms each; by quarter of the upload, median {times.QuarterMedians()} ms");
        return seconds;
    }

    /// <summary>
    /// The file chunk by chunk, as the CLI reads it: each chunk (and, when asked, its MD5 for <c>Upload-Checksum</c>) is
    /// read while the caller sends the one before, so the client adds no wait between PATCHes. A chunk's bytes are
    /// reused once the caller asks for the next one. Chunks are <see cref="PatchBytes"/> long, with an MD5 unless
    /// <see cref="SendMd5"/> is off: 8 MiB with MD5 but where the <c>tus</c> mode was asked otherwise.
    /// </summary>
    internal static async IAsyncEnumerable<(ArraySegment<byte> Chunk, byte[]? Md5)> ReadAheadAsync(FileStream file)
    {
        byte[][] buffers = [ArrayPool<byte>.Shared.Rent(PatchBytes), ArrayPool<byte>.Shared.Rent(PatchBytes)];
        var next = ReadChunkAsync(file, buffers[0]);
        try
        {
            for (var turn = 0; ; turn ^= 1)
            {
                var (count, md5) = await next;
                if (count == 0)
                {
                    yield break;
                }

                next = ReadChunkAsync(file, buffers[turn ^ 1]);
                yield return (new ArraySegment<byte>(buffers[turn], 0, count), md5);
            }
        }
        finally
        {
            // A caller that stops early leaves a read on its way: the buffers go back only once it is done.
            await ((Task)next).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            Array.ForEach(buffers, b => ArrayPool<byte>.Shared.Return(b));
        }
    }

    /// <summary>Reads the next chunk, and its MD5 when asked, on the pool.</summary>
    private static Task<(int Count, byte[]? Md5)> ReadChunkAsync(FileStream file, byte[] buffer) => Task.Run(async () =>
    {
        var count = await file.ReadAtLeastAsync(buffer.AsMemory(0, PatchBytes), PatchBytes, throwOnEndOfStream: false);
        if (!SendMd5)
        {
            return (count, (byte[]?)null);
        }

        using var md5 = new BlockChecksum(StorageChecksumAlgorithm.MD5);
        md5.Append(buffer.AsSpan(0, count));
        return (count, md5.Finish());
    });

    /// <summary>Whether each PATCH carries an MD5 <c>Upload-Checksum</c> (<c>--upload-checksum md5</c>, the default) or none.</summary>
    private static bool SendMd5 { get; set; } = true;

    /// <summary>The reference: the SDK's own block upload with the same 8 MiB blocks, transactional MD5 and its default parallelism (or the one given).</summary>
    internal static Task<double> PlainSdkAsync(BlobContainerClient container, string path, int? concurrency = null) =>
        PlainSdkUpload.TimeAsync(container, path, Chunk, concurrency, StorageChecksumAlgorithm.MD5);

    private static double Mb(long bytes, double seconds) => PlainSdkUpload.Mb(bytes, seconds);
}
