using System.Diagnostics;
using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Azure.Storage;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using EvidenceVault.Api.Ingest;

namespace EvidenceVault.Benchmarks;

/// <summary>
/// Diagnostic: how close any resumable upload can come to the parallel reference on this Azurite and machine. The
/// storage work of an upload in 8 MiB PATCHes as the vault does it — each chunk staged as one block under the MD5
/// the client computed while the previous chunk was on its way, with the token read beside it and the session
/// written after it (<c>--tables off</c>: neither), and the next chunk only once all that is done — is done straight
/// from this process: no HTTP hop, no vault, no SHA-256. Optionally a thread burns a share of one core meanwhile.
/// </summary>
internal static class TusCeilingBenchmark
{
    public static async Task<int> RunAsync(int sizeMib, int rounds, int loadPercent, bool tables, int partials)
    {
        var bytes = sizeMib * 1024L * 1024;
        var path = BenchEnvironment.CreateVideoFile(bytes);
        var warmUp = BenchEnvironment.CreateVideoFile(1024L * 1024 * 1024);
        try
        {
            // Azurite holds 2 GiB before the timed upload, as in the tus benchmark's warm-up.
            var results = await PairedRounds.RunAsync(
                $"{sizeMib} MiB ceiling", bytes, rounds,
                async session =>
                {
                    await TusBenchmark.PlainSdkAsync(session.Container, warmUp);
                    await TusBenchmark.PlainSdkAsync(session.Container, warmUp);
                },
                session => WithLoadAsync(loadPercent, () => partials > 1 ? PartsThenReadBackAsync(session, path, partials) : OneChunkAtATimeAsync(session, path, tables)),
                session => WithLoadAsync(loadPercent, () => TusBenchmark.PlainSdkAsync(session.Container, path)));
            var (median, all) = PairedRounds.Median(results.Select(r => r.ReferenceSeconds / r.VaultSeconds));
            var what = partials > 1
                ? $"{partials} parts of 8 MiB blocks at once straight to storage, then the blob read back for its SHA-256"
                : $"one 8 MiB block at a time straight to storage ({(tables ? "with" : "without")} the token read and session write)";
            Console.WriteLine(
                $"{sizeMib} MiB: {what}, " +
                $"with {loadPercent}% of a core busy besides: {median:F2} of the parallel SDK upload, median of {rounds} rounds [{all}]");
            return 0;
        }
        finally
        {
            File.Delete(path);
            File.Delete(warmUp);
        }
    }

    private static async Task<double> OneChunkAtATimeAsync(BenchSession session, string path, bool tables)
    {
        var service = new TableServiceClient(session.Environment.Azurite.ConnectionString);
        var grants = service.GetTableClient("ceilinggrants");
        var uploads = service.GetTableClient("ceilinguploads");
        if (tables)
        {
            await grants.CreateIfNotExistsAsync();
            await uploads.CreateIfNotExistsAsync();
            await grants.UpsertEntityAsync(new TableEntity("case", "grant") { ["Role"] = "owner" });
        }

        var blob = session.Container.GetBlockBlobClient(Guid.NewGuid().ToString("N"));
        var ids = new List<string>();
        long offset = 0;
        await using var file = File.OpenRead(path);
        var watch = Stopwatch.StartNew();
        var times = new ChunkTimes();
        await foreach (var (chunk, md5) in TusBenchmark.ReadAheadAsync(file))
        {
            times.Start();
            offset += chunk.Count;
            var id = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            ids.Add(id);
            var options = new BlockBlobStageBlockOptions
            {
                TransferValidation = new UploadTransferValidationOptions { ChecksumAlgorithm = StorageChecksumAlgorithm.MD5, PrecalculatedChecksum = md5 },
            };
            var stored = blob.StageBlockAsync(id, new MemoryStream(chunk.Array!, chunk.Offset, chunk.Count, writable: false), options);
            if (tables)
            {
                await Task.WhenAll(stored, grants.GetEntityAsync<TableEntity>("case", "grant"));
                await uploads.UpsertEntityAsync(
                    new TableEntity("case", "upload") { ["Offset"] = offset, ["BlockIds"] = new byte[Math.Min(ids.Count * 16, 60_000)] }, TableUpdateMode.Replace);
            }
            else
            {
                await stored;
            }

            times.Stop();
        }

        Console.WriteLine($"  chunk time by quarter of the upload, median {times.QuarterMedians()} ms");
        await blob.CommitBlockListAsync(ids, new CommitBlockListOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } });
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// With <c>--partials N</c> above 1: the file in N contiguous parts, each sent one 8 MiB block at a time, all N at once —
    /// what tus's concatenation extension would let a client do — then the committed blob read back for its SHA-256,
    /// since bytes that arrive out of order cannot be hashed as they pass. The most generous case: every part staged
    /// straight on the final blob, no token read or session write.
    /// </summary>
    private static async Task<double> PartsThenReadBackAsync(BenchSession session, string path, int parts)
    {
        const int chunk = 8 * 1024 * 1024;
        var length = new FileInfo(path).Length;
        var chunks = (int)((length + chunk - 1) / chunk);
        var per = (chunks + parts - 1) / parts;
        var blob = session.Container.GetBlockBlobClient(Guid.NewGuid().ToString("N"));
        var ids = new string[chunks];
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, parts).Select(part => Task.Run(async () =>
        {
            using var handle = File.OpenHandle(path);
            var buffer = new byte[chunk];
            for (var i = part * per; i < Math.Min(chunks, (part + 1) * per); i++)
            {
                var count = await RandomAccess.ReadAsync(handle, buffer, (long)i * chunk);
                using var checksum = new BlockChecksum(StorageChecksumAlgorithm.MD5);
                checksum.Append(buffer.AsSpan(0, count));
                var md5 = checksum.Finish();
                ids[i] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
                await blob.StageBlockAsync(ids[i], new MemoryStream(buffer, 0, count, writable: false), new BlockBlobStageBlockOptions
                {
                    TransferValidation = new UploadTransferValidationOptions { ChecksumAlgorithm = StorageChecksumAlgorithm.MD5, PrecalculatedChecksum = md5 },
                });
            }
        })));
        var staged = watch.Elapsed.TotalSeconds;
        await blob.CommitBlockListAsync(ids, new CommitBlockListOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } });
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var read = new byte[1024 * 1024];
        using (var download = (await blob.DownloadStreamingAsync()).Value)
        {
            int n;
            while ((n = await download.Content.ReadAsync(read)) > 0)
            {
                sha.AppendData(read, 0, n);
            }
        }

        Console.WriteLine($"  {parts} parts: staged in {staged:F2} s, read back and hashed in {watch.Elapsed.TotalSeconds - staged:F2} s");
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>Runs <paramref name="measure"/> while a thread keeps <paramref name="percent"/>% of one core busy hashing.</summary>
    private static async Task<double> WithLoadAsync(int percent, Func<Task<double>> measure)
    {
        using var stop = new CancellationTokenSource();
        var load = percent <= 0 ? Task.CompletedTask : Task.Factory.StartNew(
            () =>
            {
                var buffer = new byte[256 * 1024];
                var period = TimeSpan.FromMilliseconds(20);
                while (!stop.IsCancellationRequested)
                {
                    var busy = Stopwatch.StartNew();
                    while (busy.Elapsed < period * percent / 100)
                    {
                        SHA256.HashData(buffer);
                    }

                    Thread.Sleep(period * (100 - percent) / 100);
                }
            },
            TaskCreationOptions.LongRunning);
        try
        {
            return await measure();
        }
        finally
        {
            await stop.CancelAsync();
            await load;
        }
    }
}
