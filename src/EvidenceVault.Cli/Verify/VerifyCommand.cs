using System.CommandLine;
using System.Text.Json;
using EvidenceVault.Bundles;
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
        var bundle = new Argument<string>("bundle") { Description = "The bundle ZIP, or the folder it was unzipped into." };
        var json = new Option<bool>("--json") { Description = "Print the full report as JSON (for machines)." };
        var command = new Command("verify", "Check a bundle offline: BagIt manifests, Payload-Oxum, every item against the catalog, the custody hash chain.")
        {
            bundle,
            json,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(bundle)!, parse.GetValue(json), output, cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(string location, bool json, TextWriter output, CancellationToken cancellationToken)
    {
        BagVerificationReport report;
        try
        {
            report = await BagVerifier.VerifyAsync(location, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            await output.WriteLineAsync($"Cannot read {location}: {e.Message}");
            return Unreadable;
        }

        if (json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(new { report.Intact, report.BagName, report.CaseId, report.CustodyEvents, report.CustodyHead, report.Items, report.Findings }, VaultJson.Indented));
        }
        else
        {
            await VerifyReportText.WriteAsync(report, output);
        }

        return report.Intact ? Intact : Tampered;
    }
}
