using System.Diagnostics.Metrics;
using Azure.Data.Tables;
using EvidenceVault.Api.Monitoring;
using EvidenceVault.Api.Tests.Infrastructure;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace EvidenceVault.Api.Tests.Bundles;

/// <summary>
/// Every receipt enters the case's custody head into the vault log, so a case is in the log from its first piece of
/// evidence, exported or not — and a log that cannot take the entry never costs a victim the upload.
/// </summary>
[Collection(VaultOnAzurite.Name)]
public sealed class VaultLogReceiptTests(VaultApp app) : IClassFixture<VaultApp>
{
    [Fact]
    public async Task A_receipted_upload_puts_the_cases_custody_head_at_its_receipt_into_the_log()
    {
        using var entries = new MetricCollector<long>(app.Services.GetRequiredService<IMeterFactory>(), VaultMetrics.MeterName, VaultMetrics.LogEntries);
        using var vault = await app.CreateCaseAsync();

        await vault.UploadItemAsync("call-recording.m4a");

        var custody = await vault.CheckCustodyAsync();
        Assert.Equal("receipt.issued", custody.Events[^1].Type);
        var leaves = await LeavesOfAsync(vault.CaseId);
        Assert.Contains((custody.Head.Seq, custody.Head.Hash.Hex), leaves);
        Assert.Contains(entries.GetMeasurementSnapshot(), m =>
            (string?)m.Tags[VaultMetrics.LogEntrySourceTag] == LogEntrySources.Receipt && (string?)m.Tags[VaultMetrics.LogEntryOutcomeTag] == LogEntryOutcomes.Appended);
    }

    [Fact]
    public async Task Victims_of_three_cases_uploading_at_once_all_take_their_turn_in_the_log()
    {
        using var entries = new MetricCollector<long>(app.Services.GetRequiredService<IMeterFactory>(), VaultMetrics.MeterName, VaultMetrics.LogEntries);
        var cases = new List<TestCase>();
        for (var i = 0; i < 3; i++)
        {
            cases.Add(await app.CreateCaseAsync());
        }

        var responses = await Task.WhenAll(cases.SelectMany((c, n) => Enumerable.Range(0, 4).Select(i => c.UploadAsync(new ByteArrayContent(Ingest.IngestTests.GeneratedPng(200 + (n * 10) + i))))));

        Assert.All(responses, r => Assert.Equal(System.Net.HttpStatusCode.Created, r.StatusCode));
        var outcomes = entries.GetMeasurementSnapshot().Select(m => (string?)m.Tags[VaultMetrics.LogEntryOutcomeTag]).ToList();
        Assert.Equal(Enumerable.Repeat<string?>(LogEntryOutcomes.Appended, 12), outcomes);
        foreach (var c in cases)
        {
            var receipts = (await c.CheckCustodyAsync()).Events.Count(e => e.Type == "receipt.issued");
            Assert.Equal(receipts, (await LeavesOfAsync(c.CaseId)).Count);
            c.Dispose();
        }

        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task When_the_log_cannot_take_the_entry_the_upload_still_succeeds_and_the_miss_is_logged_and_counted()
    {
        using var entries = new MetricCollector<long>(app.Services.GetRequiredService<IMeterFactory>(), VaultMetrics.MeterName, VaultMetrics.LogEntries);
        using var vault = await app.CreateCaseAsync();
        var table = app.Table("vaultlog");
        await table.DeleteAsync();
        try
        {
            var item = await vault.UploadItemAsync("screenshot-refund-page.png");

            Assert.Equal(item.ItemId, Assert.Single(await vault.ListItemsAsync()).ItemId);
            Assert.NotNull(item.Receipt);
            Assert.Contains(entries.GetMeasurementSnapshot(), m => (string?)m.Tags[VaultMetrics.LogEntryOutcomeTag] == LogEntryOutcomes.Failed);
            Assert.Contains(app.Logs.Lines, line => line.StartsWith("Warning ", StringComparison.Ordinal) && line.Contains($"Case {vault.CaseId} custody line", StringComparison.Ordinal));
        }
        finally
        {
            await table.CreateIfNotExistsAsync();
        }
    }

    private async Task<List<(long Seq, string Head)>> LeavesOfAsync(string caseId)
    {
        var leaves = new List<(long, string)>();
        await foreach (var row in app.Table("vaultlog").QueryAsync<TableEntity>(e => e.PartitionKey == "tree"))
        {
            if (row.GetString("CaseId") == caseId)
            {
                leaves.Add((row.GetInt64("Seq")!.Value, row.GetString("Head")));
            }
        }

        return leaves;
    }
}
