using System.Diagnostics.Metrics;
using System.Net;
using System.Security.Cryptography;
using EvidenceVault.Api.Monitoring;
using EvidenceVault.Api.Tests.Infrastructure;
using EvidenceVault.Api.Timestamps;
using EvidenceVault.Bundles;
using EvidenceVault.Custody;
using EvidenceVault.Evidence;
using EvidenceVault.Receipts;
using EvidenceVault.Serialization;
using EvidenceVault.Testing;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;

namespace EvidenceVault.Api.Tests.Timestamps;

/// <summary>Timestamps from an authority that is not ours — openssl's, over HTTP — and everything it can do wrong.</summary>
[Collection(VaultOnAzurite.Name)]
public sealed class ExternalAuthorityTests(ExternalAuthorityTests.ExternalAuthorityVault app) : IClassFixture<ExternalAuthorityTests.ExternalAuthorityVault>
{
    /// <summary>A vault on a real socket whose only authority is openssl behind HTTP, on a clock the test moves.</summary>
    public sealed class ExternalAuthorityVault : VaultOnKestrel
    {
        public OpensslTimestampAuthority Authority { get; } = OpensslTimestampAuthority.Create("External TSA");

        /// <summary>An authority this vault also trusts (from a file) but never asks: the inline roots are what make tokens count.</summary>
        public OpensslTimestampAuthority Unused { get; } = OpensslTimestampAuthority.Create("Unused TSA");

        /// <summary>The receipt key from configuration, as in Azure (there, a Key Vault reference).</summary>
        public ECDsa ReceiptKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        public TimestampAuthorityServer AuthorityServer { get; private set; } = null!;

        public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow) { AutoAdvanceAmount = TimeSpan.FromMilliseconds(1) };

        public override async Task InitializeAsync()
        {
            AuthorityServer = new TimestampAuthorityServer(Authority);
            await base.InitializeAsync();
        }

        public override async Task DisposeAsync()
        {
            await base.DisposeAsync();
            await AuthorityServer.DisposeAsync();
            Authority.Dispose();
            Unused.Dispose();
            ReceiptKey.Dispose();
        }

        protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [
            new("EvidenceVault:Timestamps:Authorities:0:Name", "External TSA"),
            new("EvidenceVault:Timestamps:Authorities:0:Url", AuthorityServer.Url.ToString()),
            new("EvidenceVault:RequireConfiguredTrust", "true"),
            new("EvidenceVault:Timestamps:TrustedRootsPem", File.ReadAllText(Authority.RootPemPath)),
            new("EvidenceVault:Timestamps:TrustedRootFiles:0", Unused.RootPemPath),
            new("EvidenceVault:Receipts:SigningKeyPem", ReceiptKey.ExportPkcs8PrivateKeyPem()),
            new("EvidenceVault:Timestamps:RunRetryWorker", "false"),
            new("EvidenceVault:Timestamps:RetryInterval", "00:00:30"),
        ];

