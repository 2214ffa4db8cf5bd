using System.CommandLine;
using System.Text.Json;
using EvidenceVault.Bundles;
using EvidenceVault.Cli.Log;
using EvidenceVault.Receipts;
using EvidenceVault.Serialization;

namespace EvidenceVault.Cli.Verify;

/// <summary><c>evidencevault verify &lt;bundle.zip | folder&gt; [--json]</c>.</summary>
internal static class VerifyCommand
{
    /// <summary>Exit code when the bundle is intact.</summary>
    public const int Intact = 0;

    /// <summary>Exit code when anything in the bundle was changed, added or removed.</summary>
    public const int Tampered = 1;

    /// <summary>Exit code when the bundle cannot be read at all.</summary>
    public const int Unreadable = 2;

    public static Command Create(TextWriter output)
    {
        var bundle = new Argument<string>("bundle") { Description = "证据包 ZIP 文件，或其解压后的文件夹。The bundle ZIP, or the folder it was unzipped into." };
        var json = new Option<bool>("--json") { Description = "以 JSON 输出完整报告（供程序读取）。Print the full report as JSON (for machines)." };
        var (tsaRoots, vaultKeys, siteRoots) = TrustOptions();
        var checkLog = new Option<string?>("--check-log")
        {
            Description = "同时向该证据保险箱索取其当前的公开日志，核验本证据包的检查点仍是其一部分（需联网）。Also ask this vault (its address) for its log now, and check that this bundle's checkpoint is still part of it (online).",
        };
        var command = new Command("verify", "离线核验证据包：清单、证据目录、监管链、可信时间戳与保管回执，以及抓取网页时记录的网站证书。Check a bundle offline: BagIt manifests, Payload-Oxum, every item against the catalog, the custody hash chain, every RFC 3161 timestamp and every signed receipt, and the certificates of the sites the vault captured.")
        {
            bundle,
            json,
            tsaRoots,
            vaultKeys,
            checkLog,
            siteRoots,
        };
        command.SetAction((parse, cancellationToken) =>
            RunAsync(parse.GetValue(bundle)!, parse.GetValue(json), output, cancellationToken, parse.GetValue(tsaRoots), parse.GetValue(vaultKeys), parse.GetValue(checkLog), parse.GetValue(siteRoots)));
        return command;
    }

    /// <summary>
    /// The roots and keys to trust instead of the bundle's own (what an expert who checked them elsewhere pins), and
    /// the roots to check captured sites' certificates against instead of the machine's.
    /// </summary>
    public static (Option<string[]> TsaRoots, Option<string[]> VaultKeys, Option<string[]> SiteRoots) TrustOptions() =>
        (new Option<string[]>("--tsa-root") { Description = "改为信任的时间戳机构根证书（PEM 文件），代替证据包内的 data/certs/tsa-roots.pem（可重复）。PEM file of a timestamp authority root to trust instead of the bundle's data/certs/tsa-roots.pem (repeatable).", AllowMultipleArgumentsPerToken = false },
         new Option<string[]>("--vault-key") { Description = "改为信任的保管回执公钥（PEM 文件，或从 /.well-known/evidencevault/keys 保存的 JWKS），代替证据包内的公钥（可重复）。PEM file of a vault receipt public key, or the vault's JWKS saved from /.well-known/evidencevault/keys, to trust instead of the bundle's keys (repeatable)." },
         new Option<string[]>("--site-root") { Description = "核验证据保险箱抓取网页时所记录的网站证书所用的根证书（PEM 文件，可重复），代替本机信任的根证书。PEM file of a root to check the certificates of sites the vault captured against, instead of this machine's trusted roots (repeatable)." });

    public static async Task<int> RunAsync(
        string location, bool json, TextWriter output, CancellationToken cancellationToken, string[]? tsaRoots = null, string[]? vaultKeys = null, string? checkLog = null, string[]? siteRoots = null)
    {
        BagVerificationReport report;
        using var vault = checkLog is null ? null : new LiveVaultLog(checkLog);
        try
        {
            var trust = LoadTrust(tsaRoots, vaultKeys) with { LiveLog = vault is null ? null : vault.ReadAsync, SiteRoots = LoadRoots(siteRoots) };
            report = await BagVerifier.VerifyAsync(location, trust, cancellationToken);
        }
        catch (Exception e) when (vault is not null && LiveVaultLog.IsUnanswered(e))
        {
            await output.WriteLineAsync($"无法向 {checkLog} 核对公开日志 Cannot check the log with {checkLog}: {e.Message}");
            return Unreadable;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            await output.WriteLineAsync($"Cannot read {location}: {e.Message}");
            return Unreadable;
        }

        if (json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(
                new { report.Intact, report.BagName, report.CaseId, report.CustodyEvents, report.CustodyHead, report.Contributor, report.TimestampRootsFrom, report.ReceiptKeysFrom, report.SiteRootsFrom, report.Items, report.Log, report.Findings },
                VaultJson.Indented));
        }
        else
        {
            await VerifyReportText.WriteAsync(report, output);
        }

        return report.Intact ? Intact : Tampered;
    }

    private static BagVerificationOptions LoadTrust(string[]? tsaRoots, string[]? vaultKeys)
    {
        var roots = LoadRoots(tsaRoots);
        List<System.Security.Cryptography.ECDsa>? keys = null;
        if (vaultKeys is { Length: > 0 })
        {
            keys = [];
            foreach (var file in vaultKeys)
            {
                keys.AddRange(LoadVaultKeys(file));
            }
        }

        return new BagVerificationOptions { TsaRoots = roots, VaultKeys = keys };
    }

    /// <summary>
    /// The receipt keys of a <c>--vault-key</c> file: a PEM public key, or the vault's JWKS as
    /// <c>/.well-known/evidencevault/keys</c> serves it (saved with <c>curl -f -o</c>), every key of it.
    /// </summary>
    private static IReadOnlyList<System.Security.Cryptography.ECDsa> LoadVaultKeys(string file)
    {
        var text = File.ReadAllText(file);
        if (!ReceiptKeySet.IsJwks(text))
        {
            var key = System.Security.Cryptography.ECDsa.Create();
            key.ImportFromPem(text);
            return [key];
        }

        try
        {
            var keys = ReceiptKeySet.Parse(text);
            return keys.Count > 0 ? keys : throw new InvalidDataException($"{file}: the JWKS holds no P-256 key named by its own id");
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"{file}: {e.Message}", e);
        }
    }

    /// <summary>The certificates of the PEM files given; null when none are.</summary>
    private static System.Security.Cryptography.X509Certificates.X509Certificate2Collection? LoadRoots(string[]? files)
    {
        if (files is not { Length: > 0 })
        {
            return null;
        }

        var roots = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        foreach (var file in files)
        {
            roots.ImportFromPemFile(file);
        }

        return roots;
    }
}
