using System.Text;
using System.Text.Json;
using EvidenceVault.Custody;
using EvidenceVault.Evidence;

namespace EvidenceVault.Bundles;

/// <summary>A link (grant) of a case, as its custody log introduces it: who each line's <c>actor</c> is.</summary>
/// <param name="GrantId">The id the log's lines name as their actor.</param>
/// <param name="Role">One of <see cref="CaseRoles"/>.</param>
/// <param name="Label">The name the owner gave the link, if any.</param>
/// <param name="CreatedAt">When it was issued.</param>
/// <param name="RevokedAt">When it was revoked (or replaced, for an owner's link), if it was.</param>
public sealed record CaseLink(string GrantId, string Role, string? Label, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>Reads a case's links from its custody log: <c>grant.created</c>, <c>grant.revoked</c> and <c>owner.rotated</c> lines.</summary>
public static class CaseLinks
{
    /// <summary>
    /// The links the log introduces, in the order it does. Streams the log line by line; a line that does not parse is
    /// passed over (the chain check reports it, not this).
    /// </summary>
    public static async Task<IReadOnlyList<CaseLink>> ReadAsync(Stream log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        var links = new List<CaseLink>();
        using var reader = new StreamReader(log, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            CustodyEvent entry;
            try
            {
                entry = CustodyEvent.Parse(line);
            }
            catch (JsonException)
            {
                continue;
            }

            Apply(links, entry);
        }

        return links;
    }

    /// <summary>The links <paramref name="log"/>'s lines introduce, in the order they do (lines already parsed, as a chain check reads them).</summary>
    public static IReadOnlyList<CaseLink> Of(IEnumerable<CustodyEvent> log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var links = new List<CaseLink>();
        foreach (var entry in log)
        {
            Apply(links, entry);
        }

        return links;
    }

    /// <summary>What one line of the log changes in the case's links.</summary>
    private static void Apply(List<CaseLink> links, CustodyEvent entry)
    {
        var details = entry.Details;
        switch (entry.Type)
        {
            case CustodyEventTypes.GrantCreated when details?.GetValueOrDefault("grantId") is { } grantId && details.GetValueOrDefault("role") is { } role:
                links.Add(new CaseLink(grantId, role, details.GetValueOrDefault("label"), entry.At, RevokedAt: null));
                break;
            case CustodyEventTypes.GrantRevoked when details?.GetValueOrDefault("grantId") is { } grantId:
                Revoke(links, grantId, entry.At);
                break;
            case CustodyEventTypes.OwnerRotated when details?.GetValueOrDefault("grantId") is { } grantId:
                var revokedGrantId = details.GetValueOrDefault("revokedGrantId");
                var replaced = links.FindLast(link => link.GrantId == revokedGrantId);
                links.Add(new CaseLink(grantId, CaseRoles.Owner, replaced?.Label, entry.At, RevokedAt: null));
                Revoke(links, revokedGrantId, entry.At);
                break;
        }
    }

    private static void Revoke(List<CaseLink> links, string? grantId, DateTimeOffset at)
    {
        var index = links.FindLastIndex(link => link.GrantId == grantId);
        if (index >= 0)
        {
            links[index] = links[index] with { RevokedAt = at };
        }
    }
}
