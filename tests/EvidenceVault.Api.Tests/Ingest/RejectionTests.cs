using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using EvidenceVault.Api.Tests.Infrastructure;
using EvidenceVault.Custody;
using EvidenceVault.Hashing;
using EvidenceVault.Testing;

namespace EvidenceVault.Api.Tests.Ingest;

/// <summary>Every bad upload gets a clear problem and leaves nothing behind, checked in storage itself.</summary>
[Collection(VaultOnAzurite.Name)]
public sealed class RejectionTests(RejectionTests.SmallLimitVault app) : IClassFixture<RejectionTests.SmallLimitVault>
{
    /// <summary>A vault that takes at most 1 MiB per request, in 64 KiB blocks, so limits are cheap to reach.</summary>
    public sealed class SmallLimitVault : VaultApp
    {
        public const int MaxBytes = 1024 * 1024;

        protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [
            new("EvidenceVault:Ingest:MaxEvidenceBytes", MaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("EvidenceVault:Ingest:BlockSizeBytes", (64 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ];
    }

    [Theory]
    [InlineData("bad/empty.bin", 400, "empty-evidence")]
    [InlineData("bad/not-evidence.exe", 415, "unsupported-evidence-type")]
    [InlineData("bad/script.sh", 415, "unsupported-evidence-type")]
    [InlineData("README.md", 415, "unsupported-evidence-type")]
    public async Task Upload_BadFile_IsRefusedAndNothingIsStored(string fixture, int status, string problem)
    {
        using var vault = await app.CreateCaseAsync();

        using var response = await vault.UploadAsync(fixture, r => r.Headers.Add("X-File-Name", "screenshot.png"));

        await AssertRefusedAndNothingStoredAsync(vault, response, status, problem);
    }

    [Fact]
    public async Task Upload_InstallerNamedAsAWordDocument_IsRefusedWhenItsDirectoryArrivesAndNothingIsStored()
    {
        using var vault = await app.CreateCaseAsync();
        var folder = Directory.CreateTempSubdirectory("ev-installer-");
        try
        {
            // wixl, like LibreOffice, writes the directory at the end: past the first of this vault's 64 KiB blocks.
            var installer = await SampleInstallers.WriteAsync(folder.FullName, "contract.doc", programBytes: 300_000);
            Assert.True(CompoundFileEdits.DirectoryOffset(await File.ReadAllBytesAsync(installer)) > 4 * 64 * 1024);

            using var response = await vault.UploadAsync(new StreamContent(File.OpenRead(installer)), r => r.Headers.Add("X-File-Name", "contract.doc"));

            await AssertRefusedAndNothingStoredAsync(vault, response, 415, "unsupported-evidence-type");

            // A presentation whose directory lies as far on is told by it in the same way, and kept.
            var slides = await SampleDocuments.WriteAsync(folder.FullName, ".ppt");
            Assert.True(CompoundFileEdits.DirectoryOffset(await File.ReadAllBytesAsync(slides)) > 4 * 64 * 1024);
            Assert.Equal("application/vnd.ms-powerpoint", (await vault.UploadNewItemAsync(slides)).ContentType);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Upload_AMailboxExport_IsRefusedWithHowToSaveTheOneMailAndNothingIsStored()
    {
        using var vault = await app.CreateCaseAsync();
        var folder = Directory.CreateTempSubdirectory("ev-mbox-");
        try
        {
            var mailbox = await SampleMessages.PhishingMailboxAsync(folder.FullName, "Takeout.mbox");

            using var response = await vault.UploadAsync(new StreamContent(File.OpenRead(mailbox)), r => r.Headers.Add("X-File-Name", "Takeout.mbox"));

            var problem = await AssertRefusedAndNothingStoredAsync(vault, response, 415, "mailbox-export");
            Assert.Contains("Download message", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Upload_KindThatDoesNotMatchTheBytes_Is415()
    {
        using var vault = await app.CreateCaseAsync();

        using var response = await vault.UploadAsync("call-recording.mp3", r => r.Headers.Add("X-Evidence-Kind", "screenshot"));

        await AssertRefusedAndNothingStoredAsync(vault, response, 415, "kind-mismatch");
    }

    [Fact]
    public async Task Upload_DeclaredDigestOfOtherBytes_Is422AndNothingIsCommitted()
    {
        using var vault = await app.CreateCaseAsync();
        var other = Sha256Digest.ParseHex(SampleEvidence.KnownSha256["screenshot-refund-page.jpg"]);

        using var response = await vault.UploadAsync("screenshot-refund-page.png", r => r.Headers.Add("Repr-Digest", $"sha-256=:{other.Base64}:"));

        await AssertRefusedAndNothingStoredAsync(vault, response, 422, "digest-mismatch");
        Assert.Contains(SampleEvidence.KnownSha256["screenshot-refund-page.png"], await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upload_ContentDigestMismatch_Is422()
    {
        using var vault = await app.CreateCaseAsync();
        var other = Sha256Digest.Of("abc"u8);

        using var response = await vault.UploadAsync("call-recording.ogg", r => r.Headers.Add("Content-Digest", $"sha-256=:{other.Base64}:"));

        await AssertRefusedAndNothingStoredAsync(vault, response, 422, "digest-mismatch");
    }

    [Theory]
    [InlineData("X-Evidence-Kind", "selfie")]
    [InlineData("X-Captured-At", "yesterday")]
    [InlineData("X-Captured-At", "2026-11-23T22:39:31")]
    [InlineData("X-Source-Url", "javascript:alert(1)")]
    [InlineData("X-Source-Url", "/relative/path")]
    [InlineData("X-Evidence-Note", "%ZZ")]
    [InlineData("X-Evidence-Note", "a%07b")]
    [InlineData("X-File-Name", "%E0%A4%A")]
    [InlineData("X-File-Name", "a%00b.png")]
    [InlineData("Repr-Digest", "sha-256=:not-base64:")]
    [InlineData("Repr-Digest", "sha-256=deadbeef")]
    [InlineData("Repr-Digest", "garbage")]
    public async Task Upload_MalformedHeader_Is400AndNothingIsStored(string header, string value)
    {
        using var vault = await app.CreateCaseAsync();

        using var response = await vault.UploadAsync("screenshot-refund-page.png", r => r.Headers.TryAddWithoutValidation(header, value));

        await AssertRefusedAndNothingStoredAsync(vault, response, 400, "malformed-header");
    }

    [Fact]
    public async Task Upload_OverTheLimitWithContentLength_Is413BeforeReading()
    {
        using var vault = await app.CreateCaseAsync();

        // With Expect: 100-continue the answer comes before the body is sent; without it, the vault's answer and its
        // closing the connection unread can reach a client still sending as a reset (docs/api.md).
        using var response = await vault.UploadAsync(new ByteArrayContent(IngestTests.GeneratedPng((2 * SmallLimitVault.MaxBytes) + 1)), r => r.Headers.ExpectContinue = true);

        await AssertRefusedAndNothingStoredAsync(vault, response, 413, "evidence-too-large");
    }

    [Fact]
    public async Task Upload_OverTheLimitWithoutLength_Is413WhileStreaming()
    {
        using var vault = await app.CreateCaseAsync();
        var content = new StreamContent(new MemoryStream(IngestTests.GeneratedPng(SmallLimitVault.MaxBytes + 1)));
        content.Headers.ContentLength = null;

        using var response = await vault.UploadAsync(content, r => r.Headers.TransferEncodingChunked = true);

        await AssertRefusedAndNothingStoredAsync(vault, response, 413, "evidence-too-large");
    }

    [Fact]
    public async Task Upload_ExactlyAtTheLimit_IsAccepted()
    {
        using var vault = await app.CreateCaseAsync();

        using var response = await vault.UploadAsync(new ByteArrayContent(IngestTests.GeneratedPng(SmallLimitVault.MaxBytes - 4096)));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Upload_MultipartWithoutFilePart_Is400()
    {
        using var vault = await app.CreateCaseAsync();
        using var form = new MultipartFormDataContent { { new StringContent("just text"), "note" } };

        using var response = await vault.UploadAsync(form);

        await AssertRefusedAndNothingStoredAsync(vault, response, 400, "malformed-request");
    }

    [Fact]
    public async Task Requests_WithoutOrWithWrongToken_Are401()
    {
        using var vault = await app.CreateCaseAsync();
        using var anonymous = app.CreateClient();
        var wrong = vault.OwnerToken[..^4] + (vault.OwnerToken.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");

        using var none = await anonymous.GetAsync($"/api/cases/{vault.CaseId}/items");
        using var garbage = await SendAsync(anonymous, HttpMethod.Get, $"/api/cases/{vault.CaseId}/items", "not-a-token");
        using var forged = await SendAsync(anonymous, HttpMethod.Post, $"/api/cases/{vault.CaseId}/items", wrong, new ByteArrayContent(IngestTests.GeneratedPng(1)));

        foreach (var response in new[] { none, garbage, forged })
        {
            await ProblemAssert.IsAsync(response, 401, "unauthorized");
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }

        Assert.Empty(await app.IndexRowsAsync(vault.CaseId));
    }

    [Fact]
    public async Task Requests_WithAnotherCasesToken_Are404AsIfTheCaseDidNotExist()
    {
        using var victim = await app.CreateCaseAsync();
        using var other = await app.CreateCaseAsync();

        using var read = await other.Client.GetAsync($"/api/cases/{victim.CaseId}/items");
        using var write = await other.Client.PostAsync($"/api/cases/{victim.CaseId}/items", new ByteArrayContent(IngestTests.GeneratedPng(2)));
        using var unknown = await other.Client.GetAsync("/api/cases/01KC00000000000000000000ZZ/items");

        await ProblemAssert.IsAsync(read, 404, "case-not-found");
        await ProblemAssert.IsAsync(write, 404, "case-not-found");
        await ProblemAssert.IsAsync(unknown, 404, "case-not-found");
        Assert.Empty(await app.IndexRowsAsync(victim.CaseId));
    }

    [Fact]
    public async Task GetItem_UnknownOrDigestRowId_Is404()
    {
        using var vault = await app.CreateCaseAsync();
        var item = await vault.UploadItemAsync("screenshot-refund-page.png");

        using var unknown = await vault.Client.GetAsync($"/api/cases/{vault.CaseId}/items/01KC00000000000000000000ZZ");
        using var digestRow = await vault.Client.GetAsync($"/api/cases/{vault.CaseId}/items/sha256-{item.Sha256}");
        using var content = await vault.Client.GetAsync($"/api/cases/{vault.CaseId}/items/01KC00000000000000000000ZZ/content");

        await ProblemAssert.IsAsync(unknown, 404, "item-not-found");
        await ProblemAssert.IsAsync(digestRow, 404, "item-not-found");
        await ProblemAssert.IsAsync(content, 404, "item-not-found");
    }

    [Theory]
    [InlineData("/api/cases", "{\"title\": 42}")]
    [InlineData("/api/cases", "{not json")]
    public async Task CreateCase_MalformedBody_Is400Problem(string path, string body)
    {
        using var client = app.CreateClient();

        using var response = await client.PostAsync(path, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task CreateCase_TitleTooLong_Is400()
    {
        using var client = app.CreateClient();

        using var response = await client.PostAsync("/api/cases", new StringContent($"{{\"title\":\"{new string('x', 201)}\"}}", System.Text.Encoding.UTF8, "application/json"));

        await ProblemAssert.IsAsync(response, 400, "malformed-request");
    }

    [Fact]
    public async Task UnknownRoute_Is404Problem()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/api/nothing-here");

        await ProblemAssert.IsAsync(response, 404, "not-found");
    }

    private async Task<JsonElement> AssertRefusedAndNothingStoredAsync(TestCase vault, HttpResponseMessage response, int status, string problem)
    {
        var refusal = await ProblemAssert.IsAsync(response, status, problem);
        Assert.Empty(await app.CommittedBlobsAsync(vault.CaseId));
        Assert.Empty(await app.IndexRowsAsync(vault.CaseId));
        var custody = await vault.CheckCustodyAsync();
        Assert.Equal([CustodyEventTypes.CaseCreated, CustodyEventTypes.GrantCreated], custody.Events.Select(e => e.Type)); // the case and its owner's grant
        return refusal;
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string token, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.SendAsync(request);
    }
}
