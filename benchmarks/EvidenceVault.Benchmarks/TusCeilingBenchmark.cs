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
/// vault's storage work for an upload in 8 MiB PATCHes — per chunk three blocks staged together (512 KiB, 4 MiB,
/// 3.5 MiB, each with its MD5), one token read and one session write, and the next chunk only after all of that —
/// is done straight from this process with the file in memory: no HTTP hop, no vault. Optionally a thread burns a
/// share of one core meanwhile, as the vault does with receiving, hashing and sending every byte.
/// </summary>
internal static class TusCeilingBenchmark
{
    private const int Chunk = TusBenchmark.Chunk;
    private static readonly int[] Layout = [512 * 1024, 4 * 1024 * 1024, 3584 * 1024];

    public static async Task<int> RunAsync(int sizeMib, int rounds, int loadPercent)
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
                session => WithLoadAsync(loadPercent, () => BurstsAsync(session, path)),
                session => WithLoadAsync(loadPercent, () => TusBenchmark.PlainSdkAsync(session.Container, path)));
            var (median, all) = PairedRounds.Median(results.Select(r => r.ReferenceSeconds / r.VaultSeconds));
            Console.WriteLine(
                $"{sizeMib} MiB: the vault's storage work alone, one 8 MiB chunk after another, with {loadPercent}% of a core busy besides: " +
                $"{median:F2} of the parallel SDK upload, median of {rounds} rounds [{all}]");
            return 0;
        }
        finally
        {
            File.Delete(path);
            File.Delete(warmUp);
        }
    }

    private static async Task<double> BurstsAsync(BenchSession session, string path)
    {
        var tables = new TableServiceClient(session.Environment.Azurite.ConnectionString);
        var grants = tables.GetTableClient("ceilinggrants");
        var uploads = tables.GetTableClient("ceilinguploads");
        await grants.CreateIfNotExistsAsync();
        await uploads.CreateIfNotExistsAsync();
        await grants.UpsertEntityAsync(new TableEntity("case", "grant") { ["Role"] = "owner" });
        var blob = session.Container.GetBlockBlobClient(Guid.NewGuid().ToString("N"));
        var chunk = new byte[Chunk];
        var ids = new List<string>();
        using var transportChecksum = new BlockChecksum(StorageChecksumAlgorithm.MD5);

        await using var file = File.OpenRead(path);
        var watch = Stopwatch.StartNew();
        int count;
        while ((count = await file.ReadAtLeastAsync(chunk, Chunk, throwOnEndOfStream: false)) > 0)
        {
            var stores = new List<Task>();
            var offset = 0;
            foreach (var size in Layout)
            {
                var length = Math.Min(size, count - offset);
                if (length <= 0)
                {
                    break;
                }

                var id = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12));
                ids.Add(id);
                transportChecksum.Append(chunk.AsSpan(offset, length));
                var options = new BlockBlobStageBlockOptions
                {
                    TransferValidation = new UploadTransferValidationOptions
                    {
                        ChecksumAlgorithm = StorageChecksumAlgorithm.MD5,
                        PrecalculatedChecksum = transportChecksum.Finish(),
                    },
                };
                stores.Add(blob.StageBlockAsync(id, new MemoryStream(chunk, offset, length, writable: false), options));
                offset += length;
            }

            stores.Add(grants.GetEntityAsync<TableEntity>("case", "grant"));
            await Task.WhenAll(stores);
            await uploads.UpsertEntityAsync(new TableEntity("case", "upload") { ["Offset"] = file.Position, ["BlockIds"] = new byte[Math.Min(ids.Count * 12, 60_000)] }, TableUpdateMode.Replace);
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
