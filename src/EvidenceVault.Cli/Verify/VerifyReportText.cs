using System.Globalization;
using EvidenceVault.Bundles;
using EvidenceVault.Serialization;

namespace EvidenceVault.Cli.Verify;

/// <summary>The human summary of a verification: one line per item, then every finding with its file and reason.</summary>
internal static class VerifyReportText
{
    private static readonly TimeZoneInfo Beijing = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    public static async Task WriteAsync(BagVerificationReport report, TextWriter output)
    {
        await output.WriteLineAsync($"Bundle:  {report.BagName}");
        await output.WriteLineAsync($"Case:    {report.CaseId ?? "(unknown)"}");
        await output.WriteLineAsync($"Custody: {report.CustodyEvents} events, head {report.CustodyHead ?? "(none)"}");
        await output.WriteLineAsync($"Trust:   timestamp roots from the {report.TimestampRootsFrom}, receipt keys from the {report.ReceiptKeysFrom}");
        await output.WriteLineAsync($"Items:   {report.Items.Count}");
        foreach (var item in report.Items)
        {
            var beijing = TimeZoneInfo.ConvertTime(item.ReceivedAt, Beijing).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            await output.WriteLineAsync(
                $"  {(item.Intact ? "OK      " : "FAILED  ")}{item.File}  sha256 {item.Sha256}  {item.Size} bytes  received {VaultJson.FormatUtc(item.ReceivedAt)} (Beijing {beijing})");
            var timestamp = item.TimestampTime is { } time
                ? $"timestamp {VaultJson.FormatUtc(time)} (Beijing {TimeZoneInfo.ConvertTime(time, Beijing):yyyy-MM-dd HH:mm:ss}) by {item.TimestampAuthority}"
                : $"timestamp {item.TimestampStatus ?? "none"}";
            await output.WriteLineAsync($"          {timestamp}; receipt {(item.ReceiptKeyId is { } kid ? "signed by key " + kid : "not verified")}");
        }

        if (report.Intact)
        {
            await output.WriteLineAsync("INTACT: every file, item and custody link checks out.");
            return;
        }

        await output.WriteLineAsync($"TAMPERED: {report.Findings.Count} problem(s):");
        foreach (var finding in report.Findings)
        {
            await output.WriteLineAsync($"  {finding.Path}: {finding.Code}: {finding.Message}");
        }
    }
}
