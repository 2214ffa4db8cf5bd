using System.Net;
using System.Net.Http.Headers;
using EvidenceVault.Api.Tests.Infrastructure;
using EvidenceVault.Custody;
using EvidenceVault.Evidence;
using EvidenceVault.Hashing;
using EvidenceVault.Serialization;
using EvidenceVault.Testing;

namespace EvidenceVault.Api.Tests.Ingest;

[Collection(VaultOnAzurite.Name)]
public sealed class IngestTests(VaultApp app) : IClassFixture<VaultApp>
{
    public static TheoryData<string, string, string> AcceptedSamples() => SampleEvidence.AcceptedTheoryData();

    [Theory]
    [MemberData(nameof(AcceptedSamples))]
    public async Task Upload_EverySampleKind_StoresExactBytesOnceWithMetadataIndexAndCustody(string file, string contentType, string kind)
    {
        using var vault = await app.CreateCaseAsync();

        using var response = await vault.UploadAsync(file, r => r.Headers.Add("X-File-Name", Uri.EscapeDataString(file)));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var item = (await response.Content.ReadFromJsonAsync<EvidenceItemRecord>(VaultJson.Compact))!;
        Assert.Equal(SampleEvidence.KnownSha256[file], item.Sha256);
        Assert.Equal(new FileInfo(SampleEvidence.PathOf(file)).Length, item.Size);
        Assert.Equal(contentType, item.ContentType);
        Assert.Equal(kind, item.Kind);
        Assert.Equal(file, item.FileName);
        Assert.Equal($"/api/cases/{vault.CaseId}/items/{item.ItemId}", response.Headers.Location?.OriginalString);

        // The blob is the exact bytes, with metadata enough to rebuild the index.
        var blob = app.Container.GetBlobClient($"cases/{vault.CaseId}/items/{item.ItemId}/original");
        var properties = (await blob.GetPropertiesAsync()).Value;
        Assert.Equal(item.Sha256, properties.Metadata["sha256"]);
        Assert.Equal(item.Size.ToString(System.Globalization.CultureInfo.InvariantCulture), properties.Metadata["size"]);
        Assert.Equal(kind, properties.Metadata["kind"]);
        Assert.Equal(VaultJson.FormatUtc(item.ReceivedAt), properties.Metadata["receivedat"]);
        Assert.Equal(contentType, properties.ContentType);
        await using (var stored = await blob.OpenReadAsync())
        {
            Assert.Equal(item.Sha256, (await EvidenceHasher.HashAsync(stored)).Digest.Hex);
        }

        // The index and the custody log agree with the response.
        Assert.Equal(item with { Receipt = item.Receipt! with { Document = null, Signature = null } }, await vault.Client.GetFromJsonAsync<EvidenceItemRecord>($"/api/cases/{vault.CaseId}/items/{item.ItemId}", VaultJson.Compact));
        Assert.Equal(TimestampStatuses.Granted, item.Timestamp?.Status);
        Assert.Equal(1, item.Receipt?.Version);
        var custody = await vault.CheckCustodyAsync();
        Assert.True(custody.IsIntact);
        var received = custody.Events.Single(e => e.Seq == item.Custody.Seq);
        Assert.Equal((CustodyEventTypes.ItemReceived, item.ItemId, item.Sha256, item.Size), (received.Type, received.ItemId, received.Sha256, received.Size));
    }

    [Fact]
    public async Task Content_ReturnsExactBytesWithDigestEtagAndAttachment()
    {
        using var vault = await app.CreateCaseAsync();
        var item = await vault.UploadItemAsync("page-snapshot-refund.html");

        using var response = await vault.Client.GetAsync($"/api/cases/{vault.CaseId}/items/{item.ItemId}/content");

        response.EnsureSuccessStatusCode();
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(item.Sha256, Sha256Digest.Of(bytes).Hex);
        Assert.Equal($"sha-256=:{Sha256Digest.ParseHex(item.Sha256).Base64}:", response.Headers.GetValues("Repr-Digest").Single());
        Assert.Equal($"\"{item.Sha256}\"", response.Headers.ETag?.Tag);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("bytes", response.Headers.AcceptRanges.Single());
    }

