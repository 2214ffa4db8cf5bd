using System.Diagnostics;
using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Azure.Storage;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

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
    public static async Task<int> RunAsync(int sizeMib, int rounds, int loadPercent, bool tables)
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
                session => WithLoadAsync(loadPercent, () => OneChunkAtATimeAsync(session, path, tables)),
                session => WithLoadAsync(loadPercent, () => TusBenchmark.PlainSdkAsync(session.Container, path)));
            var (median, all) = PairedRounds.Median(results.Select(r => r.ReferenceSeconds / r.VaultSeconds));
            Console.WriteLine(
                $"{sizeMib} MiB: one 8 MiB block at a time straight to storage ({(tables ? "with" : "without")} the token read and session write), " +
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
        await foreach (var (chunk, md5) in TusBenchmark.ReadAheadAsync(file))
        {
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
        }

        await blob.CommitBlockListAsync(ids, new CommitBlockListOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } });
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
