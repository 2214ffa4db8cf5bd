using Azure;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace EvidenceVault.Api.Problems;

/// <summary>
/// Turns refusals and storage outages into RFC 9457 problem details. Details say what was wrong with the request,
/// never what the evidence contains, and never echo a token.
/// </summary>
internal sealed partial class ProblemResponses(IProblemDetailsService problems, ILogger<ProblemResponses> logger) : IExceptionHandler
{
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (problem, detail) = Classify(exception);
        if (problem == ProblemType.RateLimited)
        {
            // The token-guessing guard refuses by exception; it waits out the same window as the limiter's refusals.
            Hardening.AbuseLimits.SetRetryAfter(httpContext, Hardening.AbuseLimits.DefaultRetryAfter(httpContext));
        }

        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            LogStorageUnavailable(logger, exception.GetType().Name, (exception as RequestFailedException)?.Status ?? 0);
            Hardening.AbuseLimits.SetRetryAfter(httpContext, RetryAfter);
        }

        return await WriteAsync(httpContext, problems, problem, detail);
    }

    /// <summary>
    /// Refusals are answers, not failures: the middleware's error log is kept for the unexpected.
    /// Storage outages are logged once, above, without the request.
    /// </summary>
    public static bool IsExpected(Exception exception) =>
        Classify(exception).Problem.Status is < 500 or StatusCodes.Status503ServiceUnavailable;

    /// <summary>Writes a problem response.</summary>
    public static async ValueTask<bool> WriteAsync(HttpContext httpContext, IProblemDetailsService problems, ProblemType problem, string? detail)
    {
        if (httpContext.Response.HasStarted)
        {
            return false;
        }

        httpContext.Response.StatusCode = problem.Status;
        if (problem.Status == StatusCodes.Status401Unauthorized)
        {
            httpContext.Response.Headers.WWWAuthenticate = "Bearer";
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = ToDetails(problem, detail),
        });
    }

    public static ProblemDetails ToDetails(ProblemType problem, string? detail) => new()
    {
        Type = problem.Type,
        Title = problem.Title,
        Status = problem.Status,
        Detail = detail,
    };

    private static (ProblemType Problem, string? Detail) Classify(Exception exception) => exception switch
    {
        VaultProblemException vault => (vault.Problem, vault.Message),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (ProblemType.EvidenceTooLarge, "The request body is larger than the vault accepts."),
        BadHttpRequestException => (ProblemType.IncompleteBody, "The request body could not be read to its end."),
        RequestFailedException { Status: 0 or >= 500 } or HttpRequestException or TimeoutException or AggregateException { InnerException: RequestFailedException or HttpRequestException } =>
            (ProblemType.StorageUnavailable, null),
        _ => (ProblemType.InternalError, null),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage unavailable ({ExceptionType}, status {Status}); answered 503.")]
    private static partial void LogStorageUnavailable(ILogger logger, string exceptionType, int status);
}
