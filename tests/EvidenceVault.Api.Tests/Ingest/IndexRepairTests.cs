using Azure.Storage.Blobs.Models;
using EvidenceVault.Api.Custody;
using EvidenceVault.Api.Hosting;
using EvidenceVault.Api.Ingest;
using EvidenceVault.Api.Storage;
using EvidenceVault.Api.Tests.Infrastructure;
using EvidenceVault.Custody;
using EvidenceVault.Evidence;
using EvidenceVault.Testing;

namespace EvidenceVault.Api.Tests.Ingest;

/// <summary>
/// Uploads the vault stopped in the middle of — its blob committed, its index entry never written — finished by
/// <see cref="IndexRepair"/>, in process and as the operator's <c>reindex</c> command. Each crash is the vault's own
/// completion cut short (<see cref="CrashedUploads"/>): the commit goes to storage, then the process "dies" before the next step.
/// </summary>
[Collection(VaultOnAzurite.Name)]
public sealed class IndexRepairTests(VaultApp app) : IClassFixture<VaultApp>
{
    private IndexRepair Repair => app.Services.GetRequiredService<IndexRepair>();

    [Fact]
    public async Task A_blob_committed_just_before_a_crash_is_adopted_once_with_its_claims_custody_timestamp_and_receipt()
    {
        using var vault = await app.CreateCaseAsync();
        var victim = await vault.GrantAsync(CaseRoles.Contributor, "Victim 2");
        var capturedAt = new DateTimeOffset(2026, 11, 20, 21, 5, 0, TimeSpan.FromHours(8));
        var itemId = await CrashedUploads.CommitThenStopAsync(app, vault, victim, SampleEvidence.PathOf("call-recording.m4a"), new EvidenceClaims(EvidenceKind.Audio, "诈骗电话.m4a", capturedAt, null, null));
        Assert.Empty(await vault.ListItemsAsync());

        var report = await Repair.RepairAsync(vault.CaseId, TimeSpan.Zero, CancellationToken.None);
        var again = await Repair.RepairAsync(vault.CaseId, TimeSpan.Zero, CancellationToken.None);

        Assert.Equal([itemId], report.Adopted);
        Assert.Empty(report.Duplicates);
        Assert.Empty(report.Left);
        Assert.Equal((0, 0, 0), (again.Adopted.Count, again.Duplicates.Count, again.Left.Count));
        var item = Assert.Single(await vault.ListItemsAsync());
        Assert.Equal((itemId, SampleEvidence.KnownSha256["call-recording.m4a"], "audio", "诈骗电话.m4a"), (item.ItemId, item.Sha256, item.Kind, item.FileName));
        Assert.Equal((victim.GrantId, "Victim 2", capturedAt), (item.Contributor, item.ContributorLabel, item.CapturedAt));
        Assert.Equal(TimestampStatuses.Granted, item.Timestamp?.Status);
        Assert.NotNull(item.Receipt);

        var custody = await vault.CheckCustodyAsync();
        Assert.True(custody.IsIntact, string.Join("\n", custody.Breaks));
        var received = Assert.Single(custody.Events, e => e.Type == CustodyEventTypes.ItemReceived && e.ItemId == itemId);
        Assert.Equal(received.Seq, item.Custody.Seq);

        // The victim, never answered, sends the same recording again: it is that item.
        using var asVictim = vault.As(victim.Token);
        using var resent = await asVictim.UploadAsync("call-recording.m4a");
        Assert.Equal(System.Net.HttpStatusCode.OK, resent.StatusCode);
        Assert.Single(await vault.ListItemsAsync());
    }

