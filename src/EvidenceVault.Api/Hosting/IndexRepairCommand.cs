using System.Globalization;
using EvidenceVault.Api.Ingest;
using EvidenceVault.Api.Storage;

namespace EvidenceVault.Api.Hosting;

/// <summary>What an operator asked to reindex: one case or every case, and how old a never-indexed blob must be to be adopted.</summary>
internal sealed record IndexRepairRequest(string? CaseId, TimeSpan MinimumAge);

/// <summary>
/// <c>dotnet EvidenceVault.Api.dll reindex [--case &lt;caseId&gt;] [--min-age-minutes N]</c>: runs
/// <see cref="IndexRepair"/> with the vault's own configuration (its storage, identity and trust settings) and exits
/// without serving; with development storage it starts the embedded Azurite for the run, as the vault does. Exit
/// code 0 when every case was reindexed, 1 when one could not be (each is reported, the others still run).
/// </summary>
internal static class IndexRepairCommand
{
    public const string Verb = "reindex";

    /// <summary>Blobs committed in the last ten minutes may belong to uploads still completing.</summary>
    public static readonly TimeSpan DefaultMinimumAge = TimeSpan.FromMinutes(10);

    public const string Usage =
        "Usage: reindex [--case <caseId>] [--min-age-minutes <N>]\n" +
        "Rebuilds what the index lacks from storage (every case, or the one named); adopts uploads committed but never\n" +
        "indexed once they are N minutes old (default 10). Exit code 0 done, 1 a case could not be reindexed, 2 usage.";

    /// <summary>True when the arguments ask for a reindex; <paramref name="request"/> is null when they do not parse.</summary>
    public static bool IsRequested(string[] args, out IndexRepairRequest? request)
    {
        request = null;
        if (args.Length == 0 || args[0] != Verb)
        {
            return false;
        }

        string? caseId = null;
        var minimumAge = DefaultMinimumAge;
        for (var i = 1; i < args.Length; i += 2)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--case" when !string.IsNullOrWhiteSpace(value) && !value.StartsWith('-'):
                    caseId = value;
                    break;
                case "--min-age-minutes" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var minutes) && minutes >= 0:
                    minimumAge = TimeSpan.FromMinutes(minutes);
                    break;
                default:
                    return true;
            }
        }

        request = new IndexRepairRequest(caseId, minimumAge);
        return true;
    }

    public static async Task<int> RunAsync(WebApplication app, IndexRepairRequest? request, TextWriter output)
    {
        if (request is null)
        {
            await output.WriteLineAsync(Usage);
            return 2;
        }

        var azurite = app.Services.GetServices<IHostedService>().OfType<EmbeddedAzurite>().Single();
        await azurite.StartAsync(CancellationToken.None);
        try
        {
            var repair = app.Services.GetRequiredService<IndexRepair>();
            var caseIds = new List<string>();
            if (request.CaseId is { } caseId)
            {
                caseIds.Add(caseId);
            }
            else
            {
                await foreach (var id in repair.CaseIdsAsync(CancellationToken.None))
                {
                    caseIds.Add(id);
                }
            }

            var reports = new List<IndexRepairReport>();
            var failed = 0;
            foreach (var id in caseIds)
            {
                try
                {
                    var report = await repair.RepairAsync(id, request.MinimumAge, CancellationToken.None);
                    reports.Add(report);
                    await WriteAsync(output, report);
                }
                catch (Exception e) when (e is Azure.RequestFailedException or InvalidDataException or System.Text.Json.JsonException)
                {
                    failed++;
                    var reason = e is Azure.RequestFailedException { Status: StatusCodes.Status404NotFound } ? "storage holds no custody log for this case" : e.Message;
                    await output.WriteLineAsync($"{id} failed: {reason}");
                }
            }

            await output.WriteLineAsync(
                $"Reindexed {reports.Count} case(s): {reports.Count(r => r.CaseRestored)} case row(s) and " +
                $"{reports.Sum(r => r.Grants.Restored.Count)} grant(s) restored, {reports.Sum(r => r.Grants.RevocationsApplied.Count)} revocation(s) applied, " +
                $"{reports.Sum(r => r.Restored.Count)} item(s) restored, {reports.Sum(r => r.Adopted.Count)} adopted, " +
                $"{reports.Sum(r => r.Duplicates.Count)} recorded as copies, {reports.Sum(r => r.Left.Count)} left unindexed" +
                (failed > 0 ? $"; {failed} case(s) failed." : "."));
            return failed > 0 ? 1 : 0;
        }
        finally
        {
            await azurite.StopAsync(CancellationToken.None);
        }
    }

    private static async Task WriteAsync(TextWriter output, IndexRepairReport report)
    {
        var id = report.CaseId;
        var lines = new List<string>();
        if (report.CaseRestored)
        {
            lines.Add($"{id} case row restored");
        }

        lines.AddRange(report.Grants.Restored.Select(grantId => $"{id} grant {grantId} restored"));
        lines.AddRange(report.Grants.RevocationsApplied.Select(grantId => $"{id} grant {grantId} revocation applied"));
        lines.AddRange(report.Restored.Select(itemId => $"{id} {itemId} restored"));
        lines.AddRange(report.Adopted.Select(itemId => $"{id} {itemId} adopted"));
        lines.AddRange(report.Duplicates.Select(itemId => $"{id} {itemId} recorded as a copy"));
        lines.AddRange(report.Left.Select(left => $"{id} {left.ItemId} left: {left.Reason}"));
        lines.AddRange(report.Warnings.Select(warning => $"{id} warning: {warning}"));
        foreach (var line in lines)
        {
            await output.WriteLineAsync(line);
        }
    }
}
