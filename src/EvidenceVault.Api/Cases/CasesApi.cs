using EvidenceVault.Api.Access;
using EvidenceVault.Api.Custody;
using EvidenceVault.Api.Problems;
using EvidenceVault.Evidence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace EvidenceVault.Api.Cases;

/// <summary>Body of <c>POST /api/cases</c>.</summary>
/// <param name="Title">A name for the matter, e.g. "Refund scam, November 2026".</param>
public sealed record CreateCaseRequest(string? Title);

/// <summary>A created case. <paramref name="OwnerToken"/> is shown only in this response.</summary>
public sealed record CreatedCase(string CaseId, string OwnerToken, string? Title, DateTimeOffset CreatedAt, ItemCustody Custody);

/// <summary>A case as its token holder sees it.</summary>
public sealed record CaseView(string CaseId, string? Title, DateTimeOffset CreatedAt, string Role, ItemCustody Custody);

internal static class CasesApi
{
    public static RouteGroupBuilder MapCasesApi(this RouteGroupBuilder api, RouteGroupBuilder caseScope)
    {
        api.MapPost("/cases", CreateCase)
            .WithName(nameof(CreateCase))
            .RequireRateLimiting(Hardening.AbuseLimits.CaseCreation)
            .WithSummary("Open a new case; returns the owner token once.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        caseScope.MapGet("/", GetCase)
            .WithName(nameof(GetCase))
            .WithSummary("The case: title, creation time, the caller's role and the custody head.")
            .AllowRoles(CaseRoles.All);
        return api;
    }

    public static async Task<Created<CreatedCase>> CreateCase(
        [FromBody(EmptyBodyBehavior = Microsoft.AspNetCore.Mvc.ModelBinding.EmptyBodyBehavior.Allow)] CreateCaseRequest? request,
        CaseDirectory cases,
        HttpRequest http,
        Microsoft.Extensions.Options.IOptions<Hardening.AbuseLimitsOptions> limits,
        CancellationToken cancellationToken)
    {
        if (limits.Value.OperatorKeySha256 is { Length: > 0 } expected &&
            !(EvidenceVault.Hashing.Sha256Digest.TryParseHex(expected, out var wanted) &&
              EvidenceVault.Hashing.Sha256Digest.Of(System.Text.Encoding.UTF8.GetBytes(http.Headers["X-Operator-Key"].ToString())).FixedTimeEquals(wanted)))
        {
            throw new VaultProblemException(ProblemType.OperatorKeyRequired, "Send the operator's key as X-Operator-Key.");
        }

        var title = string.IsNullOrWhiteSpace(request?.Title) ? null : request.Title.Trim();
        if (title is { Length: > CaseDirectory.MaxTitleLength })
        {
            throw new VaultProblemException(ProblemType.MalformedRequest, $"A case title has at most {CaseDirectory.MaxTitleLength} characters.");
        }

        var created = await cases.CreateAsync(title, cancellationToken);
        return TypedResults.Created(
            $"/api/cases/{created.CaseId}",
            new CreatedCase(created.CaseId, created.OwnerToken, created.Title, created.CreatedAt, created.Custody));
    }

    public static async Task<Ok<CaseView>> GetCase(CaseCaller caller, CaseDirectory cases, CustodyLog custody, CancellationToken cancellationToken)
    {
        var entity = await cases.FindAsync(caller.CaseId, cancellationToken)
            ?? throw new VaultProblemException(ProblemType.CaseNotFound, "No such case.");
        var position = await custody.ReadPositionAsync(caller.CaseId, cancellationToken);
        return TypedResults.Ok(new CaseView(caller.CaseId, entity.Title, entity.CreatedAt, caller.Role, new ItemCustody(position.Head.Seq, position.Head.Hash.Hex)));
    }
}
