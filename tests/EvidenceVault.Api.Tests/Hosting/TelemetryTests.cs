using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using EvidenceVault.Api.Monitoring;
using EvidenceVault.Api.Tests.Infrastructure;
using EvidenceVault.Evidence;
using EvidenceVault.Serialization;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace EvidenceVault.Api.Tests.Hosting;

/// <summary>
/// Telemetry as an operator sees it in Application Insights: the vault's real Azure Monitor exporter posting to a
/// local ingestion endpoint. What arrives must let an operator follow requests, storage calls, trusted time and
/// refusals — and must never carry a token, a victim's file name or note, or the evidence itself.
/// </summary>
[Collection(VaultOnAzurite.Name)]
public sealed class TelemetryTests(TelemetryTests.MonitoredVault app) : IClassFixture<TelemetryTests.MonitoredVault>
{
    private TelemetryIngestion Ingestion => app.Ingestion;

    [Fact]
    public async Task Requests_storage_calls_logs_and_the_vaults_counters_reach_Application_Insights_without_a_token_a_name_a_note_or_evidence()
    {
        var marker = "evidence-bytes-" + Guid.NewGuid().ToString("N");
        var fileName = $"转账截图-张三-{Guid.NewGuid():N}.png";
        var queryToken = "evv_query_" + Guid.NewGuid().ToString("N");
        var note = $"骗子让我转账 {Guid.NewGuid():N}";
        var title = $"退款诈骗 {Guid.NewGuid():N}";
        using var vault = await app.CreateCaseAsync(title);
        var contributor = await vault.GrantAsync(CaseRoles.Contributor, "受害人 张三"); // a link's label often names a victim

        var png = Ingest.IngestTests.GeneratedPng(7);
        Encoding.ASCII.GetBytes(marker).CopyTo(png, 64);
        using var stored = await vault.As(contributor.Token).UploadAsync(new ByteArrayContent(png), request =>
        {
            request.Headers.Add("X-File-Name", Uri.EscapeDataString(fileName));
            request.Headers.Add("X-Evidence-Note", Uri.EscapeDataString(note));
        });
        Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        var item = (await stored.Content.ReadFromJsonAsync<EvidenceItemRecord>(VaultJson.Compact))!;
        Assert.Equal((fileName, note), (item.FileName, item.Note));
        using var empty = await vault.UploadAsync(new ByteArrayContent([]));
        await ProblemAssert.IsAsync(empty, 400, "empty-evidence");
        // A page the vault captures: its address may name the victim (an order, a phone number) and stays out of telemetry.
        var site = await ScamSite.InstanceAsync();
        var victimInAddress = "13800138000-" + Guid.NewGuid().ToString("N");
        using var captured = await vault.Client.PostAsJsonAsync($"/api/cases/{vault.CaseId}/captures", new { url = site.At("/order/" + victimInAddress).AbsoluteUri });
        Assert.Equal(HttpStatusCode.Created, captured.StatusCode);
        using var stranger = app.ClientWith("evv_" + vault.CaseId + "_not-a-token-of-this-case");
        using var refused = await stranger.GetAsync($"/api/cases/{vault.CaseId}?token={queryToken}&{queryToken}&pageSize=5");
        await ProblemAssert.IsAsync(refused, 401, "unauthorized");

        // The server ends a request's activity once its response has gone out, which may be after the client has read
        // it: flush until the last request is in, for at most ten seconds.
        var tracer = app.Services.GetRequiredService<TracerProvider>();
        for (var flushed = Stopwatch.StartNew(); ; await Task.Delay(50))
        {
            Assert.True(tracer.ForceFlush(10_000));
            if (Ingestion.Items("Request").Any(r => Code(r) == "401") || flushed.Elapsed > TimeSpan.FromSeconds(10))
            {
                break;
            }
        }

        Assert.True(app.Services.GetRequiredService<LoggerProvider>().ForceFlush(10_000));
        Assert.True(app.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000));

        // Requests under their route templates, with their outcomes.
        var requests = Ingestion.Items("Request").ToList();
        Assert.All(requests, r => Assert.StartsWith("http://localhost/api/", r.GetProperty("url").GetString(), StringComparison.Ordinal));
        Assert.Contains(requests, r => Name(r) == "POST /api/cases/{caseId}/items" && Code(r) == "201");
        Assert.Contains(requests, r => Name(r) == "POST /api/cases/{caseId}/items" && Code(r) == "400");
        var refusal = Assert.Single(requests, r => Name(r) == "GET /api/cases/{caseId}/" && Code(r) == "401");
        Assert.EndsWith($"/api/cases/{vault.CaseId}?Redacted=Redacted&Redacted&pageSize=Redacted", refusal.GetProperty("url").GetString(), StringComparison.Ordinal);