    [Fact]
    public async Task Content_Range_ReturnsThatSliceOnly()
    {
        using var vault = await app.CreateCaseAsync();
        var item = await vault.UploadItemAsync("call-recording.wav");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/cases/{vault.CaseId}/items/{item.ItemId}/content");
        request.Headers.Range = new RangeHeaderValue(100, 199);

        using var response = await vault.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        var expected = new byte[100];
        await using (var file = File.OpenRead(SampleEvidence.PathOf("call-recording.wav")))
        {
            file.Position = 100;
            await file.ReadExactlyAsync(expected);
        }

        Assert.Equal(expected, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Upload_SameBytesAgain_Returns200WithTheSameItemAndStoresNoSecondCopy()
    {
        using var vault = await app.CreateCaseAsync();
        var first = await vault.UploadItemAsync("screenshot-refund-page.jpg");

        using var again = await vault.UploadAsync("screenshot-refund-page.jpg");

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(first with { Receipt = first.Receipt! with { Document = null, Signature = null } }, await again.Content.ReadFromJsonAsync<EvidenceItemRecord>(VaultJson.Compact));
        Assert.Single(await vault.ListItemsAsync());
        Assert.Single(await app.CommittedBlobsAsync(vault.CaseId), name => name.EndsWith("/original", StringComparison.Ordinal));
        Assert.Single((await vault.CheckCustodyAsync()).Events, e => e.Type == CustodyEventTypes.ItemReceived);
    }

    [Fact]
    public async Task Upload_SameBytesToAnotherCase_IsANewItemThere()
    {
        using var first = await app.CreateCaseAsync();
        using var second = await app.CreateCaseAsync();

        var a = await first.UploadItemAsync("call-recording.mp3");
        var b = await second.UploadItemAsync("call-recording.mp3");

        Assert.NotEqual(a.ItemId, b.ItemId);
        Assert.Equal(a.Sha256, b.Sha256);
    }

    [Fact]
    public async Task Upload_SameBytesConcurrently_ExactlyOneItemIsIndexed()
    {
        using var vault = await app.CreateCaseAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => vault.UploadAsync("screenshot-refund-page.webp")));

        var items = await Task.WhenAll(responses.Select(r => r.Content.ReadFromJsonAsync<EvidenceItemRecord>(VaultJson.Compact)));
        Assert.All(responses, r => Assert.True(r.IsSuccessStatusCode));
        Assert.Single(items.Select(i => i!.ItemId).Distinct());
        Assert.Single(await vault.ListItemsAsync());
        Assert.Equal(2, (await app.IndexRowsAsync(vault.CaseId)).Count); // the item and its digest row
        Assert.True((await vault.CheckCustodyAsync()).IsIntact);
    }

