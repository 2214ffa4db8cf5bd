using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using EvidenceVault.Api.Monitoring;
using EvidenceVault.Api.Storage;
using EvidenceVault.Api.Tests.Infrastructure;
using EvidenceVault.Api.Uploads;
using EvidenceVault.Custody;
using EvidenceVault.Hashing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;

namespace EvidenceVault.Api.Tests.Uploads;

/// <summary>Expiry, the sweep, completions taken over from a stopped instance, and cross-origin access.</summary>
[Collection(VaultOnAzurite.Name)]
public sealed class UploadLifecycleTests(UploadLifecycleTests.Vault app) : IClassFixture<UploadLifecycleTests.Vault>
{
    private const int Chunk = 128 * 1024;

    public sealed class Vault : VaultApp
    {
        public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow) { AutoAdvanceAmount = TimeSpan.FromMilliseconds(1) };

        protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [
            new("EvidenceVault:Uploads:RunSweeper", "false"),
            new("EvidenceVault:Uploads:AllowedOrigins:0", "https://partner-clinic.example"),
        ];

        protected override void ReplaceServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);
    }

    [Fact]
    public async Task An_unfinished_upload_expires_seven_days_after_its_last_patch_and_is_then_gone()
    {
        using var vault = await app.CreateCaseAsync();
        var tus = new TusClient(vault.Client, vault.CaseId);
        var file = TusProtocolTests.IngestTestsPng(2 * Chunk);
        var upload = await tus.OpenAsync(file.Length);
        app.Clock.Advance(TimeSpan.FromDays(3));
        using var patched = await tus.PatchAsync(upload, 0, file.AsMemory(0, Chunk));
        var expires = DateTimeOffset.Parse(patched.Headers.GetValues("Upload-Expires").Single(), CultureInfo.InvariantCulture);
        Assert.InRange(expires - app.Clock.GetUtcNow(), TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(7));

        app.Clock.Advance(TimeSpan.FromDays(6));
        Assert.Equal(Chunk, await tus.OffsetAsync(upload)); // 9 days after creation, 6 after the last PATCH: still open
        app.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        using var head = await tus.HeadAsync(upload);
        using var patch = await tus.PatchAsync(upload, Chunk, file.AsMemory(Chunk));

        Assert.Equal(HttpStatusCode.Gone, head.StatusCode);
        await ProblemAssert.IsAsync(patch, 410, "upload-gone");
        Assert.Equal(UploadStates.Expired, (await SessionAsync(vault.CaseId, upload)).State);
        Assert.Empty(await app.CommittedBlobsAsync(vault.CaseId));
    }

    [Fact]
    public async Task The_sweep_expires_stale_uploads_and_leaves_live_ones()
    {
        using var vault = await app.CreateCaseAsync();
        var tus = new TusClient(vault.Client, vault.CaseId);
        var stale = await tus.OpenAsync(Chunk);
        app.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        var live = await tus.OpenAsync(Chunk);

        await app.Services.GetRequiredService<ResumableUploads>().SweepAsync(CancellationToken.None);

        Assert.Equal(UploadStates.Expired, (await SessionAsync(vault.CaseId, stale)).State);
        Assert.Equal(UploadStates.Open, (await SessionAsync(vault.CaseId, live)).State);
    }

    [Fact]
    public async Task Every_upload_is_counted_when_opened_and_when_it_ends_so_an_operator_sees_uploads_victims_never_finish()
    {
        using var uploads = new MetricCollector<long>(app.Services.GetRequiredService<IMeterFactory>(), VaultMetrics.MeterName, VaultMetrics.Uploads);
        using var vault = await app.CreateCaseAsync();
        var tus = new TusClient(vault.Client, vault.CaseId);
        var file = TusProtocolTests.IngestTestsPng(2 * Chunk);
        var text = new byte[Chunk];
        Array.Fill(text, (byte)'a');

        var finished = await tus.OpenAsync(file.Length);
        (await tus.PatchAsync(finished, 0, file.AsMemory(0, Chunk))).EnsureSuccessStatusCode();
        (await tus.PatchAsync(finished, Chunk, file.AsMemory(Chunk))).EnsureSuccessStatusCode();
        var terminated = await tus.OpenAsync(file.Length);
        (await tus.DeleteAsync(terminated)).EnsureSuccessStatusCode();
        var refused = await tus.OpenAsync(text.Length);
        using (var notEvidence = await tus.PatchAsync(refused, 0, text))
        {
            await ProblemAssert.IsAsync(notEvidence, 415, "unsupported-evidence-type");
        }

        var abandoned = await tus.OpenAsync(file.Length);
        (await tus.PatchAsync(abandoned, 0, file.AsMemory(0, Chunk))).EnsureSuccessStatusCode();
        app.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        foreach (var _ in Enumerable.Range(0, 2))
        {
            // Found expired by the client's next request; the sweep expires through the same step.
            using var gone = await tus.HeadAsync(abandoned);
            Assert.Equal(HttpStatusCode.Gone, gone.StatusCode); // expired once, counted once
        }

        var outcomes = uploads.GetMeasurementSnapshot().Select(m => (string)m.Tags[VaultMetrics.UploadOutcomeTag]!).ToList();
        Assert.Equal(
            [UploadOutcomes.Opened, UploadOutcomes.Completed, UploadOutcomes.Opened, UploadOutcomes.Terminated, UploadOutcomes.Opened, UploadOutcomes.Refused, UploadOutcomes.Opened, UploadOutcomes.Expired],
            outcomes);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task A_completion_whose_instance_stopped_is_finished_by_the_next_head_or_the_sweep(bool alreadyCommitted, bool bySweep)
    {
        using var vault = await app.CreateCaseAsync();
        var tus = new TusClient(vault.Client, vault.CaseId);
        var file = TusProtocolTests.IngestTestsPng(2 * Chunk);
        var upload = await tus.OpenAsync(file.Length);
        (await tus.PatchAsync(upload, 0, file.AsMemory(0, Chunk))).EnsureSuccessStatusCode();
        var session = await StopMidCompletionAsync(vault.CaseId, upload, file, alreadyCommitted);

        using (var tooEarly = await tus.HeadAsync(upload))
        {
            Assert.False(tooEarly.Headers.Contains("X-Evidence-Item-Id")); // within the takeover time the first completion may still be running
        }

        app.Clock.Advance(TimeSpan.FromMinutes(3));
        if (bySweep)
        {
            Assert.Equal(1, await app.Services.GetRequiredService<ResumableUploads>().SweepAsync(CancellationToken.None));
        }

        using var head = await tus.HeadAsync(upload);

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(file.Length.ToString(CultureInfo.InvariantCulture), head.Headers.GetValues("Upload-Offset").Single());
        Assert.Equal(session.ItemId, head.Headers.GetValues("X-Evidence-Item-Id").Single());
        var item = Assert.Single(await vault.ListItemsAsync());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(file)), item.Sha256);
        Assert.Single(await app.CommittedOriginalsAsync(vault.CaseId));
        var custody = await vault.CheckCustodyAsync();
        Assert.True(custody.IsIntact);
        Assert.Single(custody.Events, e => e.Type == CustodyEventTypes.ItemReceived);
    }

    [Fact]
    public async Task An_instance_that_remembers_an_upload_defers_to_the_table_when_another_instance_moved_it_on()
    {
        using var vault = await app.CreateCaseAsync();
        await using var other = new OtherInstance(app, vault);
        var (here, there) = (new TusClient(vault.Client, vault.CaseId), other.Tus);
        var file = TusProtocolTests.IngestTestsPng(3 * Chunk);
        var upload = await here.OpenAsync(file.Length);

        using var first = await here.PatchAsync(upload, 0, file.AsMemory(0, Chunk));
        using var second = await there.PatchAsync(upload, Chunk, file.AsMemory(Chunk, Chunk));
        using var last = await here.PatchAsync(upload, 2 * Chunk, file.AsMemory(2 * Chunk));

        Assert.Equal([HttpStatusCode.NoContent, HttpStatusCode.NoContent, HttpStatusCode.NoContent], new[] { first.StatusCode, second.StatusCode, last.StatusCode });
        var item = Assert.Single(await vault.ListItemsAsync());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(file)), item.Sha256);
        Assert.Single(await app.CommittedOriginalsAsync(vault.CaseId));
        Assert.True((await vault.CheckCustodyAsync()).IsIntact);
    }

    [Fact]
    public async Task An_upload_terminated_on_another_instance_is_gone_here_too_and_takes_nothing_more()
    {
        using var vault = await app.CreateCaseAsync();
        await using var other = new OtherInstance(app, vault);
        var here = new TusClient(vault.Client, vault.CaseId);
        var file = TusProtocolTests.IngestTestsPng(2 * Chunk);
        var upload = await here.OpenAsync(file.Length);
        using var first = await here.PatchAsync(upload, 0, file.AsMemory(0, Chunk));

        using var terminated = await other.Tus.DeleteAsync(upload);
        using var patch = await here.PatchAsync(upload, Chunk, file.AsMemory(Chunk));

        Assert.Equal(HttpStatusCode.NoContent, terminated.StatusCode);
        await ProblemAssert.IsAsync(patch, 410, "upload-gone");
        var session = await SessionAsync(vault.CaseId, upload);
        Assert.Equal((UploadStates.Terminated, (long)Chunk), (session.State, session.Offset));
        Assert.Empty(await app.CommittedBlobsAsync(vault.CaseId));
    }

    [Fact]
    public async Task Only_configured_origins_may_use_the_upload_endpoints_across_origins_and_they_see_the_tus_headers()
    {
        using var vault = await app.CreateCaseAsync();
        var path = $"/api/cases/{vault.CaseId}/uploads";

        var upload = await new TusClient(vault.Client, vault.CaseId).OpenAsync(100);
        using var allowed = await PreflightAsync(vault, upload, "https://partner-clinic.example");
        using var refused = await PreflightAsync(vault, upload, "https://scam-site.example");
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.Add("Origin", "https://partner-clinic.example");
        request.Headers.Add("Tus-Resumable", "1.0.0");
        request.Headers.Add("Upload-Length", "100");
        using var created = await vault.Client.SendAsync(request);

        Assert.Equal("https://partner-clinic.example", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("PATCH", allowed.Headers.GetValues("Access-Control-Allow-Methods").Single(), StringComparison.Ordinal);
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var exposed = created.Headers.GetValues("Access-Control-Expose-Headers").Single();
        Assert.All(new[] { "Upload-Offset", "Location", "Tus-Resumable", "Upload-Expires", "X-Evidence-Item-Id" }, h => Assert.Contains(h, exposed, StringComparison.OrdinalIgnoreCase));
    }

    private static async Task<HttpResponseMessage> PreflightAsync(TestCase vault, string path, string origin)
    {
        using var preflight = new HttpRequestMessage(HttpMethod.Options, path);
        preflight.Headers.Add("Origin", origin);
        preflight.Headers.Add("Access-Control-Request-Method", "PATCH");
        preflight.Headers.Add("Access-Control-Request-Headers", "tus-resumable,upload-offset,content-type,authorization");
        return await vault.Client.SendAsync(preflight);
    }

    /// <summary>
    /// What an instance leaves when it stops right after saving the last chunk: the rest staged on the blob, the
    /// session at full length and completing — and, if <paramref name="committed"/>, the blob already committed.
    /// </summary>
    private async Task<UploadSession> StopMidCompletionAsync(string caseId, string upload, byte[] file, bool committed)
    {
        var store = app.Services.GetRequiredService<UploadStore>();
        var session = await SessionAsync(caseId, upload);
        var blob = app.Container.GetBlockBlobClient(EvidencePaths.Original(caseId, session.ItemId));
        var blockId = RandomNumberGenerator.GetBytes(UploadSession.BlockIdBytes);
        using (var rest = new MemoryStream(file, Chunk, file.Length - Chunk))
        {
            await blob.StageBlockAsync(Convert.ToBase64String(blockId), rest);
        }

        var hash = ResumableSha256.Restore(session.HashState);
        hash.Append(file.AsSpan(Chunk));
        var stopped = session with
        {
            Offset = file.Length,
            BlockIds = [.. session.BlockIds, .. blockId],
            HashState = hash.SaveState(),
            State = UploadStates.Completing,
            CompletingSince = app.Clock.GetUtcNow(),
        };
        Assert.NotNull(await store.TryReplaceAsync(stopped, CancellationToken.None));
        if (committed)
        {
            await blob.CommitBlockListAsync(stopped.BlockIdList(), new CommitBlockListOptions
            {
                Metadata = new Dictionary<string, string> { ["uploadid"] = session.UploadId, ["sha256"] = hash.Finish().Hex },
                HttpHeaders = new BlobHttpHeaders { ContentType = "image/png" },
            });
        }

        return stopped;
    }

    /// <summary>A second instance of the vault on the same storage, with a memory of its own, used with the case's token.</summary>
    private sealed class OtherInstance : IAsyncDisposable
    {
        private readonly WebApplicationFactory<Program> _instance;
        private readonly HttpClient _client;

        public OtherInstance(Vault app, TestCase vault)
        {
            _instance = app.WithWebHostBuilder(_ => { });
            _client = _instance.CreateClient();
            _client.DefaultRequestHeaders.Authorization = vault.Client.DefaultRequestHeaders.Authorization;
            Tus = new TusClient(_client, vault.CaseId);
        }

        public TusClient Tus { get; }

        public async ValueTask DisposeAsync()
        {
            _client.Dispose();
            await _instance.DisposeAsync();
        }
    }

    private async Task<UploadSession> SessionAsync(string caseId, string upload) =>
        (await app.Services.GetRequiredService<UploadStore>().FindAsync(caseId, upload.Split('/')[^1], CancellationToken.None))!;
}
