using EvidenceVault.Api.Access;
using EvidenceVault.Api.Ingest;
using EvidenceVault.Api.Problems;
using EvidenceVault.Evidence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EvidenceVault.Api.Captures;

/// <summary>A request to capture a page.</summary>
/// <param name="Url">The page's address: absolute http(s), no user name or password in it.</param>
/// <param name="Note">The member's note on it (why it matters), if any; at most 1,000 characters.</param>
public sealed record CaptureRequest(string? Url, string? Note = null);

/// <summary>The item a capture became, and what the vault fetched for it.</summary>
/// <param name="Item">The WACZ, received like any upload: hash, write-once blob, custody event, timestamp and receipt.</param>
/// <param name="Page">The capture's summary (also in the WACZ, as its metadata record).</param>
public sealed record CaptureReceipt(EvidenceItemRecord Item, CaptureSummary Page);

internal static class CapturesApi
{
    public static RouteGroupBuilder MapCapturesApi(this RouteGroupBuilder caseScope)
    {
        caseScope.MapPost("/captures", CapturePage)
            .WithName(nameof(CapturePage))
            .RequireRateLimiting(Hardening.AbuseLimits.Captures)
            .AllowRoles(CaseRoles.Owner, CaseRoles.Contributor)
            .WithSummary("Have the vault capture a page itself (for a link that may be gone tomorrow): the page, its redirects and resources, as a WACZ item.")
            .WithDescription("The vault fetches the address as a phone's browser asks for it (public internet only), keeps every request and response in a WARC inside a WACZ, and takes that file in like an upload. 201 with the item and a summary of the capture. Scripts are not run: what is kept is what the server sent.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout);
        return caseScope;
    }

    public static async Task<Results<Created<CaptureReceipt>, Ok<CaptureReceipt>>> CapturePage(
        CaseCaller caller,
        CaptureRequest request,
        PageCapturer capturer,
        EvidenceIngestor ingestor,
        CancellationToken cancellationToken)
    {
        // Everything the request says is checked before the vault fetches anything.
        var url = ParseUrl(request.Url);
        if (!EvidenceClaims.TryNormaliseNote(request.Note, out var note))
        {
            throw new VaultProblemException(ProblemType.MalformedRequest, EvidenceClaims.NoteRule);
        }

        await using var page = await capturer.CaptureAsync(url, cancellationToken);
        var claims = EvidenceClaims.OfCapture(page.FileName, url, note, page.Sites);
        var result = await ingestor.IngestAsync(caller, claims, page.Wacz, cancellationToken);
        var receipt = new CaptureReceipt(result.Item, page.Summary);
        return result.Created
            ? TypedResults.Created($"/api/cases/{caller.CaseId}/items/{result.Item.ItemId}", receipt)
            : TypedResults.Ok(receipt);
    }

    private static Uri ParseUrl(string? text) =>
        text is { Length: > 0 and <= EvidenceClaims.MaxSourceUrlLength } &&
        EvidenceClaims.TryParsePageUrl(text.Trim(), out var url) &&
        url.IdnHost.Length > 0 && string.IsNullOrEmpty(url.UserInfo)
            ? url
            : throw new VaultProblemException(ProblemType.CaptureUrlInvalid, $"Give the page's address as an absolute http(s) URL of at most {EvidenceClaims.MaxSourceUrlLength} characters, without a user name or password.");
}
