using EvidenceVault.Api.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EvidenceVault.Api.Health;

/// <summary>Whether the vault can take evidence now.</summary>
/// <param name="Status"><c>ok</c> or <c>unavailable</c>.</param>
/// <param name="Storage"><c>ok</c> or <c>unavailable</c>.</param>
public sealed record HealthReport(string Status, string Storage);

internal static class HealthApi
{
    public static RouteGroupBuilder MapHealthApi(this RouteGroupBuilder api)
    {
        api.MapGet("/health", GetHealth)
            .WithName(nameof(GetHealth))
            .WithSummary("200 when storage answers, 503 otherwise.");
        return api;
    }

    public static async Task<Results<Ok<HealthReport>, JsonHttpResult<HealthReport>>> GetHealth(VaultStorage storage, CancellationToken cancellationToken)
    {
        try
        {
            await storage.EnsureReadyAsync(cancellationToken);
            await storage.Evidence.GetPropertiesAsync(cancellationToken: cancellationToken);
            return TypedResults.Ok(new HealthReport("ok", "ok"));
        }
        catch (Problems.VaultProblemException e) when (e.Problem == Problems.ProblemType.StorageNotImmutable)
        {
            return TypedResults.Json(new HealthReport("unavailable", "not-immutable"), statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException or AggregateException)
        {
            return TypedResults.Json(new HealthReport("unavailable", "unavailable"), statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
