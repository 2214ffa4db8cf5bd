using EvidenceVault.Api.Tests.Infrastructure;
using EvidenceVault.Testing;

namespace EvidenceVault.Api.Tests.Captures;

/// <summary><c>evidencevault capture</c>, run as a process against the vault on a real socket, capturing the scam site over HTTPS.</summary>
[Collection(VaultOnAzurite.Name)]
public sealed class CaptureCommandTests(VaultOnKestrel app) : IClassFixture<VaultOnKestrel>
{
    [Fact]
    public async Task A_link_is_saved_by_the_vault_and_the_command_says_what_was_kept_in_both_languages()
    {
        var site = await ScamSite.InstanceAsync();
        using var vault = await app.CreateCaseAsync();

        var link = new Uri(site.SecureAddress, "/go");

        var run = await RunAsync(vault, app.BaseAddress, link.AbsoluteUri, "--note", "微信群里的链接");

        Assert.True(run.ExitCode == 0, run.Output);
        var item = Assert.Single(await vault.ListItemsAsync());
        Assert.Equal(("application/wacz", "微信群里的链接"), (item.ContentType, item.Note));
        Assert.Contains($"已保存网页 Page saved as item {item.ItemId} ({item.FileName})", run.Output, StringComparison.Ordinal);
        Assert.Contains($"网页 page                  订单异常 - 退款申请 — {new Uri(site.SecureAddress, "/refund").AbsoluteUri}", run.Output, StringComparison.Ordinal);
        Assert.Contains("HTTP 状态 status           200", run.Output, StringComparison.Ordinal);
        Assert.Contains("附带资源 resources kept    3", run.Output, StringComparison.Ordinal);
        Assert.Contains(
            $"网站证书 certificate       127.0.0.1:{link.Port}: CN=refund-center.example, O=Refund Center — 签发 issued by CN=Scam Site Test Issuing CA, O=EvidenceVault Tests (tls/1.3)",
            run.Output,
            StringComparison.Ordinal);
        Assert.Contains($"SHA-256 指纹 fingerprint   {item.Sha256}", run.Output, StringComparison.Ordinal);
        Assert.Contains("可信时间戳 timestamp       已获得 granted", run.Output, StringComparison.Ordinal); // said as upload says it
    }

    [Fact]
    public async Task A_refused_address_exits_1_naming_the_problem_and_an_unreachable_vault_exits_2()
    {
        using var vault = await app.CreateCaseAsync();

        var refused = await RunAsync(vault, app.BaseAddress, "http://169.254.169.254/latest/meta-data/");
        var unreachable = await RunAsync(vault, new Uri("http://127.0.0.1:9/"), "https://refund-center.example/");

        Assert.True(refused.ExitCode == 1, refused.Output);
        Assert.Contains("被拒绝，未保存 Refused (422 urn:evidencevault:problem:capture-address-forbidden)", refused.Output, StringComparison.Ordinal);
        Assert.True(unreachable.ExitCode == 2, unreachable.Output);
        Assert.Contains("无法连接证据保险箱 Cannot reach the vault", unreachable.Output, StringComparison.Ordinal);
        Assert.Empty(await vault.ListItemsAsync());
    }

    private static Task<ExternalTool.Result> RunAsync(TestCase vault, Uri vaultAddress, string url, params string[] options) =>
        ExternalTool.RunAsync(
            "dotnet",
            Path.GetTempPath(),
            new Dictionary<string, string> { ["EVIDENCEVAULT_TOKEN"] = vault.OwnerToken },
            [ApiProcess.CliDll, "capture", url, "--case", vault.CaseId, "--vault", vaultAddress.ToString(), .. options]);
}
