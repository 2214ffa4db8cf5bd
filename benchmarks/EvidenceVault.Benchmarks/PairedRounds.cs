using System.Diagnostics;
using System.Globalization;
using Azure.Storage.Blobs;

namespace EvidenceVault.Benchmarks;

/// <summary>A vault with a case, the reference container beside it on the same Azurite, and the environment behind both.</summary>
internal sealed record BenchSession(BenchEnvironment Environment, HttpClient Http, BlobContainerClient Container, string CaseId);

/// <summary>One round: the vault's time, the reference's time, and the API's peak memory growth during the vault's run.</summary>
internal sealed record PairedRound(double VaultSeconds, double ReferenceSeconds, long ApiPeakGrowthBytes);

/// <summary>
/// Rounds of one timed vault upload against one timed reference upload. Every timed upload gets a fresh Azurite and
/// API, warmed up the same way: an in-memory Azurite slows down as it fills (the reference ran at 103 MB/s on an empty
/// one and at 69 MB/s holding 8 GiB), and a fresh runtime compiles hot code again in the background for a while,
/// either of which would otherwise decide the ratio by the order of the runs. The order alternates between rounds.
/// </summary>
internal static class PairedRounds
{
    public static async Task<IReadOnlyList<PairedRound>> RunAsync(
        string label, long bytes, int rounds, Func<BenchSession, Task> warmUp, Func<BenchSession, Task<double>> vault, Func<BenchSession, Task<double>> reference)
    {
        var results = new List<PairedRound>();
        for (var round = 1; round <= rounds; round++)
        {
            double vaultSeconds = 0, referenceSeconds = 0;
            long growth = 0;
            var vaultFirst = round % 2 == 0;
            foreach (var vaultNow in new[] { vaultFirst, !vaultFirst })
            {
                if (vaultNow)
                {
                    (vaultSeconds, growth) = await InFreshSessionAsync(warmUp, async session =>
                    {
                        var before = session.Environment.ApiMemory();
                        session.Environment.ResetPeak();
                        var seconds = await WithCpuAsync(session.Environment, bytes, "vault", () => vault(session));
                        return (seconds, session.Environment.ApiMemory().PeakBytes - before.RssBytes);
                    });
                }
                else
                {
                    referenceSeconds = await InFreshSessionAsync(warmUp, session => WithCpuAsync(session.Environment, bytes, "reference", () => reference(session)));
                }
            }

            results.Add(new PairedRound(vaultSeconds, referenceSeconds, growth));
            Console.WriteLine(
                $"{label} round {round} ({(vaultFirst ? "vault first" : "reference first")}): reference {PlainSdkUpload.Mb(bytes, referenceSeconds):F1} MB/s, " +
                $"vault {PlainSdkUpload.Mb(bytes, vaultSeconds):F1} MB/s, API peak RSS growth {growth / 1048576.0:F0} MB");
        }

        return results;
    }

    /// <summary>A fresh Azurite and API with a case, warmed up by <paramref name="warmUp"/>; then <paramref name="measure"/>.</summary>
    public static async Task<T> InFreshSessionAsync<T>(Func<BenchSession, Task> warmUp, Func<BenchSession, Task<T>> measure)
    {
        await using var environment = await BenchEnvironment.StartAsync();
        var (http, caseId) = await environment.OpenCaseAsync();
        using var _ = http;
        var session = new BenchSession(environment, http, await environment.ReferenceContainerAsync(), caseId);
        await warmUp(session);
        await SettleAsync(environment);
        return await measure(session);
    }

    /// <summary>
    /// Waits until the API and Azurite are idle after the warm-up. A fresh runtime goes on compiling the hot code in the
    /// background for seconds after the load that made it hot (measured with <c>perf</c>: 40–70% of a core for 2–3 s
    /// after a 1 GiB warm-up), which would take that CPU from whichever upload is timed next.
    /// </summary>
    public static async Task SettleAsync(BenchEnvironment environment)
    {
        var waited = Stopwatch.StartNew();
        var last = environment.CpuTimes();
        while (waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            var now = environment.CpuTimes();
            var busy = (now.Api - last.Api) + (now.Azurite - last.Azurite);
            last = now;
            if (busy < TimeSpan.FromMilliseconds(20))
            {
                break;
            }
        }

        Console.WriteLine($"  settled after the warm-up in {waited.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>The median of <paramref name="values"/>, and all of them in order for the record.</summary>
    public static (double Median, string All) Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        var median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
        return (median, string.Join(", ", sorted.Select(r => r.ToString("F2", CultureInfo.InvariantCulture))));
    }

    /// <summary>
    /// Runs <paramref name="upload"/> and prints the CPU time each process spent per 8 MiB of it: on two cores the
    /// client, the vault and Azurite share the machine, so what the vault spends is what Azurite cannot have.
    /// </summary>
    private static async Task<double> WithCpuAsync(BenchEnvironment environment, long bytes, string label, Func<Task<double>> upload)
    {
        var wokenBefore = environment.AzuriteWakeups();
        var before = environment.CpuTimes();
        var seconds = await upload();
        var after = environment.CpuTimes();
        var wokenAfter = environment.AzuriteWakeups();
        var (api, azurite, azuriteMain, client) = (after.Api - before.Api, after.Azurite - before.Azurite, after.AzuriteMain - before.AzuriteMain, after.Client - before.Client);
        var per8MiB = bytes / (8.0 * 1024 * 1024);
        Console.WriteLine(
            $"  {label}: CPU per 8 MiB: API {api.TotalMilliseconds / per8MiB:F1} ms, Azurite {azurite.TotalMilliseconds / per8MiB:F1} ms " +
            $"(its JavaScript thread {azuriteMain.TotalMilliseconds / per8MiB:F1}), client {client.TotalMilliseconds / per8MiB:F1} ms; " +
            $"wall {seconds * 1000 / per8MiB:F1} ms; {(api + azurite + client).TotalSeconds / seconds:F2} of {Environment.ProcessorCount} cores busy; " +
            $"Azurite {(wokenAfter.Reads - wokenBefore.Reads) / per8MiB:F0} reads and {(wokenAfter.Sleeps - wokenBefore.Sleeps) / per8MiB:F0} sleeps of its JavaScript thread");
        return seconds;
    }
}