    [Fact]
    public async Task Upload_ManyVictimsAtOnce_FormOneUnbrokenCustodyChain()
    {
        using var vault = await app.CreateCaseAsync();
        var files = Enumerable.Range(0, 12).Select(GeneratedPng).ToList();

        var responses = await Task.WhenAll(files.Select(bytes => vault.UploadAsync(new ByteArrayContent(bytes))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var items = await vault.ListItemsAsync();
        var custody = await vault.CheckCustodyAsync();
        Assert.True(custody.IsIntact, string.Join("; ", custody.Breaks));
        Assert.Equal(12, items.Count);
        Assert.Equal(2 + (12 * 3), custody.Events.Count); // case and owner's grant, then per item: received, timestamp granted, receipt issued
        Assert.Equal(12, items.Select(i => i.Custody.Seq).Distinct().Count());
        Assert.All(items, i => Assert.Equal((CustodyEventTypes.ItemReceived, i.ItemId), custody.Events.Where(e => e.Seq == i.Custody.Seq).Select(e => (e.Type, e.ItemId)).Single()));
    }

    [Fact]
    public async Task Upload_Multipart_UsesThePartsFileName()
    {
        using var vault = await app.CreateCaseAsync();
        using var form = new MultipartFormDataContent
        {
            { new StringContent("ignored"), "note" },
            { new StreamContent(File.OpenRead(SampleEvidence.PathOf("screen-recording.mp4"))), "file", "录屏.mp4" },
        };

        using var response = await vault.UploadAsync(form, r => r.Headers.Add("X-Evidence-Kind", "screen-recording"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var item = (await response.Content.ReadFromJsonAsync<EvidenceItemRecord>(VaultJson.Compact))!;
        Assert.Equal(SampleEvidence.KnownSha256["screen-recording.mp4"], item.Sha256);
        Assert.Equal("录屏.mp4", item.FileName);
        Assert.Equal("screen-recording", item.Kind);
    }

    [Fact]
    public async Task Upload_ClaimsAndMatchingDigest_AreRecordedAsClaims()
    {
        using var vault = await app.CreateCaseAsync();
        var sha = Sha256Digest.ParseHex(SampleEvidence.KnownSha256["page-snapshot-refund.mhtml"]);

        using var response = await vault.UploadAsync("page-snapshot-refund.mhtml", r =>
        {
            r.Headers.Add("Repr-Digest", $"sha-512=:AAAA:, sha-256=:{sha.Base64}:");
            r.Headers.Add("X-Captured-At", "2026-11-24T06:39:31+08:00");
            r.Headers.Add("X-Source-Url", "https://refund-center.example/order/114-3941689-8772232/refund");
            r.Headers.Add("X-File-Name", "%E9%80%80%E6%AC%BE%E9%A1%B5.mhtml");
            r.Headers.Add("X-Evidence-Note", "%E5%81%87%E9%80%80%E6%AC%BE%E9%A1%B5%E9%9D%A2"); // 假退款页面
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var item = (await response.Content.ReadFromJsonAsync<EvidenceItemRecord>(VaultJson.Compact))!;
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 22, 39, 31, TimeSpan.Zero), item.CapturedAt);
        Assert.Equal("https://refund-center.example/order/114-3941689-8772232/refund", item.SourceUrl);
        Assert.Equal("退款页.mhtml", item.FileName);
        var received = (await vault.CheckCustodyAsync()).Events.Single(e => e.ItemId == item.ItemId && e.Type == CustodyEventTypes.ItemReceived);
        Assert.Equal("退款页.mhtml", received.Details!["fileName"]);
        Assert.Equal(("假退款页面", "假退款页面"), (item.Note, received.Details["note"]));

        // The claims travel to the bundle as the custody line recorded them: a catalog edited to say otherwise shows.
        (string From, string To, string Claim)[] forgeries =
        [
            ("\"capturedAt\": \"2026-11-23T22:39:31.000Z\"", "\"capturedAt\": \"2026-11-22T22:39:31.000Z\"", "capturedAt"),
            ("\"sourceUrl\": \"https://refund-center.", "\"sourceUrl\": \"https://refund-centre.", "sourceUrl"),
            ("\"note\": \"假退款页面\"", "\"note\": \"真退款页面\"", "note"),
        ];
        foreach (var (from, to, claim) in forgeries)
        {
            var bag = await vault.DownloadBagAsync(Directory.CreateDirectory(Path.Combine(app.DataDirectory, $"claims-{claim}-{item.ItemId}")).FullName);
            await BagForgery.AssertRecataloguingCaughtAsync(bag, from, to, $"its {claim} differs from custody line");
        }
    }

    [Fact]
    public async Task Upload_TruncatedPng_IsPreservedByteForByte()
    {
        using var vault = await app.CreateCaseAsync();

        var item = await vault.UploadItemAsync("bad/truncated.png");

        Assert.Equal(33, item.Size);
        Assert.Equal(SampleEvidence.KnownSha256["bad/truncated.png"], item.Sha256);
    }

    [Fact]
    public async Task ListItems_PagesOldestFirstWithCursor()
    {
        using var vault = await app.CreateCaseAsync();
        var uploaded = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await vault.UploadAsync(new ByteArrayContent(GeneratedPng(100 + i)));
            uploaded.Add((await response.Content.ReadFromJsonAsync<EvidenceItemRecord>(VaultJson.Compact))!.ItemId);
        }

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await vault.Client.GetFromJsonAsync<EvidenceVault.Api.Items.ItemPage>($"/api/cases/{vault.CaseId}/items?pageSize=2&cursor={Uri.EscapeDataString(cursor ?? string.Empty)}", VaultJson.Compact);
            Assert.True(page!.Items.Count <= 2);
            seen.AddRange(page.Items.Select(i => i.ItemId));
            cursor = page.Next;
        }
        while (cursor is not null);

        Assert.Equal(uploaded, seen);
    }

    internal static byte[] GeneratedPng(int seed)
    {
        var bytes = new byte[4096 + seed];
        new Random(seed).NextBytes(bytes);
        byte[] signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        signature.CopyTo(bytes, 0);
        return bytes;
    }
}
