using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;

namespace EvidenceVault.Api.Tests.Infrastructure;

/// <summary>
/// A local Application Insights ingestion endpoint: the real Azure Monitor exporter in the vault posts its
/// telemetry here as it would to Azure (<c>/v2.1/track</c>, gzip, one JSON envelope per line), and the tests read
/// every envelope it sent. Live metrics, which the exporter polls at the same address, are answered and ignored.
/// </summary>
public sealed class TelemetryIngestion : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _envelopes = new();
    private WebApplication? _server;

    /// <summary>The connection string that points the exporter here.</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>Every envelope received so far, as the exporter wrote it.</summary>
    public IReadOnlyCollection<string> RawEnvelopes => _envelopes;

    public IEnumerable<JsonElement> Envelopes => _envelopes.Select(line => JsonDocument.Parse(line).RootElement);

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();

        // Its own requests under another source name, so the vault's tracer in this process does not record them.
        builder.Services.AddSingleton(new ActivitySource("EvidenceVault.Tests.TelemetryIngestion"));
        _server = builder.Build();
        _server.MapPost("/v2.1/track", ReceiveAsync);
        _server.MapFallback(() => Results.Ok());
        await _server.StartAsync();
        var address = _server.Urls.Single();
        ConnectionString = $"InstrumentationKey={Guid.NewGuid()};IngestionEndpoint={address}/;LiveEndpoint={address}/";
    }

    /// <summary>The <c>data.baseData</c> of every envelope of a kind (Request, RemoteDependency, Message, Metric, Exception).</summary>
    public IEnumerable<JsonElement> Items(string kind) => Envelopes
        .Where(e => e.GetProperty("name").GetString()!.EndsWith("." + kind, StringComparison.Ordinal) || e.GetProperty("name").GetString() == kind)
        .Select(e => e.GetProperty("data").GetProperty("baseData"));

    /// <summary>Every string value anywhere in every envelope, unescaped.</summary>
    public IEnumerable<string> Strings() => Envelopes.SelectMany(StringsIn);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        Stream body = request.Body;
        if (string.Equals(request.Headers.ContentEncoding, "gzip", StringComparison.OrdinalIgnoreCase))
        {
            body = new GZipStream(body, CompressionMode.Decompress);
        }

        var received = 0;
        using var reader = new StreamReader(body);
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Length > 0)
            {
                _envelopes.Enqueue(line);
                received++;
            }
        }

        return Results.Json(new { itemsReceived = received, itemsAccepted = received, errors = Array.Empty<object>() });
    }

    private static IEnumerable<string> StringsIn(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => [element.GetString()!],
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => StringsIn(p.Value).Prepend(p.Name)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(StringsIn),
        _ => [],
    };
}