    [Fact]
    public async Task A_crash_after_the_custody_event_keeps_that_event_and_the_note_it_holds()
    {
        using var vault = await app.CreateCaseAsync();
        var victim = await vault.GrantAsync(CaseRoles.Contributor, "Victim 3");
        var itemId = await CrashedUploads.CommitThenStopAsync(app, vault, victim, SampleEvidence.PathOf("screenshot-refund-page.png"), new EvidenceClaims(null, "refund.png", null, null, null));
        var (logged, _) = await app.Services.GetRequiredService<CustodyLog>().AppendAsync(
            vault.CaseId,
            new CustodyEntry(CustodyEventTypes.ItemReceived, victim.GrantId, itemId, SampleEvidence.KnownSha256["screenshot-refund-page.png"], new FileInfo(SampleEvidence.PathOf("screenshot-refund-page.png")).Length,
                new Dictionary<string, string> { ["contentType"] = "image/png", ["kind"] = "screenshot", ["fileName"] = "refund.png", ["note"] = "第二次付款页面" }),
            CancellationToken.None);

        var report = await Repair.RepairAsync(vault.CaseId, TimeSpan.Zero, CancellationToken.None);

        Assert.Equal([itemId], report.Adopted);
        var item = Assert.Single(await vault.ListItemsAsync());
        Assert.Equal((logged.Seq, "第二次付款页面"), (item.Custody.Seq, item.Note));
        var custody = await vault.CheckCustodyAsync();
        Assert.True(custody.IsIntact, string.Join("\n", custody.Breaks));
        Assert.Single(custody.Events, e => e.Type == CustodyEventTypes.ItemReceived && e.ItemId == itemId);
    }

    [Fact]
    public async Task Bytes_sent_again_since_make_a_copy_and_recent_or_altered_blobs_are_left_unindexed()
    {
        using var vault = await app.CreateCaseAsync();
        var victim = await vault.GrantAsync(CaseRoles.Contributor, "Victim 4");
        var fellow = await vault.GrantAsync(CaseRoles.Contributor, "Victim 5");
        var copy = await CrashedUploads.CommitThenStopAsync(app, vault, victim, SampleEvidence.PathOf("screenshot-refund-page.jpg"), new EvidenceClaims(null, null, null, null, null));
        using var asVictim = vault.As(victim.Token);
        var resent = await asVictim.UploadItemAsync("screenshot-refund-page.jpg");
        var fellowsOwn = await CrashedUploads.CommitThenStopAsync(app, vault, fellow, SampleEvidence.PathOf("screenshot-refund-page.jpg"), new EvidenceClaims(null, null, null, null, null));
        var altered = await CrashedUploads.CommitThenStopAsync(app, vault, victim, SampleEvidence.PathOf("screenshot-refund-page.webp"), new EvidenceClaims(null, null, null, null, null));
        var original = app.Container.GetBlobClient(EvidencePaths.Original(vault.CaseId, altered));
        var metadata = (await original.GetPropertiesAsync()).Value.Metadata;
        await original.UploadAsync(BinaryData.FromBytes(IngestTests.GeneratedPng(5)), new BlobUploadOptions { Metadata = metadata });

        var recent = await Repair.RepairAsync(vault.CaseId, TimeSpan.FromHours(1), CancellationToken.None);
        var report = await Repair.RepairAsync(vault.CaseId, TimeSpan.Zero, CancellationToken.None);

        Assert.Equal(new[] { altered, copy, fellowsOwn }.Order(StringComparer.Ordinal), recent.Left.Select(l => l.ItemId).Order(StringComparer.Ordinal));
        Assert.All(recent.Left, l => Assert.StartsWith("committed too recently", l.Reason, StringComparison.Ordinal));
        Assert.Equal([fellowsOwn], report.Adopted); // the same bytes from a fellow victim are that victim's own item
        Assert.Equal([copy], report.Duplicates);
        var left = Assert.Single(report.Left);
        Assert.Equal(altered, left.ItemId);
        Assert.Contains("no longer match", left.Reason, StringComparison.Ordinal);
        Assert.Equal([(resent.ItemId, victim.GrantId), (fellowsOwn, fellow.GrantId)], (await vault.ListItemsAsync()).Select(i => (i.ItemId, i.Contributor!)));
        var events = (await vault.CheckCustodyAsync()).Events;
        var duplicate = Assert.Single(events, e => e.Type == CustodyEventTypes.ItemDuplicate && e.ItemId == copy);
        Assert.Equal(resent.ItemId, duplicate.Details!["sameAs"]);
        Assert.DoesNotContain(events, e => e.Type == CustodyEventTypes.ItemReceived && e.ItemId is { } id && (id == copy || id == altered));
    }

