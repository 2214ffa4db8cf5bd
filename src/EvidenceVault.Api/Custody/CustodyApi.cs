using System.Text;
using EvidenceVault.Api.Access;
using EvidenceVault.Custody;
using EvidenceVault.Evidence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EvidenceVault.Api.Custody;

/// <summary>The custody log of a case, checked by the server as it reads it.</summary>
/// <param name="CaseId">The case.</param>
/// <param name="Intact">True when every line links to the one before.</param>
/// <param name="Head">Sequence number and SHA-256 of the last line.</param>
/// <param name="Breaks">What is broken, if anything.</param>
/// <param name="Events">Every event, in order.</param>
public sealed record CustodyLogView(string CaseId, bool Intact, ItemCustody Head, IReadOnlyList<CustodyBreak> Breaks, IReadOnlyList<CustodyEvent> Events);

internal static class CustodyApi
{
    public static RouteGroupBuilder MapCustodyApi(this RouteGroupBuilder caseScope)
    {
        caseScope.MapGet("/custody", GetCustodyLog)
            .WithName(nameof(GetCustodyLog))
            .WithSummary("The case's chain-of-custody log, with the server's check of its hash chain (owner and lawyer).")
            .AllowRoles(CaseRoles.Owner, CaseRoles.Lawyer);
        return caseScope;
    }

    public static async Task<Ok<CustodyLogView>> GetCustodyLog(CaseCaller caller, CustodyLog custody, CancellationToken cancellationToken)
    {
        var (_, position) = await custody.AppendAsync(caller.CaseId, new CustodyEntry(CustodyEventTypes.CustodyViewed, caller.GrantId), cancellationToken);
        await using var log = await custody.OpenReadAsync(caller.CaseId, position.Length, cancellationToken);
        using var reader = new StreamReader(log, Encoding.UTF8);
        var check = await CustodyChain.CheckAsync(reader, caller.CaseId, cancellationToken);
        return TypedResults.Ok(new CustodyLogView(caller.CaseId, check.IsIntact, new ItemCustody(check.Head.Seq, check.Head.Hash.Hex), check.Breaks, check.Events));
    }
}
