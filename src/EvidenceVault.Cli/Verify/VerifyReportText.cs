using System.Globalization;
using EvidenceVault.Bundles;
using EvidenceVault.Serialization;

namespace EvidenceVault.Cli.Verify;

/// <summary>
/// The human summary of a verification, in Chinese and English side by side as the bundle's own report and guide
/// are (a court expert in China reads the first, anyone else the second): one line per item, then every finding with
/// its file, its code, what the code means and the verifier's exact reason.
/// </summary>
internal static class VerifyReportText
{
    public static async Task WriteAsync(BagVerificationReport report, TextWriter output)
    {
        await output.WriteLineAsync($"证据包 Bundle:   {report.BagName}");
        await output.WriteLineAsync($"案件 Case:       {report.CaseId ?? "(未知 unknown)"}");
        await output.WriteLineAsync($"监管链 Custody:  {report.CustodyEvents} 条 events, 末端 head {report.CustodyHead ?? "(无 none)"}");
        await output.WriteLineAsync($"信任 Trust:      时间戳根证书 timestamp roots: {Source(report.TimestampRootsFrom)}; 回执公钥 receipt keys: {Source(report.ReceiptKeysFrom)}");
        await output.WriteLineAsync(report.Contributor is { } sender
            ? $"证据 Items:      {report.Items.Count}, 只含一位提交人的证据 one contributor's items only: {sender}"
            : $"证据 Items:      {report.Items.Count}");
        foreach (var item in report.Items)
        {
            await output.WriteLineAsync(
                $"  {(item.Intact ? "完好 OK       " : "未通过 FAILED ")}{item.File}  sha256 {item.Sha256}  {item.Size} bytes  received {VaultJson.FormatUtc(item.ReceivedAt)} (北京时间 Beijing {InBeijing(item.ReceivedAt)})");
            var timestamp = item.TimestampTime is { } time
                ? $"timestamp {VaultJson.FormatUtc(time)} (北京时间 Beijing {InBeijing(time)}) by {item.TimestampAuthority}"
                : $"timestamp {item.TimestampStatus ?? "none"}";
            await output.WriteLineAsync($"                {timestamp}; receipt {(item.ReceiptKeyId is { } kid ? "signed by key " + kid : "not verified")}");
            foreach (var site in item.SiteCertificates ?? [])
            {
                var roots = "根证书 roots: " + Source(report.SiteRootsFrom);
                var verdict = site.Trusted
                    ? $"可信 trusted as at {VaultJson.FormatUtc(site.CheckedAsAt)} ({roots})"
                    : $"未能核验 does not check out ({roots}): {site.Problem}";
                await output.WriteLineAsync($"                网站证书 site certificate {site.Site}  {site.Subject ?? "(none)"}  sha256 {site.Sha256 ?? "-"}: {verdict}");
            }
        }

        await output.WriteLineAsync(report.Log is { } log
            ? $"公开日志 Vault log: 第 entry {log.LeafIndex} 条, 检查点 checkpoint of {log.TreeSize} ({log.Origin}) signed by key {log.KeyId}; " +
              (log.TimestampTime is { } at ? $"timestamp {VaultJson.FormatUtc(at)} (北京时间 Beijing {InBeijing(at)}) by {log.TimestampAuthority}" : "检查点无时间戳 checkpoint not timestamped")
            : "公开日志 Vault log: 未通过核验 not verified (see the problems below)");
        if (report.Log?.ConsistentWithSize is { } now)
        {
            await output.WriteLineAsync($"                今日日志 the log now has {Log.WatchLogCommand.Entries(now)} and still holds this checkpoint unchanged (RFC 9162 consistency proof verified)");
        }

        if (report.Intact)
        {
            await output.WriteLineAsync("完好 INTACT：所有文件、证据与监管链均核验通过，报告、表格与核验指南与证据目录一致。Every file, item and custody link checks out, and the report, the spreadsheet and the guide say what the catalog says.");
            if (TrustedFromTheBundle(report) is { } note)
            {
                await output.WriteLineAsync(note);
            }

            return;
        }

        await output.WriteLineAsync($"已被改动 TAMPERED：发现 {report.Findings.Count} 处问题 / {report.Findings.Count} problem(s):");
        foreach (var finding in report.Findings)
        {
            await output.WriteLineAsync($"  {finding.Path}: {finding.Code}（{Meaning(finding.Code)}）: {finding.Message}");
        }
    }

