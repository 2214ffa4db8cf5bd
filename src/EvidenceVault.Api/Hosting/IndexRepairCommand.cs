using System.Globalization;
using EvidenceVault.Api.Ingest;
using EvidenceVault.Api.Storage;

namespace EvidenceVault.Api.Hosting;

/// <summary>What an operator asked to repair: one case or every case, and how old an unindexed blob must be.</summary>
internal sealed record IndexRepairRequest(string? CaseId, TimeSpan MinimumAge);

/// <summary>
/// <c>dotnet EvidenceVault.Api.dll repair-index [--case &lt;caseId&gt;] [--min-age-minutes N]</c>: runs
/// <see cref="IndexRepair"/> with the vault's own configuration (its storage, identity and trust settings) and exits
/// without serving; with development storage it starts the embedded Azurite for the run, as the vault does.
/// </summary>
internal static class IndexRepairCommand
{
    public const string Verb = "repair-index";

    /// <summary>Blobs committed in the last ten minutes may belong to uploads still completing.</summary>
    public static readonly TimeSpan DefaultMinimumAge = TimeSpan.FromMinutes(10);

    public static bool IsRequested(string[] args, out IndexRepairRequest request)
    {
        var caseIndex = Array.IndexOf(args, "--case");
        var ageIndex = Array.IndexOf(args, "--min-age-minutes");
        request = new IndexRepairRequest(
            caseIndex >= 0 && caseIndex + 1 < args.Length ? args[caseIndex + 1] : null,
            ageIndex >= 0 && ageIndex + 1 < args.Length && double.TryParse(args[ageIndex + 1], CultureInfo.InvariantCulture, out var minutes) && minutes >= 0
                ? TimeSpan.FromMinutes(minutes)
                : DefaultMinimumAge);
        return args.Length > 0 && args[0] == Verb;
    }

    public static async Task<int> RunAsync(WebApplication app, IndexRepairRequest request, TextWriter output)
    {
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

            var (adopted, copies, left) = (0, 0, 0);
            foreach (var id in caseIds)
            {
                var report = await repair.RepairAsync(id, request.MinimumAge, CancellationToken.None);
                (adopted, copies, left) = (adopted + report.Adopted.Count, copies + report.Duplicates.Count, left + report.Left.Count);
                foreach (var itemId in report.Adopted)
                {
                    await output.WriteLineAsync($"{id} {itemId} adopted");
                }

                foreach (var itemId in report.Duplicates)
                {
                    await output.WriteLineAsync($"{id} {itemId} recorded as a copy");
                }

                foreach (var (itemId, reason) in report.Left)
                {
                    await output.WriteLineAsync($"{id} {itemId} left: {reason}");
                }
            }

            await output.WriteLineAsync($"Repaired {caseIds.Count} case(s): {adopted} adopted, {copies} recorded as copies, {left} left unindexed.");
            return 0;
        }
        finally
        {
            await azurite.StopAsync(CancellationToken.None);
        }
    }
}
