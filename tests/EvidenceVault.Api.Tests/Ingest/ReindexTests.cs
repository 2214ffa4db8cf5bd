using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using EvidenceVault.Api.Access;
using EvidenceVault.Api.Cases;
using EvidenceVault.Api.Hosting;
using EvidenceVault.Api.Ingest;
using EvidenceVault.Api.Storage;
using EvidenceVault.Api.Tests.Infrastructure;
using EvidenceVault.Api.Timestamps;
using EvidenceVault.Bundles;
using EvidenceVault.Custody;
using EvidenceVault.Evidence;
using EvidenceVault.Serialization;
using EvidenceVault.Testing;

namespace EvidenceVault.Api.Tests.Ingest;

/// <summary>
/// The index is only an index: a case whose rows are wiped from every table is rebuilt by <see cref="IndexRepair"/>
/// (reindex) from the blobs and the custody log alone, to what the API showed before — items, their timestamps and
/// receipts, grants with their tokens and revocations, the case itself.
/// </summary>
[Collection(VaultOnAzurite.Name)]
public sealed class ReindexTests(VaultApp app) : IClassFixture<VaultApp>
{
    private IndexRepair Repair => app.Services.GetRequiredService<IndexRepair>();

    [Fact]
    public async Task A_wiped_index_is_rebuilt_to_what_the_API_showed_and_every_token_works_as_it_did()
    {
        using var vault = await app.CreateCaseAsync("Group refund scam 团体退款诈骗");
        var victim = await vault.GrantAsync(CaseRoles.Contributor, "受害人 A", DateTimeOffset.UtcNow.AddDays(30));
        var lawyer = await vault.GrantAsync(CaseRoles.Lawyer, "Counsel for the group");
        var revoked = await vault.GrantAsync(CaseRoles.Contributor, "Victim B");
        using (var revoke = await vault.Client.DeleteAsync($"/api/cases/{vault.CaseId}/grants/{revoked.GrantId}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }

        using var victimCase = vault.As(victim.Token);
        await vault.UploadItemAsync("screenshot-refund-page.png");
        using (var recording = await victimCase.UploadAsync("call-recording.m4a", r =>
        {
            r.Headers.Add("X-File-Name", "%E8%AF%88%E9%AA%97%E7%94%B5%E8%AF%9D.m4a"); // 诈骗电话.m4a
            r.Headers.Add("X-Captured-At", "2026-11-20T21:05:00+08:00");
            r.Headers.Add("X-Evidence-Note", "%E7%AC%AC%E4%B8%80%E9%80%9A%E7%94%B5%E8%AF%9D"); // 第一通电话
        }))
        {
            Assert.Equal(HttpStatusCode.Created, recording.StatusCode);
        }

        using (var page = await vault.UploadAsync("page-snapshot-refund.mhtml", r => r.Headers.Add("X-Source-Url", "https://refund-center.example/order/1")))
        {
            Assert.Equal(HttpStatusCode.Created, page.StatusCode);
        }

        var mailFolder = Directory.CreateTempSubdirectory("ev-reindex-mail-");
        await victimCase.UploadNewItemAsync(SampleMessages.Phishing(Path.Combine(mailFolder.FullName, "phishing.eml")));
        await victimCase.UploadNewItemAsync(await SampleDocuments.WriteAsync(mailFolder.FullName, ".docx"));
        await victimCase.UploadNewItemAsync(SampleChats.Write(mailFolder.FullName, SampleTelegramChats.PersonalChat));

        mailFolder.Delete(recursive: true);

        var site = await ScamSite.InstanceAsync();
        using (var captured = await vault.Client.PostAsJsonAsync($"/api/cases/{vault.CaseId}/captures", new { url = new Uri(site.SecureAddress, "/go").AbsoluteUri, note = "the vault's own capture" }))
        {
            Assert.Equal(HttpStatusCode.Created, captured.StatusCode);
        }

        var before = await SnapshotAsync(vault, victimCase);
        var usage = await app.Services.GetRequiredService<CaseDirectory>().FindAsync(vault.CaseId, CancellationToken.None);

        await WipeIndexAsync(vault.CaseId);
        using (var locked = await vault.Client.GetAsync($"/api/cases/{vault.CaseId}"))
        {
            await ProblemAssert.IsAsync(locked, 401, "unauthorized");
        }

        var report = await Repair.RepairAsync(vault.CaseId, TimeSpan.FromMinutes(10), CancellationToken.None);
        var again = await Repair.RepairAsync(vault.CaseId, TimeSpan.FromMinutes(10), CancellationToken.None);

        Assert.True(report.CaseRestored);
        Assert.Equal(4, report.Grants.Restored.Count);
        Assert.Equal(before.Items.Count, report.Restored.Count);
        Assert.Equal((0, 0, 0, 0), (report.Adopted.Count, report.Duplicates.Count, report.Left.Count, report.Warnings.Count));
        Assert.Equal((false, 0, 0), (again.CaseRestored, again.Grants.Restored.Count, again.Restored.Count));

        var after = await SnapshotAsync(vault, victimCase);
        Assert.Equal(before.Items, after.Items);
        Assert.Single(after.Items, i => i.Contains("\"capturedBy\":\"vault\"", StringComparison.Ordinal)); // the blob's metadata says the vault captured it
        Assert.Single(after.Items, i => i.Contains($"\"capturedSites\":[{{\"site\":\"{site.SecureAddress.AbsoluteUri}\"", StringComparison.Ordinal)); // its custody line, which site it reached
        Assert.Equal(before.VictimItems, after.VictimItems);
        Assert.Single(after.VictimItems, i => i.Contains("\"recording\":{\"source\":\"mp4\",\"durationSeconds\":22.566}", StringComparison.Ordinal)); // as the custody line chained what the recording said
        Assert.Single(after.VictimItems, i => i.Contains($"\"deliveredBy\":\"{SampleMessages.DeliveredBy}\"", StringComparison.Ordinal)); // and what the e-mail's header said
        Assert.Single(after.VictimItems, i => i.Contains($"\"createdAt\":\"{SampleDocuments.ContractCreated}Z\"", StringComparison.Ordinal)); // and what the contract's properties said
        Assert.Single(after.VictimItems, i => i.Contains($"\"accounts\":[\"{SampleTelegramChats.ScammerId}\",\"{SampleTelegramChats.VictimId}\"]", StringComparison.Ordinal)); // and whose accounts wrote in the chat
        Assert.Equal(before.Grants, after.Grants);
        Assert.Equal(before.Case, after.Case);
        var restoredUsage = await app.Services.GetRequiredService<CaseDirectory>().FindAsync(vault.CaseId, CancellationToken.None);
        Assert.Equal((usage!.ItemCount, usage.TotalBytes, usage.CreatedAt), (restoredUsage!.ItemCount, restoredUsage.TotalBytes, restoredUsage.CreatedAt));

        // The revoked link stays revoked; the lawyer's still exports a bundle that verifies.
        using var revokedCase = vault.As(revoked.Token);
        using (var refused = await revokedCase.Client.GetAsync($"/api/cases/{vault.CaseId}/items"))
        {
            await ProblemAssert.IsAsync(refused, 401, "token-revoked");
        }

        using var lawyerCase = vault.As(lawyer.Token);
        var zip = Path.Combine(Directory.CreateTempSubdirectory("ev-reindex-").FullName, "bundle.zip");
        try
        {
            await using (var bundle = await lawyerCase.Client.GetStreamAsync($"/api/cases/{vault.CaseId}/bundle"))
            await using (var file = File.Create(zip))
            {
                await bundle.CopyToAsync(file);
            }

            var verified = await BagVerifier.VerifyAsync(zip);
            Assert.True(verified.Intact, string.Join("\n", verified.Findings));
            Assert.Equal(before.Items.Count, verified.Items.Count);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(zip)!, recursive: true);
        }

        var custody = await vault.CheckCustodyAsync();
        Assert.True(custody.IsIntact, string.Join("\n", custody.Breaks));
        var rebuilt = Assert.Single(custody.Events, e => e.Type == CustodyEventTypes.IndexRebuilt);
        Assert.Equal(("true", "4", "7"), (rebuilt.Details!["caseRestored"], rebuilt.Details["grantsRestored"], rebuilt.Details["itemsRestored"]));
    }

    [Fact]
    public async Task What_a_file_said_comes_back_as_its_custody_line_chained_it_not_as_it_is_read_today()
    {
        using var vault = await app.CreateCaseAsync();
        var item = await UploadDocumentAsync(vault, ".pdf");
        Assert.Equal(SampleDocuments.ContractAuthor, item.Document?.Author);

        // Storage now answers with bytes that say something else under the same name and metadata: what a reader that
        // has learned to read more since (a kind of statement added later) would find in the same bytes.
        var restored = await RestoreOverAsync(vault, item, SampleEvidence.PathOf("page-snapshot-refund.pdf"));

        Assert.Equal(item.Document, restored.Document);
        var received = Assert.Single((await vault.CheckCustodyAsync()).Events, e => e.Type == CustodyEventTypes.ItemReceived); // not chained again
        Assert.Equal(item.Document, DocumentDetails.From(received.Details));
    }

    [Fact]
    public async Task An_item_keeps_the_format_it_was_filed_as_though_its_bytes_would_be_recognised_otherwise_today()
    {
        using var vault = await app.CreateCaseAsync();
        var item = await UploadDocumentAsync(vault, ".docx");
        Assert.Equal("application/vnd.openxmlformats-officedocument.wordprocessingml.document", item.ContentType);

        // Storage answers with a plain ZIP under the same name and metadata: what a document filed as a ZIP before the
        // vault knew office documents looks like to the detector of today, the other way round.
        var folder = Directory.CreateTempSubdirectory("ev-reindex-plain-");
        try
        {
            var plain = Path.Combine(folder.FullName, "plain.zip");
            using (var archive = new System.IO.Compression.ZipArchive(File.Create(plain), System.IO.Compression.ZipArchiveMode.Create))
            {
                archive.CreateEntry("notes.txt");
            }

            var restored = await RestoreOverAsync(vault, item, plain);

            Assert.Equal(item.ContentType, restored.ContentType); // as its receipt and custody line name it
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_word_97_document_without_a_recorded_format_is_recognised_again_by_its_directory()
    {
        using var vault = await app.CreateCaseAsync();
        var item = await UploadDocumentAsync(vault, ".doc");
        Assert.Equal("application/msword", item.ContentType);

        // A blob committed without the content type in its metadata (as blobs from before that record were): the
        // format is recognised from the bytes again, the directory read by range from past the head.
        var restored = await RestoreOverAsync(vault, item, path: null, metadata => metadata.Remove("contenttype"));

        Assert.Equal(("application/msword", item.Sha256), (restored.ContentType, restored.Sha256));
    }

    [Fact]
    public async Task An_item_whose_timestamp_was_never_stored_is_restored_pending_and_the_retry_worker_stamps_it()
    {
        using var vault = await app.CreateCaseAsync();
        var item = await vault.UploadItemAsync("screenshot-refund-page.jpg");

        // The state of an upload whose authority was down: a first receipt, no timestamp token.
        await app.Container.GetBlobClient(EvidencePaths.Timestamp(vault.CaseId, item.ItemId)).DeleteAsync();
        await WipeIndexAsync(vault.CaseId);

        var report = await Repair.RepairAsync(vault.CaseId, TimeSpan.FromMinutes(10), CancellationToken.None);

        Assert.Equal([item.ItemId], report.Restored);
        var pending = Assert.Single(await vault.ListItemsAsync());
        Assert.Equal((TimestampStatuses.Pending, 1), (pending.Timestamp?.Status, pending.Receipt?.Version));

        await app.Services.GetRequiredService<TimestampRetryWorker>().RetryDueAsync(CancellationToken.None);

        var stamped = Assert.Single(await vault.ListItemsAsync());
        Assert.Equal(TimestampStatuses.Granted, stamped.Timestamp?.Status);
        Assert.Equal(2, stamped.Receipt?.Version);
        Assert.True(await app.Container.GetBlobClient(EvidencePaths.Timestamp(vault.CaseId, item.ItemId)).ExistsAsync());

        // Lost again: restored with the new timestamp and the latest of its two receipts.
        await WipeIndexAsync(vault.CaseId);
        await Repair.RepairAsync(vault.CaseId, TimeSpan.FromMinutes(10), CancellationToken.None);
        var json = (EvidenceItemRecord record) => JsonSerializer.Serialize(record, VaultJson.Compact);
        Assert.Equal(json(stamped), json(Assert.Single(await vault.ListItemsAsync())));
    }

    [Fact]
    public async Task A_revocation_cut_short_takes_effect_and_grants_nothing_records_are_reported()
    {
        using var vault = await app.CreateCaseAsync();
        var victim = await vault.GrantAsync(CaseRoles.Contributor, "Victim C");
        var unrecorded = await vault.GrantAsync(CaseRoles.Lawyer, "Counsel");

        // The owner revokes the victim's link and the vault stops after recording it, before the table changes.
        await app.Services.GetRequiredService<GrantRecords>().RevokeAsync(vault.CaseId, victim.GrantId, DateTimeOffset.UtcNow, CancellationToken.None);
        using var victimCase = vault.As(victim.Token);
        using (var stillWorks = await victimCase.Client.GetAsync($"/api/cases/{vault.CaseId}/items"))
        {
            Assert.Equal(HttpStatusCode.OK, stillWorks.StatusCode);
        }

        // A grant whose record is gone (as one issued before grants were recorded) and whose row is lost.
        await app.Container.GetBlobClient(EvidencePaths.GrantRecord(vault.CaseId, unrecorded.GrantId)).DeleteAsync();
        await app.Table("grants").DeleteEntityAsync(vault.CaseId, (await RowKeyOfAsync(vault.CaseId, unrecorded.GrantId))!);

        var report = await Repair.RepairAsync(vault.CaseId, TimeSpan.FromMinutes(10), CancellationToken.None);

        Assert.Equal([victim.GrantId], report.Grants.RevocationsApplied);
        Assert.Empty(report.Grants.Restored);
        var warning = Assert.Single(report.Warnings);
        Assert.Contains(unrecorded.GrantId, warning, StringComparison.Ordinal);
        using (var refused = await victimCase.Client.GetAsync($"/api/cases/{vault.CaseId}/items"))
        {
            await ProblemAssert.IsAsync(refused, 401, "token-revoked");
        }

        var grants = await vault.Client.GetFromJsonAsync<List<GrantView>>($"/api/cases/{vault.CaseId}/grants", VaultJson.Compact);
        Assert.DoesNotContain(grants!, g => g.GrantId == unrecorded.GrantId);
        Assert.NotNull(Assert.Single(grants!, g => g.GrantId == victim.GrantId).RevokedAt);
    }

    [Fact]
    public async Task A_reindex_while_victims_upload_restores_and_adopts_nothing_and_every_upload_is_indexed_once()
    {
        using var vault = await app.CreateCaseAsync();
        string[] fixtures =
        [
            "screenshot-refund-page.png", "screenshot-refund-page.jpg", "screenshot-refund-page.webp", "call-recording.m4a",
            "call-recording.mp3", "page-snapshot-refund.mhtml", "page-snapshot-refund.pdf", "screen-recording.mp4",
        ];
        var uploads = Task.WhenAll(fixtures.Select(async fixture =>
        {
            using var response = await vault.UploadAsync(fixture);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }));

        // Reindex runs over and over while the uploads complete, the first one as they start.
        var reports = new List<IndexRepairReport>();
        do
        {
            reports.Add(await Repair.RepairAsync(vault.CaseId, IndexRepairCommand.DefaultMinimumAge, CancellationToken.None));
        }
        while (!uploads.IsCompleted);
        await uploads;
        reports.Add(await Repair.RepairAsync(vault.CaseId, IndexRepairCommand.DefaultMinimumAge, CancellationToken.None));

        Assert.All(reports, r => Assert.Equal((false, 0, 0, 0, 0), (r.CaseRestored, r.Grants.Restored.Count, r.Restored.Count, r.Adopted.Count, r.Duplicates.Count)));
        Assert.All(reports.SelectMany(r => r.Left), left => Assert.StartsWith("committed too recently", left.Reason, StringComparison.Ordinal));
        Assert.Equal(fixtures.Length, (await vault.ListItemsAsync()).Select(i => i.ItemId).Distinct().Count());
        var custody = await vault.CheckCustodyAsync();
        Assert.True(custody.IsIntact, string.Join("\n", custody.Breaks));
        Assert.DoesNotContain(custody.Events, e => e.Type is CustodyEventTypes.IndexRebuilt or CustodyEventTypes.ItemDuplicate);
        Assert.Equal(fixtures.Length, custody.Events.Count(e => e.Type == CustodyEventTypes.ItemReceived));
    }

    /// <summary>What the API shows of a case: its items (to the owner and to one victim), its grants and the case itself.</summary>
    private static async Task<CaseSnapshot> SnapshotAsync(TestCase vault, TestCase victim)
    {
        static string Json<T>(T value) => JsonSerializer.Serialize(value, VaultJson.Compact);
        var grants = await vault.Client.GetFromJsonAsync<List<GrantView>>($"/api/cases/{vault.CaseId}/grants", VaultJson.Compact);
        var caseView = await vault.Client.GetFromJsonAsync<CaseView>($"/api/cases/{vault.CaseId}", VaultJson.Compact);
        return new CaseSnapshot(
            [.. (await vault.ListItemsAsync()).Select(Json)],
            [.. (await victim.ListItemsAsync()).Select(Json)],
            [.. grants!.Select(g => Json(g with { LastUsedAt = null }))],
            Json(caseView! with { Custody = new ItemCustody(0, string.Empty) }));
    }

    /// <summary>The contract, as LibreOffice writes it in <paramref name="extension"/>'s format, uploaded to <paramref name="vault"/>.</summary>
    private static async Task<EvidenceItemRecord> UploadDocumentAsync(TestCase vault, string extension)
    {
        var folder = Directory.CreateTempSubdirectory("ev-reindex-document-");
        try
        {
            return await vault.UploadNewItemAsync(await SampleDocuments.WriteAsync(folder.FullName, extension));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Has storage answer for <paramref name="item"/>'s original with the bytes of <paramref name="path"/> (or its own),
    /// under the same metadata (or as <paramref name="changeMetadata"/> changes it), then wipes the index and rebuilds
    /// it: the item as it is restored.
    /// </summary>
    private async Task<EvidenceItemRecord> RestoreOverAsync(TestCase vault, EvidenceItemRecord item, string? path, Action<IDictionary<string, string>>? changeMetadata = null)
    {
        var original = app.Container.GetBlobClient(EvidencePaths.Original(vault.CaseId, item.ItemId));
        var properties = (await original.GetPropertiesAsync()).Value;
        changeMetadata?.Invoke(properties.Metadata);
        if (path is null)
        {
            await original.SetMetadataAsync(properties.Metadata);
        }
        else
        {
            await original.UploadAsync(path, new Azure.Storage.Blobs.Models.BlobUploadOptions { Metadata = properties.Metadata, HttpHeaders = new() { ContentType = properties.ContentType } });
        }

        await WipeIndexAsync(vault.CaseId);

        var report = await Repair.RepairAsync(vault.CaseId, TimeSpan.FromMinutes(10), CancellationToken.None);

        Assert.Equal([item.ItemId], report.Restored);
        return Assert.Single(await vault.ListItemsAsync());
    }

    /// <summary>Deletes every row of the case from every table, as a lost or wiped index would.</summary>
    private async Task WipeIndexAsync(string caseId)
    {
        foreach (var name in new[] { "cases", "items", "grants", "uploads" })
        {
            var table = app.Table(name);
            await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == caseId, select: ["PartitionKey", "RowKey"]))
            {
                await table.DeleteEntityAsync(row.PartitionKey, row.RowKey);
            }
        }

        Assert.Empty(await app.IndexRowsAsync(caseId));
    }

    private async Task<string?> RowKeyOfAsync(string caseId, string grantId)
    {
        await foreach (var row in app.Table("grants").QueryAsync<TableEntity>(e => e.PartitionKey == caseId))
        {
            if (row.GetString(nameof(GrantEntity.GrantId)) == grantId)
            {
                return row.RowKey;
            }
        }

        return null;
    }

    private sealed record CaseSnapshot(List<string> Items, List<string> VictimItems, List<string> Grants, string Case);
}
