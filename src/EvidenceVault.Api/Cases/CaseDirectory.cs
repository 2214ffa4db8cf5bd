using Azure;
using Azure.Data.Tables;
using EvidenceVault.Api.Access;
using EvidenceVault.Api.Custody;
using EvidenceVault.Api.Storage;
using EvidenceVault.Custody;
using EvidenceVault.Evidence;
using EvidenceVault.Identifiers;
using EvidenceVault.Serialization;

namespace EvidenceVault.Api.Cases;

/// <summary>A case in the <c>cases</c> table: PK = case id, RK = <c>case</c>.</summary>
internal sealed class CaseEntity : ITableEntity
{
    public const string Row = "case";

    public string PartitionKey { get; set; } = string.Empty;

    public string RowKey { get; set; } = Row;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string? Title { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public long ItemCount { get; set; }

    public long TotalBytes { get; set; }
}

/// <summary>A new case and the owner's token (shown once, never stored).</summary>
internal sealed record NewCase(string CaseId, string OwnerToken, string? Title, DateTimeOffset CreatedAt, ItemCustody Custody);

/// <summary>
/// Opens cases. Order matters for crashes: the custody log first, then the case, then the owner's grant — a case
/// whose creation was cut short has no grant, so nobody holds a token to it and it can never half-work.
/// </summary>
internal sealed class CaseDirectory(VaultStorage storage, CustodyLog custody, GrantDirectory grants, TimeProvider clock)
{
    public const int MaxTitleLength = 200;

    public async Task<NewCase> CreateAsync(string? title, CancellationToken cancellationToken)
    {
        await storage.EnsureReadyAsync(cancellationToken);
        var caseId = Ulid.NewUlid(clock);
        await custody.CreateAsync(caseId, cancellationToken);
        var details = title is null ? null : new Dictionary<string, string> { [CustodyEventTypes.CaseTitleDetail] = title };
        var (created, _) = await custody.AppendAsync(caseId, new CustodyEntry(CustodyEventTypes.CaseCreated, null, Details: details), cancellationToken);

        // The case's time is its first custody line's, as the log keeps it: the row can be rebuilt from the log.
        var createdAt = VaultJson.ToMilliseconds(created.At);

        // False only when a reindex running meanwhile restored this very row from the line just written.
        await storage.Cases.TryAddEntityAsync(new CaseEntity { PartitionKey = caseId, Title = title, CreatedAt = createdAt }, cancellationToken);
        var (owner, head) = await grants.IssueAsync(caseId, CaseRoles.Owner, "owner", null, actor: null, cancellationToken);
        return new NewCase(caseId, owner.Token, title, createdAt, head);
    }

    /// <summary>Counts an indexed item against the case's quota (optimistic concurrency: concurrent uploads retry).</summary>
    public async Task AddUsageAsync(string caseId, long bytes, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var entity = (await storage.Cases.GetEntityAsync<CaseEntity>(caseId, CaseEntity.Row, cancellationToken: cancellationToken)).Value;
            entity.ItemCount++;
            entity.TotalBytes += bytes;
            try
            {
                await storage.Cases.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Merge, cancellationToken);
                return;
            }
            catch (RequestFailedException e) when (e.Status == StatusCodes.Status412PreconditionFailed && attempt < 50)
            {
                // Another upload counted first: read again.
            }
        }
    }

    /// <summary>
    /// Restores a case's row from its <c>case.created</c> event (reindex), with the usage of the items already
    /// indexed; false when the row exists.
    /// </summary>
    public async Task<bool> RestoreAsync(CustodyEvent created, long itemCount, long totalBytes, CancellationToken cancellationToken) =>
        await storage.Cases.TryAddEntityAsync(
            new CaseEntity { PartitionKey = created.CaseId, Title = created.Details?.GetValueOrDefault(CustodyEventTypes.CaseTitleDetail), CreatedAt = created.At, ItemCount = itemCount, TotalBytes = totalBytes },
            cancellationToken);

    public async Task<CaseEntity?> FindAsync(string caseId, CancellationToken cancellationToken)
    {
        var found = await storage.Cases.GetEntityIfExistsAsync<CaseEntity>(caseId, CaseEntity.Row, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }
}
