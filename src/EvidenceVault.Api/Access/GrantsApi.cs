using EvidenceVault.Api.Problems;
using EvidenceVault.Evidence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EvidenceVault.Api.Access;

/// <summary>Body of <c>POST /api/cases/{caseId}/grants</c>.</summary>
/// <param name="Role"><c>contributor</c> (a fellow victim who uploads) or <c>lawyer</c> (read-only).</param>
/// <param name="Label">Who it is for, e.g. "Victim 17 — Zhang Wei" or "Law firm".</param>
/// <param name="ExpiresAt">Optional end of validity.</param>
public sealed record CreateGrantRequest(string? Role, string? Label, DateTimeOffset? ExpiresAt);

/// <summary>A new grant; <paramref name="Token"/> is shown only here. <paramref name="ShareUrl"/> carries it in the fragment.</summary>
public sealed record CreatedGrant(string GrantId, string Token, string Role, string? Label, DateTimeOffset? ExpiresAt, string ShareUrl);

/// <summary>The owner's new token after rotation; the old one no longer works.</summary>
public sealed record RotatedOwnerToken(string GrantId, string OwnerToken);

internal static class GrantsApi
{
    public const int MaxLabelLength = 100;

    public static RouteGroupBuilder MapGrantsApi(this RouteGroupBuilder caseScope)
    {
        caseScope.MapPost("/grants", CreateGrant)
            .WithName(nameof(CreateGrant))
            .RequireRateLimiting(Hardening.AbuseLimits.GrantCreation)
            .WithSummary("Issue a contributor or lawyer token for this case (owner only); the token is shown once.")
            .AllowRoles(CaseRoles.Owner)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        caseScope.MapGet("/grants", ListGrants)
            .WithName(nameof(ListGrants))
            .WithSummary("Every grant of the case: role, label, created, expires, last used, revoked — never tokens (owner only).")
            .AllowRoles(CaseRoles.Owner);
        caseScope.MapDelete("/grants/{grantId}", RevokeGrant)
            .WithName(nameof(RevokeGrant))
            .WithSummary("Revoke a grant at once (owner only). Evidence it contributed stays.")
            .AllowRoles(CaseRoles.Owner)
            .ProducesProblem(StatusCodes.Status404NotFound);
        caseScope.MapPost("/owner-token", RotateOwnerToken)
            .WithName(nameof(RotateOwnerToken))
            .WithSummary("Replace the owner's token; the old one stops working at once.")
            .AllowRoles(CaseRoles.Owner);
        return caseScope;
    }

    public static async Task<Created<CreatedGrant>> CreateGrant(CaseCaller caller, CreateGrantRequest request, HttpRequest http, GrantDirectory grants, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (request.Role is not (CaseRoles.Contributor or CaseRoles.Lawyer))
        {
            throw new VaultProblemException(ProblemType.MalformedRequest, "role must be 'contributor' or 'lawyer'.");
        }

        var label = string.IsNullOrWhiteSpace(request.Label) ? null : request.Label.Trim();
        if (label is { Length: > MaxLabelLength } || label?.Any(char.IsControl) == true)
        {
            throw new VaultProblemException(ProblemType.MalformedRequest, $"label has at most {MaxLabelLength} printable characters.");
        }

        if (request.ExpiresAt is { } expires && expires <= clock.GetUtcNow())
        {
            throw new VaultProblemException(ProblemType.MalformedRequest, "expiresAt must be in the future.");
        }

        var (issued, _) = await grants.IssueAsync(caller.CaseId, request.Role, label, request.ExpiresAt, caller.GrantId, cancellationToken);
        // The token travels in the fragment: browsers never send it to a server or put it in a Referer.
        var shareUrl = $"{http.Scheme}://{http.Host}/#case={caller.CaseId}&token={issued.Token}";
        return TypedResults.Created(
            $"/api/cases/{caller.CaseId}/grants/{issued.GrantId}",
            new CreatedGrant(issued.GrantId, issued.Token, issued.Role, issued.Label, issued.ExpiresAt, shareUrl));
    }

    public static async Task<Ok<IReadOnlyList<GrantView>>> ListGrants(CaseCaller caller, GrantDirectory grants, CancellationToken cancellationToken) =>
        TypedResults.Ok(await grants.ListAsync(caller.CaseId, cancellationToken));

    public static async Task<NoContent> RevokeGrant(CaseCaller caller, string grantId, GrantDirectory grants, CancellationToken cancellationToken)
    {
        if (grantId == caller.GrantId)
        {
            throw new VaultProblemException(ProblemType.MalformedRequest, "The owner's own grant is replaced with POST …/owner-token, not revoked.");
        }

        await grants.RevokeAsync(caller.CaseId, grantId, caller.GrantId, cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<Created<RotatedOwnerToken>> RotateOwnerToken(CaseCaller caller, GrantDirectory grants, CancellationToken cancellationToken)
    {
        var issued = await grants.RotateOwnerAsync(caller, cancellationToken);
        return TypedResults.Created($"/api/cases/{caller.CaseId}", new RotatedOwnerToken(issued.GrantId, issued.Token));
    }
}
