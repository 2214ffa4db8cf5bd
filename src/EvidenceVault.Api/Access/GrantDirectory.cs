using Azure;
using Azure.Data.Tables;
using EvidenceVault.Api.Custody;
using EvidenceVault.Api.Problems;
using EvidenceVault.Api.Storage;
using EvidenceVault.Custody;
using EvidenceVault.Evidence;
using EvidenceVault.Identifiers;
using EvidenceVault.Serialization;

namespace EvidenceVault.Api.Access;

/// <summary>A grant as its owner sees it: never the token.</summary>
public sealed record GrantView(string GrantId, string Role, string? Label, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

/// <summary>What restoring a case's grants changed, and every grant the case now has, by id.</summary>
internal sealed record GrantRestoration(IReadOnlyList<string> Restored, IReadOnlyList<string> RevocationsApplied, IReadOnlyDictionary<string, GrantEntity> Grants);

/// <summary>A new grant with its token, shown only once.</summary>
public sealed record IssuedGrant(string GrantId, string Token, string Role, string? Label, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt);

/// <summary>
/// The capabilities of each case: issue (one per victim in a group case, read-only ones for lawyers), list,
/// revoke at once, and rotate the owner's own token. Tokens are stored only as their SHA-256; every change is a
/// custody event naming the grant id, never the token. Each grant and each revocation is first written once to the
/// evidence container (<see cref="GrantRecords"/>), then to the table: the table is an index that reindex rebuilds.
/// </summary>
internal sealed class GrantDirectory(VaultStorage storage, GrantRecords records, CustodyLog custody, TimeProvider clock)
{
    /// <summary>
    /// Issues a grant and logs it as <c>grant.created</c> by <paramref name="actor"/> (none: the vault itself, issuing
    /// a new case's owner grant), so that every grant acting in a case's custody log is introduced there, with its
    /// role and label. Returns the grant and the log's head after that line.
    /// </summary>
    public async Task<(IssuedGrant Grant, ItemCustody Head)> IssueAsync(
        string caseId, string role, string? label, DateTimeOffset? expiresAt, string? actor, CancellationToken cancellationToken)
    {
        var issued = await RecordAsync(caseId, role, label, expiresAt, cancellationToken);
        var (_, position) = await custody.AppendAsync(
            caseId, new CustodyEntry(CustodyEventTypes.GrantCreated, actor, Details: Details(issued.GrantId, role, label, issued.ExpiresAt)), cancellationToken);
        return (issued, new ItemCustody(position.Head.Seq, position.Head.Hash.Hex));
    }

    /// <summary>Writes a new grant's record, then its row; logs nothing.</summary>
    private async Task<IssuedGrant> RecordAsync(string caseId, string role, string? label, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
    {
        var grantId = Ulid.NewUlid(clock);
        var token = CaseTokens.Create(caseId);
        var createdAt = VaultJson.ToMilliseconds(clock.GetUtcNow());
        expiresAt = expiresAt is { } expires ? VaultJson.ToMilliseconds(expires) : null;
        var record = new GrantRecord(grantId, role, label, createdAt, expiresAt, CaseTokens.Hash(token).Hex);
        await records.WriteAsync(caseId, record, cancellationToken);

        // False only when a reindex running meanwhile restored this very row from the record just written.
        await storage.Grants.TryAddEntityAsync(record.ToEntity(caseId, revokedAt: null), cancellationToken);
        return new IssuedGrant(grantId, token, role, label, createdAt, expiresAt);
    }

    public async Task<IReadOnlyList<GrantView>> ListAsync(string caseId, CancellationToken cancellationToken)
    {
        var grants = new List<GrantView>();
        await foreach (var grant in storage.Grants.QueryAsync<GrantEntity>(g => g.PartitionKey == caseId, cancellationToken: cancellationToken))
        {
            grants.Add(new GrantView(grant.GrantId, grant.Role, grant.Label, grant.CreatedAt, grant.ExpiresAt, grant.LastUsedAt, grant.RevokedAt));
        }

        return [.. grants.OrderBy(g => g.GrantId, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The sender (<see cref="CaseRoles.SenderOf"/>) that <paramref name="named"/> names: <c>owner</c>, or a link's grant
    /// id — an owner link's stands for the owner, whichever of their links it was. A lawyer's link sends nothing, so it
    /// names no sender.
    /// </summary>
    public async Task<string> SenderAsync(string caseId, string named, CancellationToken cancellationToken)
    {
        if (named == CaseRoles.Owner)
        {
            return CaseRoles.Owner;
        }

        var grant = await FindAsync(caseId, named, cancellationToken)
            ?? throw new VaultProblemException(ProblemType.GrantNotFound, "No such link in this case: name a link by its grant id, or the case's owner as 'owner'.");
        return grant.Role == CaseRoles.Lawyer
            ? throw new VaultProblemException(ProblemType.MalformedRequest, "A lawyer's link sends no evidence: name a victim's link by its grant id, or the case's owner as 'owner'.")
            : CaseRoles.SenderOf(grant.Role, grant.GrantId);
    }

    /// <summary>Revokes a grant; effective on the next request. Idempotent.</summary>
    public async Task RevokeAsync(string caseId, string grantId, string actor, CancellationToken cancellationToken)
    {
        var grant = await FindAsync(caseId, grantId, cancellationToken)
            ?? throw new VaultProblemException(ProblemType.GrantNotFound, "No such grant in this case.");
        if (grant.RevokedAt is not null)
        {
            return;
        }

        await MarkRevokedAsync(grant, cancellationToken);
        await custody.AppendAsync(caseId, new CustodyEntry(CustodyEventTypes.GrantRevoked, actor, Details: Details(grantId, grant.Role, grant.Label, grant.ExpiresAt)), cancellationToken);
    }

    /// <summary>Replaces the owner's token: a new owner grant, the old one revoked.</summary>
    public async Task<IssuedGrant> RotateOwnerAsync(CaseCaller owner, CancellationToken cancellationToken)
    {
        // Logged below as one owner.rotated line, naming both grants.
        var issued = await RecordAsync(owner.CaseId, CaseRoles.Owner, owner.Label, null, cancellationToken);
        var old = await FindAsync(owner.CaseId, owner.GrantId, cancellationToken);
        if (old is not null)
        {
            await MarkRevokedAsync(old, cancellationToken);
        }

        await custody.AppendAsync(owner.CaseId, new CustodyEntry(CustodyEventTypes.OwnerRotated, owner.GrantId, Details: new Dictionary<string, string>
        {
            ["revokedGrantId"] = owner.GrantId,
            ["grantId"] = issued.GrantId,
        }), cancellationToken);
        return issued;
    }

    /// <summary>
    /// Restores a case's grants from their records (reindex): a recorded grant without a row gets it back — revoked,
    /// if its revocation was recorded — and a recorded revocation its row missed (a crash between the two) is applied.
    /// Existing rows are otherwise left as they are. Returns which grants changed and every grant id the case now has.
    /// </summary>
    public async Task<GrantRestoration> RestoreAsync(string caseId, CancellationToken cancellationToken)
    {
        var rows = new Dictionary<string, GrantEntity>(StringComparer.Ordinal);
        await foreach (var row in storage.Grants.QueryAsync<GrantEntity>(g => g.PartitionKey == caseId, cancellationToken: cancellationToken))
        {
            rows[row.GrantId] = row;
        }

        var restored = new List<string>();
        var revoked = new List<string>();
        foreach (var (record, revokedAt) in await records.ReadAllAsync(caseId, cancellationToken))
        {
            if (!rows.TryGetValue(record.GrantId, out var row))
            {
                var entity = record.ToEntity(caseId, revokedAt);
                if (await storage.Grants.TryAddEntityAsync(entity, cancellationToken))
                {
                    restored.Add(record.GrantId);
                }

                rows[record.GrantId] = entity;
            }
            else if (revokedAt is { } at && row.RevokedAt is null)
            {
                await MarkRevokedAsync(caseId, row.RowKey, at, cancellationToken);
                row.RevokedAt = at;
                revoked.Add(record.GrantId);
            }
        }

        return new GrantRestoration(restored, revoked, rows);
    }

    private async Task MarkRevokedAsync(GrantEntity grant, CancellationToken cancellationToken)
    {
        var revokedAt = await records.RevokeAsync(grant.PartitionKey, grant.GrantId, clock.GetUtcNow(), cancellationToken);
        await MarkRevokedAsync(grant.PartitionKey, grant.RowKey, revokedAt, cancellationToken);
    }

    private async Task MarkRevokedAsync(string caseId, string rowKey, DateTimeOffset revokedAt, CancellationToken cancellationToken) =>
        await storage.Grants.UpdateEntityAsync(
            new TableEntity(caseId, rowKey) { [nameof(GrantEntity.RevokedAt)] = revokedAt }, ETag.All, TableUpdateMode.Merge, cancellationToken);

    private async Task<GrantEntity?> FindAsync(string caseId, string grantId, CancellationToken cancellationToken)
    {
        await foreach (var grant in storage.Grants.QueryAsync<GrantEntity>(g => g.PartitionKey == caseId && g.GrantId == grantId, cancellationToken: cancellationToken))
        {
            return grant;
        }

        return null;
    }

    private static Dictionary<string, string> Details(string grantId, string role, string? label, DateTimeOffset? expiresAt)
    {
        var details = new Dictionary<string, string> { ["grantId"] = grantId, ["role"] = role };
        if (label is not null)
        {
            details["label"] = label;
        }

        if (expiresAt is { } expires)
        {
            details["expiresAt"] = EvidenceVault.Serialization.VaultJson.FormatUtc(expires);
        }

        return details;
    }
}
