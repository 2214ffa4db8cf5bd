using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using EvidenceVault.Api.Tests.Infrastructure;
using EvidenceVault.Api.Transparency;
using EvidenceVault.Bundles;
using EvidenceVault.Hashing;
using EvidenceVault.Receipts;
using EvidenceVault.Serialization;
using EvidenceVault.Transparency;

namespace EvidenceVault.Api.Tests.Bundles;

/// <summary>The vault log over all cases: every export enters it, its bundle proves it, and its checkpoints only ever grow.</summary>
[Collection(VaultOnAzurite.Name)]
public sealed class VaultLogTests(VaultApp app) : IClassFixture<VaultApp>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("ev-log-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task Each_export_enters_the_log_with_the_cases_custody_head_and_its_bundle_proves_it_under_a_signed_timestamped_checkpoint()
    {
        using var vault = await app.CreateCaseAsync();
        await vault.UploadItemAsync("screenshot-refund-page.png");

        var first = await BagVerifier.VerifyAsync(await vault.DownloadBundleAsync(_work));
        await vault.UploadItemAsync("call-recording.m4a");
        var secondZip = await vault.DownloadBundleAsync(_work);
        var second = await BagVerifier.VerifyAsync(secondZip);

        Assert.True(first.Intact && second.Intact, string.Join("\n", first.Findings.Concat(second.Findings)));
        var (entry1, entry2) = (Assert.IsType<VerifiedLogEntry>(first.Log), Assert.IsType<VerifiedLogEntry>(second.Log));
        // Between the two exports the upload's receipt entered the log too.
        Assert.True(entry2.LeafIndex > entry1.LeafIndex + 1, $"{entry1.LeafIndex} then {entry2.LeafIndex}");
        Assert.Equal((entry1.LeafIndex + 1, entry2.LeafIndex + 1), (entry1.TreeSize, entry2.TreeSize));
        Assert.Equal("evidencevault.localhost/log", entry2.Origin);
        Assert.NotNull(entry2.TimestampTime);
        using (var zip = System.IO.Compression.ZipFile.OpenRead(secondZip))
        using (var report = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith("/data/report.html", StringComparison.Ordinal)).Open()))
        {
            Assert.Contains($"entry {entry2.LeafIndex} of the checkpoint of {entry2.TreeSize}", await report.ReadToEndAsync(), StringComparison.Ordinal);
        }

        // What the table keeps of each entry is the case's custody head at its export, and nothing of the evidence.
        var leaves = await LeafRowsAsync();
        foreach (var (report, entry) in new[] { (first, entry1), (second, entry2) })
        {
            var row = leaves[entry.LeafIndex];
            Assert.Equal((vault.CaseId, report.CustodyEvents, report.CustodyHead), (row.GetString("CaseId"), row.GetInt64("Seq"), row.GetString("Head")));
        }

        // The newer checkpoint extends the older one, and the vault proves it.
        var proof = await ConsistencyAsync(entry1.TreeSize, entry2.TreeSize);
        Assert.True(MerkleTree.VerifyConsistency(entry1.TreeSize, entry2.TreeSize, Root(entry1), Root(entry2), proof));
    }

    [Fact]
    public async Task Exports_of_many_cases_at_once_take_turns_each_in_its_own_place_and_every_checkpoint_is_a_prefix_of_the_last()
    {
        var cases = new List<TestCase>();
        for (var i = 0; i < 6; i++)
        {
            cases.Add(await app.CreateCaseAsync());
        }

        var bundles = await Task.WhenAll(cases.SelectMany(c => new[] { c, c }).Select(c => c.DownloadBundleAsync(_work)));
        var reports = await Task.WhenAll(bundles.Select(zip => BagVerifier.VerifyAsync(zip)));

        Assert.All(reports, report => Assert.True(report.Intact, string.Join("\n", report.Findings)));
        var entries = reports.Select(r => r.Log!).OrderBy(e => e.LeafIndex).ToList();
        Assert.Equal(entries.Count, entries.Select(e => e.LeafIndex).Distinct().Count());
        var current = await CheckpointAsync();
        Assert.True(current.Size >= entries[^1].TreeSize);
        foreach (var entry in entries)
        {
            var proof = await ConsistencyAsync(entry.TreeSize, current.Size);
            Assert.True(MerkleTree.VerifyConsistency(entry.TreeSize, current.Size, Root(entry), Sha256Digest.ParseHex(current.Root), proof), $"{entry.TreeSize} → {current.Size}");
        }

        foreach (var c in cases)
        {
            c.Dispose();
        }
    }

    [Fact]
    public async Task The_current_checkpoint_is_public_and_signed_by_the_published_receipt_key()
    {
        using var vault = await app.CreateCaseAsync();
        var zip = await vault.DownloadBundleAsync(_work);
        using var anonymous = app.CreateClient();

        var view = await CheckpointAsync(anonymous);

        Assert.True(LogCheckpoint.TryParse(view.Checkpoint, out var checkpoint));
        Assert.Equal((view.Size, view.Root), (checkpoint!.Size, checkpoint.Root.Hex));
        using var bundle = System.IO.Compression.ZipFile.OpenRead(zip);
        var keyEntry = bundle.Entries.Single(e => e.FullName.Contains($"data/certs/vault-receipt-key-{view.KeyId}.pem", StringComparison.Ordinal));
        using var key = ECDsa.Create();
        using (var reader = new StreamReader(keyEntry.Open()))
        {
            key.ImportFromPem(await reader.ReadToEndAsync());
        }

        Assert.True(ReceiptSignatures.Verify(key, Encoding.UTF8.GetBytes(view.Checkpoint), Convert.FromBase64String(view.Signature)));
        Assert.False(ReceiptSignatures.Verify(key, Encoding.UTF8.GetBytes(view.Checkpoint.Replace("\n", "\n\n", StringComparison.Ordinal)), Convert.FromBase64String(view.Signature)));
    }

    [Theory]
    [InlineData("from=0&to=1")]
    [InlineData("from=2&to=1")]
    [InlineData("from=1&to=1000000")]
    [InlineData("from=-1&to=1")]
    public async Task Sizes_the_log_does_not_have_are_refused_with_a_problem(string query)
    {
        using var vault = await app.CreateCaseAsync();
        await vault.DownloadBundleAsync(_work);
        using var anonymous = app.CreateClient();

        using var response = await anonymous.GetAsync("/api/log/consistency?" + query);

        await ProblemAssert.IsAsync(response, 400, "log-size-invalid");
    }

    private async Task<Dictionary<long, TableEntity>> LeafRowsAsync()
    {
        var leaves = new Dictionary<long, TableEntity>();
        await foreach (var row in app.Table("vaultlog").QueryAsync<TableEntity>(e => e.PartitionKey == "tree"))
        {
            if (row.RowKey.StartsWith("node-00-", StringComparison.Ordinal))
            {
                leaves[long.Parse(row.RowKey["node-00-".Length..], System.Globalization.CultureInfo.InvariantCulture)] = row;
            }
        }

        return leaves;
    }

    private async Task<LogCheckpointView> CheckpointAsync(HttpClient? client = null)
    {
        using var anonymous = client is null ? app.CreateClient() : null;
        return (await (client ?? anonymous!).GetFromJsonAsync<LogCheckpointView>("/api/log/checkpoint", VaultJson.Compact))!;
    }

    private async Task<List<Sha256Digest>> ConsistencyAsync(long from, long to)
    {
        using var anonymous = app.CreateClient();
        var answer = await anonymous.GetFromJsonAsync<LogConsistency>($"/api/log/consistency?from={from}&to={to}", VaultJson.Compact);
        Assert.Equal((from, to), (answer!.FromSize, answer.ToSize));
        return [.. answer.Proof.Select(Sha256Digest.ParseHex)];
    }

    private static Sha256Digest Root(VerifiedLogEntry entry) => Sha256Digest.TryParseBase64(entry.Root, out var root) ? root : throw new JsonException("not a root");
}
