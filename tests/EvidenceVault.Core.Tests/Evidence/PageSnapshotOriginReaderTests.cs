using System.Text;
using EvidenceVault.Evidence;
using EvidenceVault.Testing;

namespace EvidenceVault.Core.Tests.Evidence;

/// <summary>What real saved pages say about where and when they were captured, and what a malformed one gives.</summary>
public sealed class PageSnapshotOriginReaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ev-origin-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task ReadAsync_ChromiumMhtml_GivesSnapshotContentLocationAndDate()
    {
        var origin = await ReadFileAsync(SampleEvidence.PathOf("page-snapshot-refund.mhtml"));

        Assert.NotNull(origin);
        Assert.Equal(PageSnapshotSources.Mhtml, origin.Source);
        Assert.Equal("https://refund-center.example/order/114-3941689-8772232/refund", origin.Url);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 22, 39, 31, TimeSpan.Zero), origin.CapturedAt);
    }

    [Fact]
    public async Task ReadAsync_Warc_GivesTheFirstResponseRecordNotTheWarcinfo()
    {
        var origin = await ReadFileAsync(SampleEvidence.PathOf("page-snapshot-refund.warc"));

        Assert.Equal(new PageSnapshotOrigin { Source = PageSnapshotSources.Warc, Url = SamplePackages.WarcTargetUri, CapturedAt = SamplePackages.WarcDate }, origin);
    }

    [Theory]
    [InlineData(SamplePackages.WarcTargetUri)] // an ASCII string in the property list
    [InlineData("https://退款中心.example/订单/114-3941689-8772232")] // a UTF-16 one
    public async Task ReadAsync_ASafariWebArchive_GivesItsMainResourcesAddressAndNoTime(string url)
    {
        var path = await SamplePackages.WebArchiveAsync(Path.Combine(_folder, "page.webarchive"), url);

        var origin = await ReadFileAsync(path);

        Assert.Equal(new PageSnapshotOrigin { Source = PageSnapshotSources.WebArchive, Url = url }, origin);
    }

    [Fact]
    public async Task ReadAsync_AWebArchiveCutOffOrWithATrailerOutOfBounds_GivesNothing()
    {
        var bytes = await File.ReadAllBytesAsync(await SamplePackages.WebArchiveAsync(Path.Combine(_folder, "page.webarchive")));
        var cut = Path.Combine(_folder, "cut.webarchive");
        await File.WriteAllBytesAsync(cut, bytes[..(bytes.Length / 2)]); // the trailer gone with the second half
        var crafted = Path.Combine(_folder, "crafted.webarchive");
        bytes[^8] = 0x7F; // the trailer's last field: the offset table said to start far past the file's end
        await File.WriteAllBytesAsync(crafted, bytes);

        Assert.Null(await ReadFileAsync(cut));
        Assert.Null(await ReadFileAsync(crafted));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ReadAsync_GzippedWarc_WholeOrPerRecord_GivesTheSameOrigin(bool memberPerRecord)
    {
        var origin = await ReadFileAsync(SamplePackages.GzippedWarc(Path.Combine(_folder, "page.warc.gz"), memberPerRecord));

        Assert.Equal(new PageSnapshotOrigin { Source = PageSnapshotSources.Warc, Url = SamplePackages.WarcTargetUri, CapturedAt = SamplePackages.WarcDate }, origin);
    }

    [Fact]
    public async Task ReadAsync_WaczWithMainPage_GivesDatapackageMainPage()
    {
        var wacz = SamplePackages.Wacz(
            Path.Combine(_folder, "page.wacz"),
            """{"profile":"data-package","wacz_version":"1.1.1","mainPageUrl":"https://refund-center.example/order/114","mainPageDate":"2026-11-23T22:40:00Z","resources":[]}""");

        var origin = await ReadFileAsync(wacz);

        Assert.Equal(new PageSnapshotOrigin { Source = PageSnapshotSources.Wacz, Url = "https://refund-center.example/order/114", CapturedAt = SamplePackages.WarcDate }, origin);
    }

    [Fact]
    public async Task ReadAsync_WaczWithoutMainPage_GivesTheFirstPageOfPagesJsonl()
    {
        var wacz = SamplePackages.Wacz(
            Path.Combine(_folder, "page.wacz"),
            """{"profile":"data-package","wacz_version":"1.1.1","resources":[]}""",
            """
            {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}
            {"id": "1db0ef709a", "url": "https://refund-center.example/pay", "ts": "2026-11-23T22:41:07Z", "title": "Pay"}
            {"id": "12304e6ba9", "url": "https://refund-center.example/done", "ts": "2026-11-23T22:42:00Z"}
            """);

        var origin = await ReadFileAsync(wacz);

        Assert.Equal(new PageSnapshotOrigin { Source = PageSnapshotSources.Wacz, Url = "https://refund-center.example/pay", CapturedAt = new DateTimeOffset(2026, 11, 23, 22, 41, 7, TimeSpan.Zero) }, origin);
    }

    [Fact]
    public async Task ReadAsync_WaczWithNeitherMainPageNorPages_IsNull() =>
        Assert.Null(await ReadFileAsync(SamplePackages.Wacz(Path.Combine(_folder, "page.wacz"), """{"profile":"data-package","resources":[]}""")));

    [Theory]
    [InlineData("From: <Saved by Blink>\r\nSnapshot-Content-Location: https://a.example/x\r\nDate: Tue, 01 Dec 2026 10:00:00 +0800\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=b\r\n\r\n--b--", "https://a.example/x", "2026-12-01T02:00:00Z")]
    [InlineData("Snapshot-Content-Location:\r\n https://folded.example/long\r\nDate: Tue, 1 Dec 2026 02:00:00 GMT (UTC)\r\nContent-Type: multipart/related; boundary=b\r\n\r\n", "https://folded.example/long", "2026-12-01T02:00:00Z")]
    [InlineData("Snapshot-Content-Location: not a url\r\nDate: yesterday\r\nContent-Type: multipart/related; boundary=b\r\n\r\n", null, null)]
    [InlineData("Snapshot-Content-Location: https://a.example/\u0007bell\r\nDate: Tue, 01 Dec 2999 10:00:00 GMT\r\nContent-Type: multipart/related; boundary=b\r\n\r\n", "https://a.example/bell", null)]
    public async Task ReadAsync_MhtmlHeaders_FoldedZonedOrMalformed(string mhtml, string? url, string? capturedAt)
    {
        var origin = await ReadTextAsync(mhtml, "page.mhtml");

        Assert.Equal(url, origin?.Url);
        Assert.Equal(capturedAt is null ? null : DateTimeOffset.Parse(capturedAt, System.Globalization.CultureInfo.InvariantCulture), origin?.CapturedAt);
    }

    [Fact]
    public async Task ReadAsync_MhtmlWithoutEitherHeader_IsNull() =>
        Assert.Null(await ReadTextAsync("From: <Saved by Blink>\r\nContent-Type: multipart/related; boundary=b\r\n\r\n--b--", "page.mhtml"));

    [Fact]
    public async Task ReadAsync_AddressLongerThanTheLimit_IsLeftOutNotCut()
    {
        var url = "https://a.example/" + new string('x', PageSnapshotOriginReader.MaxUrlLength);

        var origin = await ReadTextAsync($"Snapshot-Content-Location: {url}\r\nDate: Tue, 01 Dec 2026 10:00:00 GMT\r\nContent-Type: multipart/related; boundary=b\r\n\r\n", "page.mhtml");

        Assert.NotNull(origin);
        Assert.Null(origin.Url);
        Assert.NotNull(origin.CapturedAt);
    }

    [Fact]
    public async Task ReadAsync_WarcWithOnlyAWarcinfoRecord_IsNull() =>
        Assert.Null(await ReadTextAsync("WARC/1.1\r\nWARC-Type: warcinfo\r\nWARC-Date: 2026-11-23T22:39:36Z\r\nContent-Length: 4\r\n\r\nabcd\r\n\r\n", "page.warc"));

    [Fact]
    public async Task ReadAsync_WarcWithABadContentLength_IsNull() =>
        Assert.Null(await ReadTextAsync("WARC/1.1\r\nWARC-Type: warcinfo\r\nContent-Length: lots\r\n\r\nabcd\r\n\r\nWARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: https://a.example/\r\n\r\n", "page.warc"));

    [Fact]
    public async Task ReadAsync_WarcResponseBehindALargeRecord_IsFoundBySkippingItsBody()
    {
        var body = new string('z', 300_000);
        var warc = $"WARC/1.0\r\nWARC-Type: resource\r\nWARC-Date: 2026-11-23T22:39:00Z\r\nContent-Length: {body.Length}\r\n\r\n{body}\r\n\r\n" +
            "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://late.example/\r\nWARC-Date: 2026-11-23T22:40:00Z\r\nContent-Length: 0\r\n\r\n\r\n\r\n";

        // The first captured record wins, even one without a target: here that is the resource record (no URI), so
        // the response behind it is the first one with an address.
        var origin = await ReadTextAsync(warc, "page.warc");

        Assert.Equal("https://late.example/", origin?.Url);
    }

    [Theory]
    [InlineData("screenshot-refund-page.png")]
    [InlineData("page-snapshot-refund.pdf")]
    [InlineData("page-snapshot-refund.html")]
    public async Task ReadAsync_OtherFormats_IsNull(string file) => Assert.Null(await ReadFileAsync(SampleEvidence.PathOf(file)));

    [Fact]
    public async Task ReadAsync_ZipThatIsNotAPackage_IsNullNotAnError()
    {
        var path = Path.Combine(_folder, "broken.wacz");
        await File.WriteAllBytesAsync(path, [0x50, 0x4B, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0, 1, 2, 3, 4]);

        Assert.Null(await ReadFileAsync(path));
    }

    private static Task<PageSnapshotOrigin?> ReadFileAsync(string path) => EvidenceFiles.ReadAsync(path, PageSnapshotOriginReader.ReadAsync);

    private async Task<PageSnapshotOrigin?> ReadTextAsync(string text, string fileName)
    {
        var path = Path.Combine(_folder, fileName);
        await File.WriteAllTextAsync(path, text, new UTF8Encoding(false));
        return await ReadFileAsync(path);
    }
}
