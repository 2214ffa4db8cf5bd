using EvidenceVault.Api.Access;
using EvidenceVault.Api.Items;
using EvidenceVault.Api.Problems;
using EvidenceVault.Api.Storage;
using EvidenceVault.Evidence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EvidenceVault.Api.Timestamps;

/// <summary>What the Functions host expects back from a custom handler's non-HTTP trigger.</summary>
public sealed record TimerInvocationResult(IReadOnlyDictionary<string, object?> Outputs, IReadOnlyList<string> Logs, object? ReturnValue);

internal static class TimestampsApi
{
    /// <summary>The timer function's name; the Functions host POSTs each tick to <c>/{name}</c>.</summary>
    public const string RetryFunction = "timestamp-retry";

    public static RouteGroupBuilder MapTimestampsApi(this RouteGroupBuilder caseScope, IEndpointRouteBuilder app)
    {
        caseScope.MapGet("/items/{itemId}/timestamp", GetTimestamp)
            .WithName(nameof(GetTimestamp))
            .WithSummary("The item's RFC 3161 TimeStampResp (DER, application/timestamp-reply), as stored; 404 timestamp-pending until granted.")
            .Produces(StatusCodes.Status200OK, contentType: "application/timestamp-reply")
            .AllowRoles(CaseRoles.All)
            .ProducesProblem(StatusCodes.Status404NotFound);

        // Not under /api and matched by no HTTP trigger: in Azure only the host's timer reaches it (custom handler on loopback).
        app.MapPost("/" + RetryFunction, RetryPendingTimestamps)
            .WithName(nameof(RetryPendingTimestamps))
            .WithMetadata(new Hosting.TimerTriggerMetadata("0 */1 * * * *"))
            .ExcludeFromDescription();
        return caseScope;
    }

    public static async Task<FileStreamHttpResult> GetTimestamp(CaseCaller caller, string itemId, ItemIndex index, VaultStorage storage, Custody.CustodyLog custody, CancellationToken cancellationToken)
    {
        var item = await Items.ItemsApi.FindAsync(caller, itemId, index, cancellationToken);
        if (item.Timestamp?.Status != TimestampStatuses.Granted)
        {
            throw new VaultProblemException(ProblemType.TimestampPending, "The timestamp authority has not granted this item's timestamp yet; the vault keeps trying.");
        }

        await Items.ItemsApi.RecordViewAsync(custody, caller, item, "timestamp", cancellationToken);
        var blob = storage.Blob(EvidencePaths.Timestamp(caller.CaseId, item.ItemId));
        return TypedResults.Stream(await blob.OpenReadAsync(cancellationToken: cancellationToken), "application/timestamp-reply", item.ItemId + ".tsr");
    }

    public static async Task<Ok<TimerInvocationResult>> RetryPendingTimestamps(HttpContext http, TimestampRetryWorker worker, CancellationToken cancellationToken)
    {
        Hosting.TimerTrigger.EnsureFromHost(http);
        var granted = await worker.RetryDueAsync(cancellationToken);
        return TypedResults.Ok(new TimerInvocationResult(new Dictionary<string, object?>(), [$"granted {granted} pending timestamp(s)"], granted));
    }
}