        protected override void ReplaceServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);
    }

    [Fact]
    public async Task Upload_ExternalAuthority_GrantsAndStoresItsVerifiedToken()
    {
        app.AuthorityServer.Behaviour = AuthorityBehaviour.Normal;
        using var vault = await app.CreateCaseAsync();

        var item = await vault.UploadItemAsync("call-recording.m4a");

        Assert.Equal(TimestampStatuses.Granted, item.Timestamp?.Status);
        Assert.Equal("CN=External TSA, O=Test Authority", item.Timestamp?.Authority);
        Assert.Equal("1.2.3.4.1", item.Timestamp?.PolicyId);
        Assert.Equal(ReceiptSignatures.KeyId(app.ReceiptKey), item.Receipt?.KeyId);
        var token = await DownloadTokenAsync(vault, item.ItemId);
        var verify = await ExternalTool.RunAsync("openssl", app.Authority.Folder, "ts", "-verify", "-data", SampleEvidence.PathOf("call-recording.m4a"), "-in", token, "-CAfile", app.Authority.RootPemPath);
        Assert.True(verify.ExitCode == 0 && verify.Output.Contains("Verification: OK", StringComparison.Ordinal), verify.Output);
    }

    [Theory]
    [InlineData(AuthorityBehaviour.WrongImprint, "another imprint")]
    [InlineData(AuthorityBehaviour.WrongNonce, "nonce")]
    [InlineData(AuthorityBehaviour.BadSignature, "signature")]
    [InlineData(AuthorityBehaviour.Rejection, "did not grant")]
    public async Task Upload_AuthorityAnswersWrongly_TokenRejectedNeverStoredAndItemPending(AuthorityBehaviour behaviour, string reason)
    {
        using var vault = await app.CreateCaseAsync();
        app.AuthorityServer.Behaviour = behaviour;
        using var attempts = TimestampAttempts();
        try
        {
            var item = await vault.UploadItemAsync("screenshot-refund-page.png");
            Assert.Equal(["rejected by External TSA", "pending"], Outcomes(attempts));

            Assert.Equal(TimestampStatuses.Pending, item.Timestamp?.Status);
            Assert.Equal(TimestampStatuses.Pending, item.Receipt?.Document?.Timestamp.Status);
            Assert.DoesNotContain(await app.CommittedBlobsAsync(vault.CaseId), name => name.EndsWith("timestamp.tsr", StringComparison.Ordinal));
            var rejected = (await vault.CheckCustodyAsync()).Events.Single(e => e.Type == ItemTimestamper.Rejected);
            Assert.Equal(item.ItemId, rejected.ItemId);
            Assert.Contains(reason, rejected.Details!["reason"], StringComparison.Ordinal);
            Assert.Contains(app.Logs.Lines, l => l.StartsWith("Error", StringComparison.Ordinal) && l.Contains(reason, StringComparison.Ordinal));
            using var pending = await vault.Client.GetAsync($"/api/cases/{vault.CaseId}/items/{item.ItemId}/timestamp");
            await ProblemAssert.IsAsync(pending, 404, "timestamp-pending");
        }
        finally
        {
            app.AuthorityServer.Behaviour = AuthorityBehaviour.Normal;
        }
    }

    [Fact]
    public async Task AuthorityDown_UploadStillSucceedsPending_ThenRetryGrantsAndReissuesTheReceipt()
    {
        using var vault = await app.CreateCaseAsync();
        app.AuthorityServer.Behaviour = AuthorityBehaviour.Down;
        var worker = app.Services.GetRequiredService<TimestampRetryWorker>();
        using var attempts = TimestampAttempts();

        var item = await vault.UploadItemAsync("screen-recording.mp4");
        Assert.Equal(TimestampStatuses.Pending, item.Timestamp?.Status);
        Assert.Equal(["unreachable by External TSA", "pending"], Outcomes(attempts)); // what an operator's alert on an authority outage counts
        Assert.Equal(1, item.Receipt?.Version);
        var requests = app.AuthorityServer.Requests;
        await worker.RetryDueAsync(CancellationToken.None);
        Assert.Equal(TimestampStatuses.Pending, (await ItemAsync(vault, item.ItemId)).Timestamp?.Status); // not due yet: the next attempt waits

        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await worker.RetryDueAsync(CancellationToken.None);
        Assert.Equal(TimestampStatuses.Pending, (await ItemAsync(vault, item.ItemId)).Timestamp?.Status); // due, but the authority is still down
        Assert.True(app.AuthorityServer.Requests > requests, "the due item was retried");

        app.AuthorityServer.Behaviour = AuthorityBehaviour.Normal;
        app.Clock.Advance(TimeSpan.FromMinutes(2)); // past the doubled wait
        Assert.True(await worker.RetryDueAsync(CancellationToken.None) >= 1);

        var granted = await ItemAsync(vault, item.ItemId);
        Assert.Equal(TimestampStatuses.Granted, granted.Timestamp?.Status);
        Assert.Equal(["unreachable by External TSA", "pending", "unreachable by External TSA", "pending", "granted by External TSA"], Outcomes(attempts));
        Assert.Equal(2, granted.Receipt?.Version);
        var receipt = await vault.Client.GetFromJsonAsync<ItemReceipt>($"/api/cases/{vault.CaseId}/items/{item.ItemId}/receipt", VaultJson.Compact);
        Assert.Equal(granted.Timestamp!.ResponseSha256, receipt!.Document!.Timestamp.ResponseSha256);
        var custody = await vault.CheckCustodyAsync();
        Assert.True(custody.IsIntact);
        Assert.Equal(
            ["case.created", "grant.created", "item.received", "timestamp.failed", "receipt.issued", "timestamp.failed", "timestamp.granted", "receipt.issued"],
            custody.Events.Where(e => e.Type != CustodyEventTypes.ItemViewed).Select(e => e.Type));
        Assert.All(custody.Events.Where(e => e.Type == CustodyEventTypes.ItemViewed), e => Assert.Equal(item.ItemId, e.ItemId));
        var before = (await vault.CheckCustodyAsync()).Events.Count;
        app.Clock.Advance(TimeSpan.FromHours(2));
        await worker.RetryDueAsync(CancellationToken.None);
        Assert.Equal(before, (await vault.CheckCustodyAsync()).Events.Count); // granted once: nothing more happens to it

        // The reissued receipt names the custody line it was signed at, and the bundle's log has that line.
        var report = await VerifiedBundleAsync(vault);
        Assert.True(report.Intact, string.Join("\n", report.Findings));
        Assert.NotNull(Assert.Single(report.Items).ReceiptKeyId);
    }

    [Fact]
    public async Task TimerEndpoint_FromTheLocalHost_RunsTheSameRetry()
    {
        using var vault = await app.CreateCaseAsync();
        app.AuthorityServer.Behaviour = AuthorityBehaviour.Down;
        var item = await vault.UploadItemAsync("call-recording.ogg");
        app.AuthorityServer.Behaviour = AuthorityBehaviour.Normal;
        app.Clock.Advance(TimeSpan.FromHours(2));

        using var client = app.CreateClient();
        using var response = await client.PostAsync("/timestamp-retry", JsonContent.Create(new { Data = new { }, Metadata = new { } }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<TimerInvocationResult>();
        Assert.True(((System.Text.Json.JsonElement)result!.ReturnValue!).GetInt32() >= 1);
        var granted = await vault.Client.GetFromJsonAsync<EvidenceItemRecord>($"/api/cases/{vault.CaseId}/items/{item.ItemId}", VaultJson.Compact);
        Assert.Equal(TimestampStatuses.Granted, granted!.Timestamp?.Status);
    }

    [Fact]
    public async Task Bundle_WithExternalTokens_VerifiesAgainstTheAuthoritysOwnRoot()
    {
        app.AuthorityServer.Behaviour = AuthorityBehaviour.Normal;
        using var vault = await app.CreateCaseAsync();
        await vault.UploadItemAsync("page-snapshot-refund.warc");

        var report = await VerifiedBundleAsync(vault);

        Assert.True(report.Intact, string.Join("\n", report.Findings));
        Assert.Equal("CN=External TSA, O=Test Authority", Assert.Single(report.Items).TimestampAuthority);
        Assert.Equal("supplied", report.TimestampRootsFrom);
    }

    /// <summary>The case's bundle, saved and verified against the external authority's own root.</summary>
    private async Task<BagVerificationReport> VerifiedBundleAsync(TestCase vault)
    {
        var zip = Path.Combine(app.DataDirectory, $"{vault.CaseId}.zip");
        await using (var file = File.Create(zip))
        {
            await (await vault.Client.GetStreamAsync($"/api/cases/{vault.CaseId}/bundle")).CopyToAsync(file);
        }

        return await BagVerifier.VerifyAsync(zip, new BagVerificationOptions { TsaRoots = [app.Authority.Root] });
    }

    private static async Task<EvidenceItemRecord> ItemAsync(TestCase vault, string itemId) =>
        (await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<EvidenceItemRecord>(vault.Client, $"/api/cases/{vault.CaseId}/items/{itemId}", VaultJson.Compact))!;

    private async Task<string> DownloadTokenAsync(TestCase vault, string itemId)
    {
        using var response = await vault.Client.GetAsync($"/api/cases/{vault.CaseId}/items/{itemId}/timestamp");
        response.EnsureSuccessStatusCode();
        Assert.Equal("application/timestamp-reply", response.Content.Headers.ContentType?.MediaType);
        var path = Path.Combine(app.DataDirectory, itemId + ".tsr");
        await File.WriteAllBytesAsync(path, await response.Content.ReadAsByteArrayAsync());
        return path;
    }

    /// <summary>The vault's timestamp counter, as an operator's dashboard reads it.</summary>
    private MetricCollector<long> TimestampAttempts() =>
        new(app.Services.GetRequiredService<IMeterFactory>(), VaultMetrics.MeterName, VaultMetrics.Timestamps);

    private static List<string> Outcomes(MetricCollector<long> attempts) =>
        [.. attempts.GetMeasurementSnapshot().Select(m => m.Tags.TryGetValue(VaultMetrics.TimestampAuthorityTag, out var authority)
            ? $"{m.Tags[VaultMetrics.TimestampOutcomeTag]} by {authority}"
            : $"{m.Tags[VaultMetrics.TimestampOutcomeTag]}")];
}
