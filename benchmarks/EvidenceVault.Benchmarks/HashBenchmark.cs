using System.Diagnostics;
using EvidenceVault.Hashing;

namespace EvidenceVault.Benchmarks;

/// <summary>SHA-256 of one file: EvidenceVault's streaming hasher vs <c>openssl dgst -sha256</c>, same file, same run.</summary>
internal static class HashBenchmark
{
    public static async Task<int> RunAsync(int sizeMib)
    {
        var bytes = sizeMib * 1024L * 1024;
        var path = BenchEnvironment.CreateVideoFile(bytes);
        try
        {
            await OursAsync(path); // warm the page cache so both read from memory
            double bestOurs = double.MaxValue, bestOpenssl = double.MaxValue;
            string oursHex = string.Empty, opensslHex = string.Empty;
            for (var round = 1; round <= 3; round++)
            {
                var (opensslSeconds, opensslOut) = await OpensslAsync(path);
                var (oursSeconds, oursOut) = await OursAsync(path);
                (bestOpenssl, bestOurs, opensslHex, oursHex) = (Math.Min(bestOpenssl, opensslSeconds), Math.Min(bestOurs, oursSeconds), opensslOut, oursOut);
                Console.WriteLine($"round {round}: openssl {Mb(bytes, opensslSeconds):F0} MB/s, EvidenceHasher {Mb(bytes, oursSeconds):F0} MB/s");
            }

            if (oursHex != opensslHex)
            {
                Console.WriteLine($"MISMATCH: openssl {opensslHex}, ours {oursHex}");
                return 1;
            }

            Console.WriteLine($"file {sizeMib} MiB, sha256 {oursHex} (both)");
            Console.WriteLine($"hash throughput ratio (EvidenceHasher / openssl dgst -sha256) = {bestOpenssl / bestOurs:F2} (target >= 0.90)");
            return 0;
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<(double Seconds, string Hex)> OursAsync(string path)
    {
        var watch = Stopwatch.StartNew();
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var hashed = await EvidenceHasher.HashAsync(file);
        return (watch.Elapsed.TotalSeconds, hashed.Digest.Hex);
    }

    private static async Task<(double Seconds, string Hex)> OpensslAsync(string path)
    {
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(new ProcessStartInfo("openssl", ["dgst", "-sha256", "-r", path]) { RedirectStandardOutput = true })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (watch.Elapsed.TotalSeconds, output.Split(' ')[0]);
    }

    private static double Mb(long bytes, double seconds) => bytes / seconds / 1e6;
}