    /// <summary>
    /// What an intact verdict under the bundle's own roots or keys leaves open: a bundle re-made as a whole, signed by
    /// a forger's key that the forger put in it. Null when the expert supplied both.
    /// </summary>
    private static string? TrustedFromTheBundle(BagVerificationReport report)
    {
        var (zh, en) = (report.TimestampRootsFrom == TrustSources.Bundle, report.ReceiptKeysFrom == TrustSources.Bundle) switch
        {
            (true, true) => ("时间戳根证书与回执公钥", "timestamp roots and receipt keys"),
            (true, false) => ("时间戳根证书", "timestamp roots"),
            (false, true) => ("回执公钥", "receipt keys"),
            _ => (null, null),
        };
        return zh is null
            ? null
            : $"注意 Note: {zh}取自证据包本身，只证明证据包前后一致；要排除整包被他人重新制作，请用 --tsa-root（取自时间戳机构）和 --vault-key（取自证据保险箱 /.well-known/evidencevault/keys）再核验一次。" +
              $"The {en} came from the bundle itself, which shows it is consistent; to rule out a bundle re-made as a whole, verify again with --tsa-root (from the authority) and --vault-key (from the vault's /.well-known/evidencevault/keys).";
    }

    private static string InBeijing(DateTimeOffset time) =>
        BeijingTime.Of(time).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Source(string from) => from switch
    {
        TrustSources.Bundle => "证据包内 from the bundle",
        TrustSources.Supplied => "由您提供 supplied by you",
        TrustSources.Machine => "本机 from this machine",
        _ => from,
    };

    /// <summary>What each finding code means, in Chinese (the code itself and the verifier's reason are English).</summary>
    internal static string Meaning(string code) => code switch
    {
        BagFindingCodes.InvalidDeclaration => "bagit.txt 缺失或不是 BagIt 1.0",
        BagFindingCodes.MissingFile => "缺少文件",
        BagFindingCodes.UnexpectedFile => "多出未登记的文件",
        BagFindingCodes.ManifestMismatch => "文件的 SHA-256 与清单不符",
        BagFindingCodes.MalformedManifest => "清单格式错误",
        BagFindingCodes.OxumMismatch => "Payload-Oxum 与数据不符",
        BagFindingCodes.InvalidCatalog => "证据目录 items.json 缺失、无法读取或属于其他案件",
        BagFindingCodes.ItemMismatch => "证据文件与目录记录不符",
        BagFindingCodes.ItemsCsvMismatch => "表格 items.csv 与证据目录 items.json 不符",
        BagFindingCodes.ReportMismatch => "报告 report.html 与证据目录、监管链不符",
        BagFindingCodes.GuideMismatch => "核验指南 VERIFY.md 与证据目录不符",
        BagFindingCodes.BagInfoMismatch => "包信息 bag-info.txt 与证据目录不符（案件标题、证据数量、监管链末端或日期）",
        BagFindingCodes.CustodyBroken => "监管链的哈希链断裂",
        BagFindingCodes.CustodyMismatch => "监管链与目录记录不符",
        BagFindingCodes.MailSignatureInvalid => "邮件的 DKIM 签名用保存的密钥离线复核未通过",
        BagFindingCodes.TimestampInvalid => "可信时间戳缺失、无效或与证据不符",
        BagFindingCodes.ReceiptInvalid => "保管回执缺失、签名无效或与证据不符",
        BagFindingCodes.ExportIntegrityFailure => "导出时存储中的数据与索引不符",
        BagFindingCodes.LogProofInvalid => "公开日志证明缺失或不完整、签名无效或与本证据包不符",
        BagFindingCodes.LogInconsistent => "证据保险箱今日的公开日志与本证据包的检查点不一致（历史被改动）",
        _ => "未知问题",
    };
}