        // Storage calls, each a dependency of the request that made it.
        var blobEndpoint = new Uri(app.StorageBlobEndpoint).Authority;
        Assert.Contains(Ingestion.Items("RemoteDependency"), d => d.GetProperty("target").GetString()!.Contains(blobEndpoint, StringComparison.Ordinal));

        // The vault's own log lines, with their ids.
        Assert.Contains(Ingestion.Items("Message"), m => m.GetProperty("message").GetString() == $"Evidence received: case {vault.CaseId}, item {item.ItemId}, {png.Length} bytes.");

        // The vault's counters: evidence in, trusted time granted, refusals by their stable type.
        var metrics = Ingestion.Items("Metric").Select(m => (Metric: m.GetProperty("metrics")[0], Properties: Properties(m))).ToList();
        Assert.Contains(metrics, m => m.Metric.GetProperty("name").GetString() == VaultMetrics.ItemsReceived
            && m.Properties.GetValueOrDefault(VaultMetrics.KindTag) == EvidenceKind.Screenshot.ToWireName() && m.Metric.GetProperty("value").GetDouble() == 1);
        Assert.Contains(metrics, m => m.Metric.GetProperty("name").GetString() == VaultMetrics.EvidenceReceived
            && m.Metric.GetProperty("value").GetDouble() == png.Length);
        Assert.Contains(metrics, m => m.Metric.GetProperty("name").GetString() == VaultMetrics.Timestamps
            && m.Properties.GetValueOrDefault(VaultMetrics.TimestampOutcomeTag) == TimestampOutcomes.Granted
            && m.Properties.GetValueOrDefault(VaultMetrics.TimestampAuthorityTag) == "EvidenceVault development TSA");
        foreach (var (type, status) in new[] { ("empty-evidence", "400"), ("unauthorized", "401") })
        {
            Assert.Contains(metrics, m => m.Metric.GetProperty("name").GetString() == VaultMetrics.Problems
                && m.Properties.GetValueOrDefault(VaultMetrics.ProblemTypeTag) == "urn:evidencevault:problem:" + type
                && m.Properties.GetValueOrDefault("http.response.status_code") == status);
        }

        // Nothing that would let a reader of the telemetry into a case, or tell what a victim sent.
        string[] secrets = [vault.OwnerToken, contributor.Token, queryToken, title, fileName, Uri.EscapeDataString(fileName), note, Uri.EscapeDataString(note), marker, "张三", "骗子", "退款", victimInAddress];
        var strings = Ingestion.Strings().ToList();
        Assert.NotEmpty(strings);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(strings, s => s.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(Ingestion.RawEnvelopes, s => s.Contains(secret, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Without_a_connection_string_the_vault_exports_nothing()
    {
        var quiet = new VaultApp();
        try
        {
            await quiet.InitializeAsync();
            using var vault = await quiet.CreateCaseAsync();

            Assert.Null(quiet.Services.GetService<TracerProvider>());
            Assert.Null(quiet.Services.GetService<MeterProvider>());
            Assert.NotNull(quiet.Services.GetService<VaultMetrics>());
        }
        finally
        {
            await quiet.DisposeAsync();
        }
    }

    private static string? Name(JsonElement request) => request.GetProperty("name").GetString();

    private static string? Code(JsonElement request) => request.GetProperty("responseCode").GetString();

    private static Dictionary<string, string?> Properties(JsonElement baseData) =>
        baseData.TryGetProperty("properties", out var properties)
            ? properties.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString())
            : [];

    /// <summary>The vault with Application Insights configured, as in Azure, sending to a local ingestion endpoint.</summary>
    public sealed class MonitoredVault : VaultApp
    {
        public TelemetryIngestion Ingestion { get; } = new();

        public string StorageBlobEndpoint => StorageConnectionString.Split(';').Single(p => p.StartsWith("BlobEndpoint=", StringComparison.Ordinal))["BlobEndpoint=".Length..];

        public override async Task InitializeAsync()
        {
            await Ingestion.StartAsync();
            await base.InitializeAsync();
        }

        public override async Task DisposeAsync()
        {
            await base.DisposeAsync();
            await Ingestion.DisposeAsync();
        }

        protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
            [new(VaultTelemetry.ConnectionStringSetting, Ingestion.ConnectionString)];
    }
}
