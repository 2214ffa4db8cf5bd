using EvidenceVault.Api.Tests.Infrastructure;
using EvidenceVault.Bundles;
using EvidenceVault.Testing;

namespace EvidenceVault.Api.Tests.Bundles;

/// <summary>
/// <c>evidencevault verify --check-log</c>, run as a process against the vault on a real socket: a bundle's checkpoint
/// is checked against the log the vault shows today, so an operator who rewrites the log — to drop a case — is caught
/// by anyone holding an earlier bundle.
/// </summary>
[Collection(VaultOnAzurite.Name)]
public sealed class LogCheckCommandTests(VaultOnKestrel app) : IClassFixture<VaultOnKestrel>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ev-cli-log-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_bundle_still_in_the_vaults_log_passes_and_one_whose_log_was_rewritten_fails()
    {
        using var dropped = await app.CreateCaseAsync("Case an operator would drop");
        await dropped.UploadItemAsync("screenshot-refund-page.png");
        var earlier = await dropped.DownloadBundleAsync(_folder);
        using var other = await app.CreateCaseAsync();
        await other.DownloadBundleAsync(_folder);

        var honest = await VerifyAsync(earlier);

        Assert.True(honest.ExitCode == 0, honest.Output);
        Assert.Matches("the log now has [0-9]+ entr(y|ies) and still holds this checkpoint unchanged", honest.Output);

        // The operator empties the log and builds it again without the dropped case's entry, as long as before —
        // deleting the stored checkpoints too, which an account without immutability (like Azurite) allows.
        await EraseLogAsync();

        await other.DownloadBundleAsync(_folder);
        await other.DownloadBundleAsync(_folder);
        var rewritten = await VerifyAsync(earlier);

        Assert.True(rewritten.ExitCode == 1, rewritten.Output);
        Assert.Contains(BagFindingCodes.LogInconsistent, rewritten.Output, StringComparison.Ordinal);
        Assert.Contains("its history was changed", rewritten.Output, StringComparison.Ordinal);
        Assert.True((await BagVerifier.VerifyAsync(earlier)).Intact, "offline, the bundle itself is still whole");
    }

    [Fact]
    public async Task A_log_shorter_than_the_bundles_checkpoint_is_a_changed_history_and_an_unreachable_vault_is_no_verdict()
    {
        using var vault = await app.CreateCaseAsync();
        var bundle = await vault.DownloadBundleAsync(_folder);
        await EraseLogAsync();

        var shortened = await VerifyAsync(bundle);
        var unreachable = await ExternalTool.RunAsync("dotnet", _folder, new Dictionary<string, string>(), ApiProcess.CliDll, "verify", bundle, "--check-log", $"http://127.0.0.1:{ApiProcess.FreePort()}");

        Assert.True(shortened.ExitCode == 1, shortened.Output);
        Assert.Contains(BagFindingCodes.LogInconsistent, shortened.Output, StringComparison.Ordinal);
        Assert.True(unreachable.ExitCode == 2, unreachable.Output);
        Assert.Contains("Cannot check the log with", unreachable.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_witness_keeps_each_new_checkpoint_and_keeps_the_proof_when_the_log_is_rewritten()
    {
        var witness = Directory.CreateDirectory(Path.Combine(_folder, "witness")).FullName;
        using var vault = await app.CreateCaseAsync();
        await vault.DownloadBundleAsync(_folder);

        var first = await WatchAsync(witness);
        await vault.DownloadBundleAsync(_folder);
        var grown = await WatchAsync(witness);
        var unchanged = await WatchAsync(witness);

        Assert.True(first.ExitCode == 0 && first.Output.Contains("First checkpoint kept", StringComparison.Ordinal), first.Output);
        Assert.True(grown.ExitCode == 0 && grown.Output.Contains("CONSISTENT", StringComparison.Ordinal), grown.Output);
        Assert.True(unchanged.ExitCode == 0, unchanged.Output);
        var kept = Directory.GetFiles(witness).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, kept.Count);
        var before = kept.ToDictionary(file => file, File.ReadAllText);

        await EraseLogAsync();
        await vault.DownloadBundleAsync(_folder);
        await vault.DownloadBundleAsync(_folder);
        var rewritten = await WatchAsync(witness);

        Assert.True(rewritten.ExitCode == 1, rewritten.Output);
        Assert.Contains("LOG REWRITTEN", rewritten.Output, StringComparison.Ordinal);
        Assert.All(before, file => Assert.Equal(file.Value, File.ReadAllText(file.Key)));
        var conflict = Assert.Single(Directory.GetFiles(witness, "*-conflict.json"));
        Assert.Contains("\"signature\"", await File.ReadAllTextAsync(conflict), StringComparison.Ordinal);

        // Run again: still held to the honest checkpoint, and the second proof is kept beside the first.
        var again = await WatchAsync(witness);
        Assert.True(again.ExitCode == 1, again.Output);
        Assert.Equal(2, Directory.GetFiles(witness, "*-conflict*.json").Length);
        Assert.All(before, file => Assert.Equal(file.Value, File.ReadAllText(file.Key)));
    }

    [Fact]
    public async Task A_checkpoint_signed_by_a_key_that_is_not_the_one_its_id_names_is_not_kept()
    {
        // An impostor answers for the vault: the vault's key id, its own key behind it, its own log.
        using var vault = await app.CreateCaseAsync();
        await vault.DownloadBundleAsync(_folder);
        using var anonymous = app.CreateClient();
        var real = (await anonymous.GetFromJsonAsync<Transparency.LogCheckpointView>("/api/log/checkpoint", EvidenceVault.Serialization.VaultJson.Compact))!;
        using var forger = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var point = forger.ExportParameters(includePrivateParameters: false).Q;
        var checkpoint = new EvidenceVault.Transparency.LogCheckpoint("evidencevault.localhost/log", real.Size + 5, EvidenceVault.Hashing.Sha256Digest.Of([1])).ToText();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var impostor = builder.Build();
        impostor.MapGet("/.well-known/evidencevault/keys", () => Results.Json(new
        {
            keys = new[] { new { kty = "EC", crv = "P-256", x = Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(point.X!), y = Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(point.Y!), kid = real.KeyId, use = "sig", alg = "ES256" } },
        }));
        impostor.MapGet("/api/log/checkpoint", () => Results.Json(new
        {
            checkpoint,
            signature = Convert.ToBase64String(EvidenceVault.Receipts.ReceiptSignatures.Sign(forger, System.Text.Encoding.UTF8.GetBytes(checkpoint))),
            keyId = real.KeyId,
            size = real.Size + 5,
            root = EvidenceVault.Hashing.Sha256Digest.Of([1]).Hex,
        }));
        await impostor.StartAsync();
        var witness = Path.Combine(_folder, "witness-of-an-impostor");

        var run = await ExternalTool.RunAsync("dotnet", _folder, new Dictionary<string, string>(), ApiProcess.CliDll, "watch-log", "--vault", impostor.Urls.Single(), "--keep", witness);

        Assert.True(run.ExitCode == 1, run.Output);
        Assert.Contains("NOT SIGNED", run.Output, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(witness));
    }

    private Task<ExternalTool.Result> WatchAsync(string witness) =>
        ExternalTool.RunAsync("dotnet", _folder, new Dictionary<string, string>(), ApiProcess.CliDll, "watch-log", "--vault", app.BaseAddress.ToString(), "--keep", witness);

    private async Task EraseLogAsync()
    {
        await app.EmptyVaultLogTableAsync();
        await app.DeleteStoredCheckpointsAsync();
    }

    private Task<ExternalTool.Result> VerifyAsync(string bundle) =>
        ExternalTool.RunAsync("dotnet", _folder, new Dictionary<string, string>(), ApiProcess.CliDll, "verify", bundle, "--check-log", app.BaseAddress.ToString());
}
