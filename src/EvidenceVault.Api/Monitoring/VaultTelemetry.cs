using Azure.Monitor.OpenTelemetry.AspNetCore;
using OpenTelemetry.Instrumentation.AspNetCore;
using OpenTelemetry.Instrumentation.Http;
using OpenTelemetry.Resources;

namespace EvidenceVault.Api.Monitoring;

/// <summary>
/// Telemetry to Azure Monitor (Application Insights) when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set, as
/// the infrastructure sets it in Azure: every request under its route template, every call to storage and to a
/// timestamp authority, the vault's logs, and <see cref="VaultMetrics"/>. Without it nothing leaves the app.
/// What is exported is what the logs already say — routes, case and item ids, statuses, problem types and timings —
/// never a token (headers are not recorded, query strings are redacted by <see cref="TelemetryRedaction"/>), a
/// file name or evidence bytes.
/// </summary>
internal static class VaultTelemetry
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>The app's role name in Application Insights, beside the Functions host's own.</summary>
    public const string ServiceName = "EvidenceVault.Api";

    public static WebApplicationBuilder AddVaultTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<VaultMetrics>();
        var connectionString = builder.Configuration[ConnectionStringSetting];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return builder;
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .UseAzureMonitor(monitor =>
            {
                monitor.ConnectionString = connectionString;

                // Every request is kept, not five a second: the vault's traffic is small, and an operator looking
                // into one victim's refused or interrupted upload needs each of its requests and their logs.
                monitor.TracesPerSecond = null;
                monitor.SamplingRatio = 1F;
            })
            .WithMetrics(metrics => metrics.AddMeter(VaultMetrics.MeterName));

        // The exporter builds each request's address from these tags: they are replaced as soon as they are set.
        builder.Services.Configure<AspNetCoreTraceInstrumentationOptions>(requests =>
        {
            var earlier = requests.EnrichWithHttpRequest;
            requests.EnrichWithHttpRequest = (activity, request) =>
            {
                earlier?.Invoke(activity, request);
                if (request.QueryString.HasValue)
                {
                    activity.SetTag("url.query", "?" + TelemetryRedaction.Query(request.QueryString.Value!));
                }
            };
        });
        builder.Services.Configure<HttpClientTraceInstrumentationOptions>(calls =>
        {
            var earlierFilter = calls.FilterHttpRequestMessage;
            calls.FilterHttpRequestMessage = request => TelemetryRedaction.MayTrace(request) && (earlierFilter?.Invoke(request) ?? true);
            var earlier = calls.EnrichWithHttpRequestMessage;
            calls.EnrichWithHttpRequestMessage = (activity, request) =>
            {
                earlier?.Invoke(activity, request);
                if (request.RequestUri is { IsAbsoluteUri: true } url)
                {
                    activity.SetTag("url.full", TelemetryRedaction.Url(url));
                }
            };
        });
        return builder;
    }
}
