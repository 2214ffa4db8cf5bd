using System.IO.Compression;
using System.Text;
using System.Text.Json;
using EvidenceVault.Evidence;
using EvidenceVault.Hashing;
using EvidenceVault.WebArchives;

namespace EvidenceVault.Core.Tests.WebArchives;

/// <summary>
/// WARC records as separate gzip members with digests a reader can recompute, packed as a WACZ the vault itself
/// recognises and reads its page from. (warcio reads the vault's real captures in the API tests.)
/// </summary>
public sealed class WaczPackageTests : IDisposable
{
    private static readonly DateTimeOffset CapturedAt = new(2026, 12, 6, 9, 25, 4, 615, TimeSpan.Zero);

    private readonly string _folder = Directory.CreateTempSubdirectory("ev-wacz-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Each_record_is_its_own_gzip_member_with_its_length_and_digests()
    {
        var head = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"u8.ToArray();
        var payload = Encoding.UTF8.GetBytes("<title>退款</title>");
        await using var file = new FileStream(Path.Combine(_folder, "data.warc.gz"), FileMode.CreateNew, FileAccess.ReadWrite);
        var writer = new WarcWriter(file);
        await using var info = WarcBlock.FromBytes("software: test\r\n"u8.ToArray());
        await using var response = await WarcBlock.SpoolAsync(head, new MemoryStream(payload), maxPayloadBytes: payload.Length);

        var first = await writer.WriteAsync([new("WARC-Type", "warcinfo"), new("WARC-Record-ID", WarcWriter.NewRecordId()), new("WARC-Date", WarcWriter.FormatDate(CapturedAt))], "application/warc-fields", info);
        var second = await writer.WriteAsync([new("WARC-Type", "response"), new("WARC-Target-URI", "https://refund-center.example/")], "application/http; msgtype=response", response);

        Assert.Equal((0L, second.Offset), (first.Offset, first.Length));
        var record = Encoding.UTF8.GetString(Inflate(file, second));
        Assert.StartsWith("WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: https://refund-center.example/\r\n", record, StringComparison.Ordinal);
        Assert.Contains($"\r\nContent-Length: {head.Length + payload.Length}\r\n", record, StringComparison.Ordinal);
        Assert.Contains($"\r\nWARC-Block-Digest: sha256:{Sha256Digest.Of([.. head, .. payload]).Hex}\r\n", record, StringComparison.Ordinal);
        Assert.Contains($"\r\nWARC-Payload-Digest: sha256:{Sha256Digest.Of(payload).Hex}\r\n", record, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n<title>退款</title>\r\n\r\n", record, StringComparison.Ordinal);
        Assert.DoesNotContain("WARC-Payload-Digest", Encoding.UTF8.GetString(Inflate(file, first)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_payload_over_its_limit_is_refused_and_a_field_is_one_line()
    {
        var refused = await Assert.ThrowsAsync<WarcBlockTooLargeException>(() => WarcBlock.SpoolAsync(ReadOnlyMemory<byte>.Empty, new MemoryStream(new byte[101]), maxPayloadBytes: 100));
        Assert.Equal(100, refused.Limit);

        await using var file = File.Create(Path.Combine(_folder, "bad.warc.gz"));
        await using var block = WarcBlock.FromBytes(new byte[1]);
        await Assert.ThrowsAsync<ArgumentException>(() => new WarcWriter(file).WriteAsync([new("WARC-Target-URI", "https://a.example/\r\nWARC-Type: forged")], "text/plain", block));
        Assert.Equal(0, file.Length);
    }

    [Fact]
    public async Task The_package_lists_every_file_with_its_hash_and_the_vault_reads_its_page()
    {
        var warc = Encoding.ASCII.GetBytes("stand-in for a .warc.gz");
        var page = new WaczPage(new Uri("https://refund-center.example/order/114"), CapturedAt, "订单异常");
        var index = new WaczIndexEntry(page.Url, CapturedAt, "text/html", 200, Sha256Digest.Of("x"u8), new WarcRecordLocation(594, 1665));
        var path = Path.Combine(_folder, "capture.wacz");
        await using (var output = File.Create(path))
        {
            await WaczPackage.WriteAsync(output, new MemoryStream(warc), [index], [page], new WaczDescription("Capture", "EvidenceVault test", CapturedAt, page));
        }

        await using (var content = File.OpenRead(path))
        {
            var head = new byte[EvidenceFormatDetector.HeadLength];
            var read = await content.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false);
            var format = EvidenceFormatDetector.Detect(head.AsSpan(0, read), fileName: null);
            Assert.Equal("application/wacz", format?.ContentType); // by its first entry, without a file name
            content.Position = 0;
            Assert.Equal(
                new PageSnapshotOrigin { Source = PageSnapshotSources.Wacz, Url = page.Url.AbsoluteUri, CapturedAt = CapturedAt },
                await PageSnapshotOriginReader.ReadAsync(content, format!));
        }

        using var zip = ZipFile.OpenRead(path);
        using var package = JsonDocument.Parse(Entry(zip, "datapackage.json"));
        var resources = package.RootElement.GetProperty("resources").EnumerateArray().ToList();
        Assert.Equal(["archive/data.warc.gz", "indexes/index.cdx", "pages/pages.jsonl"], resources.Select(r => r.GetProperty("path").GetString()));
        Assert.All(resources, r => Assert.Equal("sha256:" + Sha256Digest.Of(Entry(zip, r.GetProperty("path").GetString()!)).Hex, r.GetProperty("hash").GetString()));
        Assert.Equal(warc, Entry(zip, "archive/data.warc.gz"));
        Assert.Equal(
            """example,refund-center)/order/114 20261206092504 {"url":"https://refund-center.example/order/114","mime":"text/html","status":"200","digest":"2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881","length":"1665","offset":"594","filename":"data.warc.gz"}""" + "\n",
            Encoding.UTF8.GetString(Entry(zip, "indexes/index.cdx")));
        Assert.Contains("\"title\":\"订单异常\"", Encoding.UTF8.GetString(Entry(zip, "pages/pages.jsonl")), StringComparison.Ordinal);
        using var digest = JsonDocument.Parse(Entry(zip, "datapackage-digest.json"));
        Assert.Equal("sha256:" + Sha256Digest.Of(Entry(zip, "datapackage.json")).Hex, digest.RootElement.GetProperty("hash").GetString());
    }

    [Theory]
    [InlineData("https://www.Refund-Center.example/Order/114?x=1", "example,refund-center)/order/114?x=1")]
    [InlineData("http://refund-center.example:8080/", "example,refund-center:8080)/")]
    [InlineData("https://www.example/", "example,www)/")]
    [InlineData("http://退款.example/a", "example,xn--0kw179e)/a")]
    public void Surt_reverses_the_host_and_keeps_what_tells_pages_apart(string url, string surt) =>
        Assert.Equal(surt, WaczPackage.SurtOf(new Uri(url)));

    [Theory]
    [InlineData("http://退款.example/路径?q=中#top", "http://xn--0kw179e.example/%E8%B7%AF%E5%BE%84?q=%E4%B8%AD")]
    [InlineData("https://refund-center.example:8443/a b", "https://refund-center.example:8443/a%20b")]
    [InlineData("http://[::1]:8080/", "http://[::1]:8080/")]
    public void Target_uris_are_ascii_and_never_carry_a_fragment(string url, string target) =>
        Assert.Equal(target, WarcWriter.TargetUri(new Uri(url)));

    private static byte[] Inflate(FileStream file, WarcRecordLocation location)
    {
        var member = new byte[location.Length];
        var end = file.Position;
        file.Position = location.Offset;
        file.ReadExactly(member);
        file.Position = end;

        using var gzip = new GZipStream(new MemoryStream(member), CompressionMode.Decompress);
        using var inflated = new MemoryStream();
        gzip.CopyTo(inflated);
        return inflated.ToArray();
    }

    private static byte[] Entry(ZipArchive zip, string path)
    {
        using var stream = zip.GetEntry(path)!.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
