using System.Net;
using EvidenceVault.Api.Tests.Infrastructure;
using EvidenceVault.Api.Tests.Uploads;
using EvidenceVault.Custody;
using EvidenceVault.Evidence;
using EvidenceVault.Serialization;
using EvidenceVault.Testing;

namespace EvidenceVault.Api.Tests.Ingest;

/// <summary>
/// A saved page's own statement of where and when it was captured is read from the stored bytes, kept beside the
/// victim's claim and the vault's receipt time, and chained into the custody log with the receipt of the bytes.
/// </summary>
[Collection(VaultOnAzurite.Name)]
public sealed class PageSnapshotTests(VaultApp app) : IClassFixture<VaultApp>, IDisposable
{
    private static readonly PageSnapshotOrigin ChromiumMhtml = new()
    {
        Source = PageSnapshotSources.Mhtml,
        Url = SamplePackages.WarcTargetUri,
        CapturedAt = new DateTimeOffset(2026, 11, 23, 22, 39, 31, TimeSpan.Zero),
    };

    private static readonly PageSnapshotOrigin WarcioWarc = new() { Source = PageSnapshotSources.Warc, Url = SamplePackages.WarcTargetUri, CapturedAt = SamplePackages.WarcDate };

    private readonly string _folder = Directory.CreateTempSubdirectory("ev-pages-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Upload_Mhtml_RecordsWhatTheFileSaysApartFromTheVictimsClaim()
    {
        using var vault = await app.CreateCaseAsync();

        using var response = await vault.UploadAsync("page-snapshot-refund.mhtml", r => r.Headers.Add("X-Source-Url", "https://what-the-victim-remembers.example/"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var item = (await response.Content.ReadFromJsonAsync<EvidenceItemRecord>(VaultJson.Compact))!;
        Assert.Equal(ChromiumMhtml, item.Snapshot);
        Assert.Equal("https://what-the-victim-remembers.example/", item.SourceUrl);
        await AssertIndexedAndChainedAsync(vault, item, ChromiumMhtml);
    }

    [Fact]
    public async Task Upload_Warc_RecordsItsFirstResponseRecord()
    {
        using var vault = await app.CreateCaseAsync();

        var item = await vault.UploadItemAsync("page-snapshot-refund.warc");

        Assert.Equal(WarcioWarc, item.Snapshot);
        await AssertIndexedAndChainedAsync(vault, item, WarcioWarc);
    }

    [Fact]
    public async Task Upload_Wacz_ReadsItsDatapackageFromTheCommittedBlobByRanges()
    {
        using var vault = await app.CreateCaseAsync();
        var wacz = SamplePackages.Wacz(
            Path.Combine(_folder, "capture.wacz"),
            """{"profile":"data-package","wacz_version":"1.1.1","mainPageUrl":"https://refund-center.example/order/114","mainPageDate":"2026-11-23T22:40:00Z","resources":[]}""");
        var expected = new PageSnapshotOrigin { Source = PageSnapshotSources.Wacz, Url = "https://refund-center.example/order/114", CapturedAt = SamplePackages.WarcDate };

        var item = await vault.UploadNewItemAsync(wacz, r => r.Headers.Add("X-File-Name", "capture.wacz"));

        Assert.Equal("application/wacz", item.ContentType);
        Assert.Equal(expected, item.Snapshot);
        Assert.Null(item.CapturedBy); // a member's file, whatever it says of itself: only the vault's own captures are the vault's
        await AssertIndexedAndChainedAsync(vault, item, expected);
    }

    [Fact]
    public async Task Upload_SafariWebArchive_IsFiledAsAPageAndStatesTheAddressPythonReadsFromTheBundlesCopy()
    {
        using var vault = await app.CreateCaseAsync();
        var expected = new PageSnapshotOrigin { Source = PageSnapshotSources.WebArchive, Url = SamplePackages.WarcTargetUri };

        var item = await vault.UploadNewItemAsync(await SamplePackages.WebArchiveAsync(Path.Combine(_folder, "退款页面.webarchive")));

        Assert.Equal(("application/x-webarchive", "page-snapshot"), (item.ContentType, item.Kind));
        Assert.Equal(expected, item.Snapshot);
        await AssertIndexedAndChainedAsync(vault, item, expected);

        var bag = await vault.DownloadBagAsync(_folder);
        var file = EvidenceVault.Bundles.EvidenceBundleWriter.EvidencePath(item);
        Assert.EndsWith(".webarchive", file, StringComparison.Ordinal);
        Assert.Equal(SamplePackages.WarcTargetUri, (await ExpertTools.RunGuideCommandAsync(bag, "python3 -c 'import plistlib,", file)).Trim());
        await BagForgery.AssertRecataloguingCaughtAsync(bag, "\"url\": \"https://refund-center.", "\"url\": \"https://refund-centre.", "what the saved page says");
    }

    [Theory]
    [InlineData("screenshot-refund-page.png")]
    [InlineData("page-snapshot-refund.html")]
    [InlineData("page-snapshot-refund.pdf")]
    public async Task Upload_OtherEvidence_StatesNoOrigin(string fixture)
    {
        using var vault = await app.CreateCaseAsync();

        await FileStatementAssert.NoneAsync(vault, fixture, i => i.Snapshot, SnapshotDetails.From);
    }

    [Fact]
    public async Task ResumableUpload_GzippedWarc_EndsInTheSameCompletionAndRecordsItsOrigin()
    {
        using var vault = await app.CreateCaseAsync();
        var file = await File.ReadAllBytesAsync(SamplePackages.GzippedWarc(Path.Combine(_folder, "page.warc.gz"), memberPerRecord: true));
        var tus = new TusClient(vault.Client, vault.CaseId);
        var upload = await tus.OpenAsync(file.Length, new Dictionary<string, string> { ["filename"] = "page.warc.gz" });

        using var last = await tus.SendRestAsync(upload, file, chunkSize: 700);

        Assert.Equal(HttpStatusCode.NoContent, last.StatusCode);
        var item = Assert.Single(await vault.ListItemsAsync());
        Assert.Equal(".warc.gz", EvidenceFormatDetector.ExtensionFor(item.ContentType));
        Assert.Equal(WarcioWarc, item.Snapshot);
        await AssertIndexedAndChainedAsync(vault, item, WarcioWarc);
    }

    private static Task AssertIndexedAndChainedAsync(TestCase vault, EvidenceItemRecord item, PageSnapshotOrigin expected) =>
        FileStatementAssert.IndexedAndChainedAsync(vault, item, expected, i => i.Snapshot, SnapshotDetails.From);
}
