using EvidenceVault.Api.Access;
using EvidenceVault.Api.Bundles;
using EvidenceVault.Api.Captures;
using EvidenceVault.Api.Cases;
using EvidenceVault.Api.Custody;
using EvidenceVault.Api.Hardening;
using EvidenceVault.Api.Ingest;
using EvidenceVault.Api.Items;
using EvidenceVault.Api.Monitoring;
using EvidenceVault.Api.Problems;
using EvidenceVault.Api.Receipts;
using EvidenceVault.Api.Storage;
using EvidenceVault.Api.Timestamps;
using EvidenceVault.Api.Transparency;
using EvidenceVault.Api.Uploads;
using EvidenceVault.Evidence;
using EvidenceVault.Serialization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EvidenceVault.Api.Hosting;

internal static class VaultServices
{
    /// <summary>Everything the vault needs: options, storage, the features, problem details, OpenAPI and telemetry.</summary>
    public static WebApplicationBuilder AddEvidenceVault(this WebApplicationBuilder builder)
    {
        CustomHandler.ListenOnFunctionsPort(builder);
        builder.AddVaultTelemetry();

        var services = builder.Services;
        services.AddTransportBlocks();
        services.AddOptions<VaultStorageOptions>().Bind(builder.Configuration.GetSection(VaultStorageOptions.Section));
        services.AddOptions<VaultHostOptions>().Bind(builder.Configuration.GetSection(VaultHostOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<VaultHostOptions>, ConfiguredTrust>();
        services.AddOptions<IngestOptions>().Bind(builder.Configuration.GetSection(IngestOptions.Section))
            .Validate(o => o.MaxEvidenceBytes > 0 && o.BlockSizeBytes is >= 64 * 1024 and <= 100 * 1024 * 1024 && o.MaxBlocksInFlight is >= 1 and <= 16 &&
                      o.StatementReadTimeout > TimeSpan.Zero && o.StatementReadTimeout <= TimeSpan.FromMinutes(10),
                "Ingest limits are out of range.");

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<VaultStorage>();
        services.AddSingleton<CustodyLog>();
        services.AddSingleton<ItemIndex>();
        services.AddSingleton<CaseDirectory>();
        services.AddSingleton<GrantDirectory>();
        services.AddSingleton<GrantRecords>();
        services.AddSingleton<EvidenceBlocks>();
        services.AddOptions<MailKeyOptions>().Bind(builder.Configuration.GetSection(MailKeyOptions.Section))
            .Validate(o => o.Timeout > TimeSpan.Zero && o.Timeout <= TimeSpan.FromSeconds(30), "EvidenceVault:MailKeys:Timeout is out of range (at most 30 s).")
            .Validate(o => o.NameServers.All(server => System.Net.IPEndPoint.TryParse(server, out _)), "EvidenceVault:MailKeys:NameServers holds address:port pairs such as 168.63.129.16:53.")
            .ValidateOnStart();
        services.AddSingleton<IMailKeyDirectory, NameServiceMailKeys>();
        services.AddSingleton<IFileStatementReader, FileStatementReader>();
        services.AddSingleton<StoredStatements>();
        services.AddSingleton<EvidenceIngestor>();
        services.AddSingleton<IndexRepair>();
        services.AddOptions<CaptureOptions>().Bind(builder.Configuration.GetSection(CaptureOptions.Section))
            .Validate(o => o.MaxBytes > 0 && o.Timeout > TimeSpan.Zero && o.MaxRedirects >= 0 && o.MaxResources >= 0 && o.MaxParallelFetches >= 1 && o.MaxParsedPageBytes > 0, "Capture limits are out of range.")
            .Validate(o => o.AllowedPrivateNetworks.All(n => System.Net.IPNetwork.TryParse(n, out _)), "Capture:AllowedPrivateNetworks holds CIDR networks such as 10.1.0.0/16.")
            .Validate(o => o.TrustedRootCertificateFiles.All(CaptureCertificates.HoldsCertificates), "EvidenceVault:Capture:TrustedRootCertificateFiles names a file that is missing or holds no certificate.")
            .ValidateOnStart();
        services.AddSingleton<CaptureNetwork>();
        services.AddSingleton<CaptureCertificates>();
        services.AddSingleton<PageCapturer>();
        services.AddOptions<ResumableUploadOptions>().Bind(builder.Configuration.GetSection(ResumableUploadOptions.Section))
            .Validate(o => o.MaxUploadBytes > 0 && o.MaxChunkBytes is > 0 and < 100_000_000 && o.StageBlockBytes is >= 64 * 1024 and <= 100 * 1024 * 1024 && o.HashLagBytes >= 0 && o.Expiry > TimeSpan.Zero, "Upload limits are out of range (a chunk must stay below the 100 MB request limit of Azure Functions).");
        services.AddSingleton<UploadStore>();
        services.AddSingleton<ResumableUploads>();
        services.AddUploadCors(builder.Configuration);
        services.AddSingleton<CaseBundleExporter>();
        services.AddSingleton<CaseAuthenticator>();
        services.AddSingleton<RecentCallers>();
        services.AddOptions<TimestampOptions>().Bind(builder.Configuration.GetSection(TimestampOptions.Section));
        services.AddOptions<ReceiptOptions>().Bind(builder.Configuration.GetSection(ReceiptOptions.Section));
        services.AddHttpClient(nameof(TimestampAuthorities));
        services.AddSingleton<TimestampAuthorities>();
        services.AddSingleton<TimestampRequester>();
        services.AddSingleton<ItemTimestamper>();
        services.AddSingleton<ReceiptKeys>();
        services.AddSingleton<ReceiptIssuer>();
        services.AddSingleton<TimestampRetryWorker>();
        services.AddOptions<VaultLogOptions>().Bind(builder.Configuration.GetSection(VaultLogOptions.Section))
            .Validate(o => !string.IsNullOrWhiteSpace(o.Origin) && !o.Origin.Contains('\n', StringComparison.Ordinal), "The vault log's Origin is one line of text.");
        services.AddSingleton<VaultLog>();

        // Order matters: Azurite must be up before the retry worker's first round.
        services.AddHostedService<EmbeddedAzurite>();
        services.AddHostedService(provider => provider.GetRequiredService<TimestampRetryWorker>());
        services.AddHostedService<UploadSweeper>();

        services.AddAbuseLimits(builder.Configuration);
        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
            context.HttpContext.RequestServices.GetRequiredService<VaultMetrics>().Problem(context.ProblemDetails.Type, context.ProblemDetails.Status));
        services.AddExceptionHandler<ProblemResponses>();
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.DefaultIgnoreCondition = VaultJson.Compact.DefaultIgnoreCondition;
            json.SerializerOptions.Encoder = VaultJson.Compact.Encoder;
            json.SerializerOptions.Converters.Add(VaultJson.UtcTimes);
        });
        services.AddOpenApi(openApi => openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "EvidenceVault API";
            document.Info.Description = "Preserve scam evidence: hash, write once, index, chain of custody, verified bundles. Errors are RFC 9457 problem details with stable 'type' URNs (urn:evidencevault:problem:*).";
            return Task.CompletedTask;
        }));
        return builder;
    }
}