    [Fact]
    public async Task The_operators_reindex_command_restores_the_case_row_adopts_the_blob_and_says_so()
    {
        using var vault = await app.CreateCaseAsync();
        var victim = await vault.GrantAsync(CaseRoles.Contributor, "Victim 5");
        var itemId = await CrashedUploads.CommitThenStopAsync(app, vault, victim, SampleEvidence.PathOf("page-snapshot-refund.mhtml"), new EvidenceClaims(EvidenceKind.PageSnapshot, null, null, "https://refund-center.example/", null));
        await app.Table("cases").DeleteEntityAsync(vault.CaseId, "case"); // and the case's own row is lost
        var data = Directory.CreateTempSubdirectory("ev-repair-").FullName;
        try
        {
            var run = await RunReindexAsync(data, "--case", vault.CaseId, "--min-age-minutes", "0");

            Assert.True(run.ExitCode == 0, run.Output);
            Assert.Contains($"{vault.CaseId} case row restored", run.Output, StringComparison.Ordinal);
            Assert.Contains($"{vault.CaseId} {itemId} adopted", run.Output, StringComparison.Ordinal);
            Assert.Contains("1 case row(s) and 0 grant(s) restored, 0 revocation(s) applied, 0 item(s) restored, 1 adopted, 0 recorded as copies, 0 left unindexed.", run.Output, StringComparison.Ordinal);
            var item = Assert.Single(await vault.ListItemsAsync());
            Assert.Equal(("https://refund-center.example/", "page-snapshot"), (item.SourceUrl, item.Kind));
            Assert.NotNull(item.Snapshot);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task The_operators_reindex_command_refuses_an_argument_it_does_not_know_and_names_a_case_storage_lacks()
    {
        var data = Directory.CreateTempSubdirectory("ev-repair-").FullName;
        try
        {
            var misspelt = await RunReindexAsync(data, "--cases", "01M94JN72HHA5JJ00TKCJQFYWM");
            var negative = await RunReindexAsync(data, "--min-age-minutes", "-5");
            var unknown = await RunReindexAsync(data, "--case", "01M94JN72HHA5JJ00TKCJQFYWM");

            Assert.True(misspelt.ExitCode == 2, misspelt.Output);
            Assert.Contains(IndexRepairCommand.Usage.Split('\n')[0], misspelt.Output, StringComparison.Ordinal);
            Assert.True(negative.ExitCode == 2, negative.Output);
            Assert.True(unknown.ExitCode == 1, unknown.Output);
            Assert.Contains("01M94JN72HHA5JJ00TKCJQFYWM failed: storage holds no custody log for this case", unknown.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary><c>dotnet EvidenceVault.Api.dll reindex …</c> on this test class's storage, as an operator runs it.</summary>
    private async Task<ExternalTool.Result> RunReindexAsync(string data, params string[] arguments) =>
        await ExternalTool.RunAsync("dotnet", data, new Dictionary<string, string>
        {
            ["EvidenceVault__StartAzurite"] = "false",
            ["EvidenceVault__DataDirectory"] = data,
            ["EvidenceVault__Storage__ConnectionString"] = (await TestAzurite.InstanceAsync()).ConnectionString,
            ["EvidenceVault__Storage__EvidenceContainer"] = app.ContainerName,
            ["EvidenceVault__Storage__TablePrefix"] = app.TablePrefix,
        }, [ApiProcess.ApiDll, IndexRepairCommand.Verb, .. arguments]);
}
