using EvidenceVault.Api.Problems;

namespace EvidenceVault.Api.Uploads;

/// <summary>Marks the tus endpoints: their responses carry <c>Tus-Resumable</c>, problems included.</summary>
internal sealed class TusEndpoint;

/// <summary>Every tus request but discovery (OPTIONS) and the JSON status (GET) must say <c>Tus-Resumable: 1.0.0</c>; else 412.</summary>
internal sealed class RequireTusVersion : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        return HttpMethods.IsOptions(request.Method) || HttpMethods.IsGet(request.Method) || request.Headers[TusProtocol.TusResumable] == TusProtocol.Version
            ? next(context)
            : throw new VaultProblemException(ProblemType.TusVersionUnsupported, $"This server speaks tus {TusProtocol.Version}; send Tus-Resumable: {TusProtocol.Version}.");
    }
}

internal static class TusHeaders
{
    /// <summary>
    /// Adds <c>Tus-Resumable</c> (and <c>Tus-Version</c> on 412) to every response of a tus endpoint as it starts,
    /// so problem responses, whose headers the exception handler clears, carry them too.
    /// </summary>
    public static IApplicationBuilder UseTusHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<TusEndpoint>() is not null)
        {
            context.Response.OnStarting(() =>
            {
                context.Response.Headers[TusProtocol.TusResumable] = TusProtocol.Version;
                if (context.Response.StatusCode == StatusCodes.Status412PreconditionFailed)
                {
                    context.Response.Headers[TusProtocol.TusVersion] = TusProtocol.Version;
                }

                return Task.CompletedTask;
            });
        }

        return next(context);
    });
}

/// <summary>Cross-origin access to the tus endpoints: only the configured origins (none by default), with the tus headers exposed.</summary>
internal static class UploadCors
{
    public const string Policy = "uploads";

    public static IServiceCollection AddUploadCors(this IServiceCollection services, IConfiguration configuration)
    {
        var origins = configuration.GetSection(ResumableUploadOptions.Section).Get<ResumableUploadOptions>()?.AllowedOrigins ?? [];
        return services.AddCors(cors => cors.AddPolicy(Policy, policy => policy
            .WithOrigins(origins)
            .WithMethods(HttpMethods.Post, HttpMethods.Head, HttpMethods.Patch, HttpMethods.Delete, HttpMethods.Get, HttpMethods.Options)
            .WithHeaders(TusProtocol.RequestHeaders)
            .WithExposedHeaders(TusProtocol.ExposedHeaders)
            .SetPreflightMaxAge(TimeSpan.FromHours(1))));
    }
}
