using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using EvidenceVault.Api.Timestamps;
using EvidenceVault.Hashing;
using EvidenceVault.Timestamps;

namespace EvidenceVault.Benchmarks;

/// <summary>
/// What trusted time costs an upload: the local development authority's request plus the vault's complete token
/// check, in process; and the whole upload of a small screenshot (hash, write-once, custody, index, timestamp,
/// receipt) through the API, against the plain SDK write of the same bytes to the same Azurite.
/// </summary>
internal static class TimestampBenchmark
{
    public static async Task<int> RunAsync(int rounds)
    {
        var folder = Directory.CreateTempSubdirectory("ev-bench-tsa-").FullName;
        var authority = DevelopmentTimestampAuthority.OpenOrCreate(folder, TimeProvider.System);
        var stamp = new List<double>();
        for (var i = 0; i < rounds + 20; i++)
        {
            var imprint = Sha256Digest.Of(RandomNumberGenerator.GetBytes(64));
            var nonce = RandomNumberGenerator.GetBytes(16);
            var watch = Stopwatch.StartNew();
            var query = Rfc3161TimestampRequest.CreateFromHash(Convert.FromHexString(imprint.Hex), HashAlgorithmName.SHA256, nonce: nonce, requestSignerCertificates: true).Encode();
            var response = await authority.RequestAsync(query, CancellationToken.None);
            var check = TimestampVerifier.Verify(response, imprint, [authority.RootCertificate], nonce);
            if (!check.IsValid)
            {
                throw new InvalidOperationException(check.Failure);
            }

            if (i >= 20)
            {
                stamp.Add(watch.Elapsed.TotalMilliseconds);
            }
        }

        Directory.Delete(folder, recursive: true);
        var (uploads, plain) = await UploadLatencyAsync(rounds);
        Console.WriteLine($"local authority request + full token check: median {Median(stamp):F2} ms, p95 {Percentile(stamp, 0.95):F2} ms over {rounds}");
        Console.WriteLine($"small screenshot upload through the API (with timestamp and receipt): median {Median(uploads):F1} ms; plain SDK write of the same bytes: median {Median(plain):F1} ms");
        Console.WriteLine($"timestamp cost on the upload path (local authority) = {Median(stamp):F2} ms median (target <= 5)");
        return 0;
    }

    private static async Task<(List<double> Uploads, List<double> Plain)> UploadLatencyAsync(int rounds)
    {
        await using var environment = await BenchEnvironment.StartAsync();
        var (http, caseId) = await environment.OpenCaseAsync();
        using var _ = http;
        var container = await environment.ReferenceContainerAsync();
        var uploads = new List<double>();
        var plain = new List<double>();
        for (var i = 0; i < rounds + 10; i++)
        {
            var png = RandomNumberGenerator.GetBytes(96 * 1024);
            byte[] signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
            signature.CopyTo(png, 0);
            var watch = Stopwatch.StartNew();
            await container.GetBlobClient(Guid.NewGuid().ToString("N")).UploadAsync(new BinaryData(png));
            var plainMs = watch.Elapsed.TotalMilliseconds;
            watch.Restart();
            using var response = await http.PostAsync($"/api/cases/{caseId}/items", new ByteArrayContent(png));
            response.EnsureSuccessStatusCode();
            if (i >= 10)
            {
                uploads.Add(watch.Elapsed.TotalMilliseconds);
                plain.Add(plainMs);
            }
        }

        return (uploads, plain);
    }

    private static double Median(List<double> values) => Percentile(values, 0.5);

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];
    }
}
