using EvidenceVault.Api.Tests.Infrastructure;
using EvidenceVault.Bundles;
using EvidenceVault.Evidence;
using EvidenceVault.Testing;

namespace EvidenceVault.Api.Tests.Bundles;

/// <summary><c>evidencevault bundle</c>, run as a process the way a lawyer runs it, against the vault on a real socket.</summary>
[Collection(VaultOnAzurite.Name)]
public sealed class BundleCommandTests(VaultOnKestrel app) : IClassFixture<VaultOnKestrel>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ev-cli-bundle-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_lawyer_saves_the_case_under_the_vaults_name_and_the_command_checks_it_at_once()
    {
        using var vault = await app.CreateCaseAsync();
        var screenshot = await vault.UploadItemAsync("screenshot-refund-page.png");
        var recording = await vault.UploadItemAsync("call-recording.m4a");
        var lawyer = await vault.GrantAsync(CaseRoles.Lawyer, "Law firm");

        var run = await RunAsync(lawyer.Token, "--case", vault.CaseId, "--vault", app.BaseAddress.ToString());

        Assert.True(run.ExitCode == 0, run.Output);
        var saved = Assert.Single(Directory.GetFiles(_folder));
        Assert.Matches($"^evidence-{vault.CaseId}-[0-9TZ]+\\.zip$", Path.GetFileName(saved));
        Assert.Contains($"已保存 Saved {saved} (", run.Output, StringComparison.Ordinal);
        Assert.Contains("完好 INTACT", run.Output, StringComparison.Ordinal);
        Assert.Contains(screenshot.Sha256, run.Output, StringComparison.Ordinal);
        Assert.Contains(recording.Sha256, run.Output, StringComparison.Ordinal);

        // What was saved is the vault's bag, whole: an independent check of the same file agrees.
        var report = await BagVerifier.VerifyAsync(saved);
        Assert.True(report.Intact, string.Join("\n", report.Findings));
        Assert.Equal([screenshot.ItemId, recording.ItemId], report.Items.Select(i => i.ItemId).Order(StringComparer.Ordinal));
        var verify = await ExternalTool.RunAsync("dotnet", _folder, ApiProcess.CliDll, "verify", saved);
        Assert.True(verify.ExitCode == 0, verify.Output);
    }

    [Fact]
    public async Task An_expert_trusts_the_receipt_keys_the_vault_publishes_saved_as_served_instead_of_the_bundles_own()
    {
        using var vault = await app.CreateCaseAsync();
        await vault.UploadItemAsync("screenshot-refund-page.png");
        var saved = await vault.DownloadBundleAsync(_folder);
        var keys = Path.Combine(_folder, "vault-keys.json");
        using (var anonymous = app.CreateClient())
        {
            // What `curl -f -o vault-keys.json https://<vault>/.well-known/evidencevault/keys` saves.
            await File.WriteAllBytesAsync(keys, await anonymous.GetByteArrayAsync("/.well-known/evidencevault/keys"));
        }

        var verify = await ExternalTool.RunAsync("dotnet", _folder, ApiProcess.CliDll, "verify", saved, "--vault-key", keys);

        Assert.True(verify.ExitCode == 0, verify.Output);
        Assert.Contains("回执公钥 receipt keys: 由您提供 supplied by you", verify.Output, StringComparison.Ordinal);
        Assert.Contains("receipt signed by key ", verify.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_page_the_vault_captured_has_its_sites_certificate_checked_under_the_roots_the_lawyer_gives()
    {
        var site = await ScamSite.InstanceAsync();
        using var vault = await app.CreateCaseAsync();
        using var captured = await vault.Client.PostAsJsonAsync($"/api/cases/{vault.CaseId}/captures", new { url = new Uri(site.SecureAddress, "/refund").AbsoluteUri });
        Assert.True(captured.IsSuccessStatusCode, await captured.Content.ReadAsStringAsync());

        var run = await RunAsync(vault.OwnerToken, "--case", vault.CaseId, "--vault", app.BaseAddress.ToString(), "--site-root", ScamSite.RootCertificateFile);

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains($"网站证书 site certificate {site.SecureAddress.AbsoluteUri}  CN=refund-center.example, O=Refund Center  sha256 {ScamSite.ChainSha256[0]}: 可信 trusted as at ", run.Output, StringComparison.Ordinal);
        Assert.Contains("(根证书 roots: 由您提供 supplied by you)", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task For_one_victim_of_a_group_case_the_bundle_holds_only_what_that_victim_sent()
    {
        using var vault = await app.CreateCaseAsync();
        await vault.UploadItemAsync("screenshot-refund-page.png");
        var victim = await vault.GrantAsync(CaseRoles.Contributor, "Victim 2");
        using var victimsPhone = app.PlainClient(victim.Token);
        using var sent = await victimsPhone.PostAsync($"/api/cases/{vault.CaseId}/items", new StreamContent(File.OpenRead(SampleEvidence.PathOf("call-recording.mp3"))));
        Assert.True(sent.IsSuccessStatusCode, await sent.Content.ReadAsStringAsync());
        var lawyer = await vault.GrantAsync(CaseRoles.Lawyer, "Law firm");

        var filings = Directory.CreateDirectory(Path.Combine(_folder, "victim-2")).FullName;

        var run = await RunAsync(lawyer.Token, "--case", vault.CaseId, "--vault", app.BaseAddress.ToString(), "--contributor", victim.GrantId, "--out", filings);

        Assert.True(run.ExitCode == 0, run.Output);
        var saved = Assert.Single(Directory.GetFiles(filings));
        Assert.StartsWith($"evidence-{vault.CaseId}-", Path.GetFileName(saved), StringComparison.Ordinal);
        var report = await BagVerifier.VerifyAsync(saved);
        var item = Assert.Single(report.Items);
        Assert.Equal(SampleEvidence.KnownSha256["call-recording.mp3"], item.Sha256);
    }

    [Fact]
    public async Task Storage_altered_behind_the_vault_the_bundle_is_kept_as_sent_and_the_command_fails()
    {
        using var vault = await app.CreateCaseAsync();
        var item = await vault.UploadItemAsync("screenshot-refund-page.png");
        await app.Container.GetBlobClient($"cases/{vault.CaseId}/items/{item.ItemId}/original")
            .UploadAsync(BinaryData.FromBytes(Ingest.IngestTests.GeneratedPng(11)), overwrite: true);
        var path = Path.Combine(_folder, "for-court.zip");

        var run = await RunAsync(vault.OwnerToken, "--case", vault.CaseId, "--vault", app.BaseAddress.ToString(), "--out", path, "--json");

        Assert.True(run.ExitCode == 1, run.Output);
        Assert.Equal([path], Directory.GetFiles(_folder));
        Assert.Contains(BagFindingCodes.ExportIntegrityFailure, run.Output, StringComparison.Ordinal);
        Assert.Contains(BagFindingCodes.ItemMismatch, run.Output, StringComparison.Ordinal);
        Assert.False((await BagVerifier.VerifyAsync(path)).Intact);
    }

    [Fact]
    public async Task Nothing_is_saved_when_the_vault_refuses_the_caller_and_nothing_is_overwritten()
    {
        using var vault = await app.CreateCaseAsync();
        await vault.UploadItemAsync("screenshot-refund-page.png");
        var contributor = await vault.GrantAsync(CaseRoles.Contributor, "Victim 2");
        var existing = Path.Combine(_folder, "earlier.zip");
        await File.WriteAllTextAsync(existing, "an earlier filing");
        string[] options = ["--case", vault.CaseId, "--vault", app.BaseAddress.ToString()];

        var victim = await RunAsync(contributor.Token, options);
        var wrongToken = await RunAsync(vault.OwnerToken[..^4] + "AAAA", options);
        var noToken = await RunAsync(string.Empty, options);
        var taken = await RunAsync(vault.OwnerToken, [.. options, "--out", existing]);
        var nowhere = await RunAsync(vault.OwnerToken, [.. options, "--out", Path.Combine(_folder, "no-such-folder", "filing.zip")]);

        Assert.True(victim.ExitCode == 2, victim.Output);
        Assert.Contains($"被拒绝，未保存 Refused (403 {ProblemTypeUri("forbidden")})", victim.Output, StringComparison.Ordinal);
        Assert.True(wrongToken.ExitCode == 2, wrongToken.Output);
        Assert.Contains($"Refused (401 {ProblemTypeUri("unauthorized")})", wrongToken.Output, StringComparison.Ordinal);
        Assert.True(noToken.ExitCode == 2, noToken.Output);
        Assert.Contains("EVIDENCEVAULT_TOKEN", noToken.Output, StringComparison.Ordinal);
        Assert.True(taken.ExitCode == 2, taken.Output);
        Assert.True(nowhere.ExitCode == 2, nowhere.Output);
        Assert.Contains("所在的文件夹不存在，未下载。The folder for ", nowhere.Output, StringComparison.Ordinal);
        Assert.Equal([existing], Directory.GetFiles(_folder));
        Assert.Equal("an earlier filing", await File.ReadAllTextAsync(existing));
        Assert.DoesNotContain(vault.OwnerToken, string.Join('\n', app.Logs.Lines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_download_cut_off_midway_or_a_vault_out_of_reach_leaves_no_file()
    {
        using var vault = await app.CreateCaseAsync();
        await vault.UploadItemAsync("call-recording.wav");
        await using var network = new PhoneNetwork(app.BaseAddress) { CutDownloadAfterBytes = 128 * 1024 };

        var cut = await RunAsync(vault.OwnerToken, "--case", vault.CaseId, "--vault", network.Address.ToString());
        var away = await RunAsync(vault.OwnerToken, "--case", vault.CaseId, "--vault", "http://127.0.0.1:9/");

        Assert.Equal(1, network.Cuts);
        Assert.True(cut.ExitCode == 2, cut.Output);
        Assert.Contains("nothing was saved", cut.Output, StringComparison.Ordinal);
        Assert.True(away.ExitCode == 2, away.Output);
        Assert.Empty(Directory.GetFiles(_folder));
    }

    private static string ProblemTypeUri(string name) => Problems.ProblemType.TypePrefix + name;

    private Task<ExternalTool.Result> RunAsync(string token, params string[] options) =>
        ExternalTool.RunAsync("dotnet", _folder, new Dictionary<string, string> { ["EVIDENCEVAULT_TOKEN"] = token }, [ApiProcess.CliDll, "bundle", .. options]);
}
