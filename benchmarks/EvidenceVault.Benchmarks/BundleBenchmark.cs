using System.Diagnostics;

namespace EvidenceVault.Benchmarks;

/// <summary>Time to the first byte and to the last of a bundle of a case with many items.</summary>
internal static class BundleBenchmark
{
    public static async Task<int> RunAsync(int items)
    {
        await using var environment = await BenchEnvironment.StartAsync();
        var (http, caseId) = await environment.OpenCaseAsync();
        using var _ = http;
        var upload = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, items), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, cancellationToken) =>
        {
            var png = new byte[2048];
            Random.Shared.NextBytes(png);
            byte[] signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
            signature.CopyTo(png, 0);
            using var response = await http.PostAsync($"/api/cases/{caseId}/items", new ByteArrayContent(png), cancellationToken);
            response.EnsureSuccessStatusCode();
        });
        Console.WriteLine($"{items} items uploaded in {upload.Elapsed.TotalSeconds:F1} s");

        double firstByte = 0, total = 0;
        long length = 0;
        for (var round = 1; round <= 3; round++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await http.GetAsync($"/api/cases/{caseId}/bundle", HttpCompletionOption.ResponseHeadersRead);
            await using var body = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[81920];
            var read = await body.ReadAsync(buffer);
            var first = watch.Elapsed.TotalMilliseconds;
            length = read;
            while ((read = await body.ReadAsync(buffer)) > 0)
            {
                length += read;
            }

            (firstByte, total) = round == 1 ? (first, watch.Elapsed.TotalMilliseconds) : (Math.Min(firstByte, first), Math.Min(total, watch.Elapsed.TotalMilliseconds));
            Console.WriteLine($"round {round}: first byte {first:F0} ms, whole bundle {watch.Elapsed.TotalMilliseconds:F0} ms ({length / 1e6:F1} MB)");
        }

        Console.WriteLine($"bundle of {items} items: first byte {firstByte:F0} ms (target < 1000), whole {total:F0} ms");
        return 0;
    }
}
