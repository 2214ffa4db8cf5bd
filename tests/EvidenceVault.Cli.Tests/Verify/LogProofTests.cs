using System.Globalization;
using System.Text.Json;
using EvidenceVault.Bundles;
using EvidenceVault.Cli.Verify;
using EvidenceVault.Receipts;
using EvidenceVault.Serialization;
using EvidenceVault.Testing;
using EvidenceVault.Transparency;

namespace EvidenceVault.Cli.Tests.Verify;

/// <summary>The vault log proof every bundle carries: checked, its absence and every forged part of it named.</summary>
public sealed class LogProofTests
{
    [Fact]
    public async Task An_intact_bundle_shows_its_log_entry_checkpoint_and_the_checkpoints_timestamp()
    {
        using var bundle = await BundleFolder.CreateAsync();

        var report = await BagVerifier.VerifyAsync(bundle.Zip);
        var (exit, output) = await RunAsync(bundle.Zip);

        Assert.True(report.Intact, string.Join("\n", report.Findings));
        var log = Assert.IsType<VerifiedLogEntry>(report.Log);
        Assert.Equal((5, 6, "evidencevault.localhost/log"), (log.LeafIndex, log.TreeSize, log.Origin));
        Assert.Equal("CN=Test TSA, O=Test Authority", log.TimestampAuthority);
        Assert.Equal(VerifyCommand.Intact, exit);
        Assert.Contains("公开日志 Vault log: 第 entry 5 条, 检查点 checkpoint of 6 (evidencevault.localhost/log) signed by key ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_checkpoint_verifies_with_openssl_alone_signature_and_timestamp()
    {
        using var bundle = await BundleFolder.CreateAsync();
        var key = Directory.GetFiles(bundle.PathOf("data/certs"), "vault-receipt-key-*.pem").Single();

        var signature = await ExternalTool.RunAsync("openssl", bundle.Bag, "dgst", "-sha256", "-verify", key, "-signature", "data/log/checkpoint.txt.sig", "data/log/checkpoint.txt");
        var timestamp = await ExternalTool.RunAsync("openssl", bundle.Bag, "ts", "-verify", "-data", "data/log/checkpoint.txt", "-in", "data/log/checkpoint.tsr", "-CAfile", "data/certs/tsa-roots.pem");

        Assert.True(signature.ExitCode == 0 && signature.Output.Contains("Verified OK", StringComparison.Ordinal), signature.Output);
        Assert.True(timestamp.ExitCode == 0 && timestamp.Output.Contains("Verification: OK", StringComparison.Ordinal), timestamp.Output);
    }

    [Theory]
    [InlineData("\"leafIndex\": 5", "\"leafIndex\": 4", "data/log/inclusion.json", "audit path does not lead")]
    [InlineData("\"treeSize\": 6", "\"treeSize\": 7", "data/log/inclusion.json", "audit path does not lead")]
    [InlineData("\"caseId\": \"01KBZ6X3N8Q4T2V7W9Y0A1B2C3\"", "\"caseId\": \"01KBZ6X3N8Q4T2V7W9Y0A1B2C4\"", "data/log/inclusion.json", "the log entry names case")]
    [InlineData("\n6\n", "\n5\n", "data/log/checkpoint.txt", "signature does not verify")]
    public async Task A_forged_part_of_the_log_proof_is_named(string from, string to, string file, string reason)
    {
        using var bundle = await BundleFolder.CreateAsync();
        bundle.Replace(file, from, to);
        bundle.RehashManifests(file);

        var report = await BagVerifier.VerifyAsync(bundle.Bag);

        var finding = Assert.Single(report.Findings);
        Assert.Equal(BagFindingCodes.LogProofInvalid, finding.Code);
        Assert.Contains(reason, finding.Message, StringComparison.Ordinal);
        Assert.Null(report.Log);
    }

    [Fact]
    public async Task A_checkpoint_timestamp_of_other_bytes_is_rejected()
    {
        using var bundle = await BundleFolder.CreateAsync();
        var otherToken = Directory.GetFiles(bundle.PathOf("data/timestamps")).Order(StringComparer.Ordinal).First();
        File.Copy(otherToken, bundle.PathOf("data/log/checkpoint.tsr"), overwrite: true);
        bundle.RehashManifests("data/log/checkpoint.tsr");
        bundle.FixPayloadOxum();

        var finding = Assert.Single((await BagVerifier.VerifyAsync(bundle.Bag)).Findings);

        Assert.Equal((BagFindingCodes.LogProofInvalid, "data/log/checkpoint.tsr"), (finding.Code, finding.Path));
    }

    [Fact]
    public async Task Half_a_log_proof_is_named_and_none_at_all_too()
    {
        using var bundle = await BundleFolder.CreateAsync();
        File.Delete(bundle.PathOf("data/log/checkpoint.txt.sig"));
        bundle.DropFromManifest("data/log/checkpoint.txt.sig");
        bundle.FixPayloadOxum();

        var half = await BagVerifier.VerifyAsync(bundle.Bag);

        Assert.Equal(BagFindingCodes.LogProofInvalid, Assert.Single(half.Findings).Code);
        bundle.TakeOutLogProof();
        var (exit, output) = await RunAsync(bundle.Bag);

        Assert.Equal(VerifyCommand.Tampered, exit);
        Assert.Contains("公开日志 Vault log: 未通过核验 not verified (see the problems below)", output, StringComparison.Ordinal);
        Assert.Contains("data/log/inclusion.json: log-proof-invalid（公开日志证明缺失或不完整、签名无效或与本证据包不符）: the bag carries no vault log proof", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cases_latest_item_taken_out_with_its_custody_lines_is_caught_by_the_log_proof_and_so_is_taking_out_the_proof()
    {
        using var bundle = await BundleFolder.CreateAsync();
        var itemId = bundle.TakeOutItem(2);

        var shortened = await BagVerifier.VerifyAsync(bundle.Bag);

        var finding = Assert.Single(shortened.Findings);
        Assert.Equal((BagFindingCodes.LogProofInvalid, BagVerifier.LogInclusionPath), (finding.Code, finding.Path));
        Assert.Contains("at custody line 12", finding.Message, StringComparison.Ordinal);
        Assert.Contains("ending at 9", finding.Message, StringComparison.Ordinal);
        Assert.Equal(2, shortened.Items.Count);
        Assert.DoesNotContain(shortened.Items, item => item.ItemId == itemId);
        Assert.All(shortened.Items, item => Assert.True(item.Intact));
        bundle.TakeOutLogProof();

        var withoutProof = await BagVerifier.VerifyAsync(bundle.Bag);

        finding = Assert.Single(withoutProof.Findings);
        Assert.Equal((BagFindingCodes.LogProofInvalid, BagVerifier.LogInclusionPath), (finding.Code, finding.Path));
        Assert.Contains("carries no vault log proof", finding.Message, StringComparison.Ordinal);
        Assert.Null(withoutProof.Log);
    }

    [Fact]
    public async Task The_guides_standard_commands_tie_each_receipt_and_the_log_entry_to_their_custody_lines_and_show_an_item_taken_out()
    {
        using var bundle = await BundleFolder.CreateAsync();
        var guide = await File.ReadAllLinesAsync(bundle.PathOf("VERIFY.md"));
        var lineCommand = Assert.Single(guide, line => line.StartsWith("sed -n '<seq>p' data/custody-log.jsonl", StringComparison.Ordinal));
        var lastCommand = Assert.Single(guide, line => line.StartsWith("tail -n 1 data/custody-log.jsonl", StringComparison.Ordinal));
        var signedAt = Directory.GetFiles(bundle.PathOf("data/receipts"), "*.json").Order(StringComparer.Ordinal)
            .Select(file => EvidenceReceipt.Parse(File.ReadAllBytes(file)).Custody).ToList();
        var leaf = JsonSerializer.Deserialize<LogInclusion>(File.ReadAllText(bundle.PathOf(BagVerifier.LogInclusionPath)), VaultJson.Compact)!.Leaf!;
        Task<string> LineAsync(long seq) => Sha256Async(bundle.Bag, lineCommand.Replace("<seq>", seq.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));

        foreach (var custody in signedAt)
        {
            Assert.Equal(custody.Head, await LineAsync(custody.Seq));
        }

        Assert.Equal(leaf.Head, await Sha256Async(bundle.Bag, lastCommand));
        bundle.TakeOutItem(0);

        foreach (var custody in signedAt.Skip(1))
        {
            Assert.NotEqual(custody.Head, await LineAsync(custody.Seq));
        }

        Assert.NotEqual(leaf.Head, await Sha256Async(bundle.Bag, lastCommand));
    }

    private static async Task<string> Sha256Async(string bag, string command)
    {
        var run = await ExternalTool.RunAsync("bash", bag, "-c", "set -o pipefail; " + command);
        Assert.True(run.ExitCode == 0, run.Output);
        return run.Output.Split(' ')[0];
    }

    private static async Task<(int Exit, string Output)> RunAsync(string location)
    {
        using var output = new StringWriter();
        var exit = await VerifyCommand.RunAsync(location, json: false, output, CancellationToken.None);
        return (exit, output.ToString());
    }
}
