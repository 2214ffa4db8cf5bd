using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using EvidenceVault.Api.Storage;
using EvidenceVault.Evidence;

namespace EvidenceVault.Api.Items;

/// <summary>An item in the <c>items</c> table: PK = case id, RK = item id (a ULID, so a case lists oldest first).</summary>
internal sealed class ItemEntity : ITableEntity
{
    public string PartitionKey { get; set; } = string.Empty;

    public string RowKey { get; set; } = string.Empty;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Sha256 { get; set; } = string.Empty;

    public long Size { get; set; }

    public string Kind { get; set; } = string.Empty;

    public string ContentType { get; set; } = string.Empty;

    public string? FileName { get; set; }

    public DateTimeOffset? CapturedAt { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    public string? SourceUrl { get; set; }

    public string? Contributor { get; set; }

    public long CustodySeq { get; set; }

    public string CustodyHead { get; set; } = string.Empty;

    public static ItemEntity From(EvidenceItemRecord item) => new()
    {
        PartitionKey = item.CaseId,
        RowKey = item.ItemId,
        Sha256 = item.Sha256,
        Size = item.Size,
        Kind = item.Kind,
        ContentType = item.ContentType,
        FileName = item.FileName,
        CapturedAt = item.CapturedAt,
        ReceivedAt = item.ReceivedAt,
        SourceUrl = item.SourceUrl,
        Contributor = item.Contributor,
        CustodySeq = item.Custody.Seq,
        CustodyHead = item.Custody.Head,
    };

    public EvidenceItemRecord ToRecord() => new()
    {
        ItemId = RowKey,
        CaseId = PartitionKey,
        Sha256 = Sha256,
        Size = Size,
        Kind = Kind,
        ContentType = ContentType,
        FileName = FileName,
        CapturedAt = CapturedAt,
        ReceivedAt = ReceivedAt,
        SourceUrl = SourceUrl,
        Contributor = Contributor,
        Custody = new ItemCustody(CustodySeq, CustodyHead),
    };
}

/// <summary>The per-case digest index row (RK = <c>sha256-{hex}</c>) that makes re-uploading the same bytes idempotent.</summary>
internal sealed class DigestEntity : ITableEntity
{
    public const string RowPrefix = "sha256-";

    public string PartitionKey { get; set; } = string.Empty;

    public string RowKey { get; set; } = string.Empty;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string ItemId { get; set; } = string.Empty;
}

/// <summary>A page of items and the cursor of the next page, if any.</summary>
public sealed record ItemPage(IReadOnlyList<EvidenceItemRecord> Items, string? Next);

/// <summary>The items table: items and their digest rows share a partition, so both are written in one transaction.</summary>
internal sealed class ItemIndex(VaultStorage storage)
{
    public const int MaxPageSize = 1000;

    // Item ids are upper-case ULIDs; every digest row sorts after them ('s' > 'Z').
    private static string ItemsOf(string caseId) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {caseId} and RowKey lt {DigestEntity.RowPrefix}");

    /// <summary>Adds an item and its digest row atomically; false when the case already holds these bytes.</summary>
    public async Task<bool> TryAddAsync(EvidenceItemRecord item, CancellationToken cancellationToken)
    {
        var digest = new DigestEntity { PartitionKey = item.CaseId, RowKey = DigestEntity.RowPrefix + item.Sha256, ItemId = item.ItemId };
        try
        {
            await storage.Items.SubmitTransactionAsync(
                [new TableTransactionAction(TableTransactionActionType.Add, ItemEntity.From(item)), new TableTransactionAction(TableTransactionActionType.Add, digest)],
                cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status == StatusCodes.Status409Conflict)
        {
            return false;
        }
    }

    public async Task<EvidenceItemRecord?> FindByDigestAsync(string caseId, string sha256, CancellationToken cancellationToken)
    {
        var digest = await storage.Items.GetEntityIfExistsAsync<DigestEntity>(caseId, DigestEntity.RowPrefix + sha256, cancellationToken: cancellationToken);
        return digest.HasValue ? await GetAsync(caseId, digest.Value!.ItemId, cancellationToken) : null;
    }

    public async Task<EvidenceItemRecord?> GetAsync(string caseId, string itemId, CancellationToken cancellationToken)
    {
        if (itemId.StartsWith(DigestEntity.RowPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var item = await storage.Items.GetEntityIfExistsAsync<ItemEntity>(caseId, itemId, cancellationToken: cancellationToken);
        return item.HasValue ? item.Value!.ToRecord() : null;
    }

    public async Task<ItemPage> ListAsync(string caseId, int pageSize, string? cursor, CancellationToken cancellationToken)
    {
        var pages = storage.Items.QueryAsync<ItemEntity>(ItemsOf(caseId), maxPerPage: pageSize, cancellationToken: cancellationToken)
            .AsPages(cursor, pageSize);
        await foreach (var page in pages)
        {
            return new ItemPage(page.Values.Select(e => e.ToRecord()).ToList(), page.ContinuationToken);
        }

        return new ItemPage([], null);
    }

    public async IAsyncEnumerable<EvidenceItemRecord> ListAllAsync(string caseId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var entity in storage.Items.QueryAsync<ItemEntity>(ItemsOf(caseId), maxPerPage: MaxPageSize, cancellationToken: cancellationToken))
        {
            yield return entity.ToRecord();
        }
    }
}
