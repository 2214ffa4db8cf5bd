using System.Globalization;
using System.Net;
using System.Text;
using System.Threading.RateLimiting;
using EvidenceVault.Api.Problems;
using EvidenceVault.Hashing;
using Microsoft.Extensions.Options;

namespace EvidenceVault.Api.Hardening;

/// <summary>
/// Rate limits (ASP.NET Core's limiter) on case creation per client, grant creation per case, uploads and page captures per token and
/// reads of the public vault log per client, plus a guard that stops a client guessing tokens. Every refusal is 429 with <c>Retry-After</c> and the
/// <c>rate-limited</c> problem type. Tokens are partitioned by their SHA-256, never kept in clear.
/// </summary>
internal static class AbuseLimits
{
    public const string CaseCreation = "case-creation";
    public const string GrantCreation = "grant-creation";
    public const string Uploads = "uploads";
    public const string LogReads = "log-reads";
    public const string Captures = "captures";

    public static IServiceCollection AddAbuseLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AbuseLimitsOptions>().Bind(configuration.GetSection(AbuseLimitsOptions.Section));
        services.AddSingleton<FailedTokenAttempts>();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (context, _) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : DefaultRetryAfter(context.HttpContext);
                await RefuseAsync(context.HttpContext, retryAfter);
            };
            limiter.AddPolicy(CaseCreation, http => Fixed(ClientOf(http), Limits(http).CaseCreationsPerMinute, Limits(http).Window));
            limiter.AddPolicy(GrantCreation, http => Fixed(http.GetRouteValue("caseId") as string ?? string.Empty, Limits(http).GrantCreationsPerMinute, Limits(http).Window));
            limiter.AddPolicy(Uploads, http => Fixed(TokenPartition(http), Limits(http).UploadsPerMinute, Limits(http).Window));
            limiter.AddPolicy(LogReads, http => Fixed(ClientOf(http), Limits(http).LogReadsPerMinute, Limits(http).Window));
            limiter.AddPolicy(Captures, http => Fixed(TokenPartition(http), Limits(http).CapturesPerMinute, Limits(http).Window));
        });
        return services;
    }

    /// <summary>The client's address: the connection's, or the first forwarded one when configured to trust it.</summary>
    public static string ClientOf(HttpContext http)
    {
        if (Limits(http).TrustForwardedFor && http.Request.Headers["X-Forwarded-For"].ToString() is { Length: > 0 } forwarded)
        {
            var first = forwarded.Split(',')[0].Trim();
            return IPAddress.TryParse(first.Split(':')[0], out var address) ? address.ToString() : first;
        }

        return http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
    }

    /// <summary>Sets <c>Retry-After</c> in whole seconds (at least one).</summary>
    public static void SetRetryAfter(HttpContext http, TimeSpan retryAfter) =>
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    /// <summary>The wait after a refusal that has no lease to say better: the end of the counting window.</summary>
    public static TimeSpan DefaultRetryAfter(HttpContext http) => Limits(http).Window;

    public static async Task RefuseAsync(HttpContext http, TimeSpan retryAfter)
    {
        SetRetryAfter(http, retryAfter);
        await ProblemResponses.WriteAsync(http, http.RequestServices.GetRequiredService<IProblemDetailsService>(), ProblemType.RateLimited, "Too many requests; try again after the time in Retry-After.");
    }

    private static AbuseLimitsOptions Limits(HttpContext http) => http.RequestServices.GetRequiredService<IOptions<AbuseLimitsOptions>>().Value;

    private static RateLimitPartition<string> Fixed(string key, int permits, TimeSpan window) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = window, QueueLimit = 0 });

    private static string TokenPartition(HttpContext http) =>
        Sha256Digest.Of(Encoding.UTF8.GetBytes(http.Request.Headers.Authorization.ToString())).Hex;
}

/// <summary>Counts unusable tokens per client; past the limit the client is refused until its window ends.</summary>
internal sealed class FailedTokenAttempts(IOptions<AbuseLimitsOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _failures = PartitionedRateLimiter.Create<string, string>(client =>
        RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.FailedTokenAttemptsPerMinute,
            Window = options.Value.Window,
            QueueLimit = 0,
        }));

    /// <summary>True when the client has used up its failures for this window.</summary>
    public bool IsBlocked(string client) => _failures.GetStatistics(client)?.CurrentAvailablePermits == 0;

    /// <summary>Records one failure.</summary>
    public void Record(string client)
    {
        using var lease = _failures.AttemptAcquire(client);
    }

    public void Dispose() => _failures.Dispose();
}
