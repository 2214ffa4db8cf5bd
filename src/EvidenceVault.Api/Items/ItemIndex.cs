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

    public string? SnapshotSource { get; set; }

    public string? SnapshotUrl { get; set; }

    public DateTimeOffset? SnapshotCapturedAt { get; set; }

    public string? CapturedBy { get; set; }

    public string? RecordingSource { get; set; }

    public double? RecordingDurationSeconds { get; set; }

    public DateTimeOffset? RecordingRecordedAt { get; set; }

    public string? RecordingLocalTime { get; set; }

    public string? RecordingUtcOffset { get; set; }

    public string? RecordingDevice { get; set; }

    public string? PhotoSource { get; set; }

    public string? PhotoTakenAt { get; set; }

    public string? PhotoUtcOffset { get; set; }

    public string? PhotoDevice { get; set; }

    public string? MessageSource { get; set; }

    public string? MessageFrom { get; set; }

    public string? MessageTo { get; set; }

    public string? MessageSubject { get; set; }

    public DateTimeOffset? MessageSentAt { get; set; }

    public string? MessageId { get; set; }

    public DateTimeOffset? MessageDeliveredAt { get; set; }

    public string? MessageDeliveredBy { get; set; }

    public string? MessageDeliveredTo { get; set; }

    public string? MessageCc { get; set; }

    public string? MessageAuthenticatedBy { get; set; }

    public string? MessageAuthenticationResults { get; set; }

    /// <summary>The links the e-mail's text points to (JSON), as the custody line records them.</summary>
    public string? MessageLinks { get; set; }

    /// <summary>The files the e-mail carries as attachments (JSON), as the custody line records them.</summary>
    public string? MessageAttachments { get; set; }

    /// <summary>The headers of the mails forwarded inside the e-mail (JSON), as the custody line records them.</summary>
    public string? MessageForwarded { get; set; }

    /// <summary>The e-mail's DKIM signatures as checked on receipt (JSON), as the custody line records them.</summary>
    public string? MessageSignatures { get; set; }

    public string? DocumentSource { get; set; }

    public string? DocumentAuthor { get; set; }

    public string? DocumentLastModifiedBy { get; set; }

    public string? DocumentCreatedAt { get; set; }

    public string? DocumentModifiedAt { get; set; }

    public string? DocumentApplication { get; set; }

    public string? DocumentCompany { get; set; }

    public string? ChatSource { get; set; }

    /// <summary>The writers an exported chat names (JSON), as the custody line records them.</summary>
    public string? ChatParticipants { get; set; }

    /// <summary>The writers' account ids an exported chat names (JSON), as the custody line records them.</summary>
    public string? ChatAccounts { get; set; }

    public int? ChatWriters { get; set; }

    public int? ChatMessages { get; set; }

    public string? ChatFirstMessageAt { get; set; }

    public string? ChatLastMessageAt { get; set; }

    /// <summary>The links an exported chat's messages hold (JSON), as the custody line records them.</summary>
    public string? ChatLinks { get; set; }

    /// <summary>The sites a capture reached and their certificates, as the custody line records them (JSON).</summary>
    public string? CapturedSites { get; set; }

    public string? Note { get; set; }

    public string? Contributor { get; set; }

    public string? ContributorRole { get; set; }

    public string? ContributorLabel { get; set; }

    public long CustodySeq { get; set; }

    public string CustodyHead { get; set; } = string.Empty;

    public string? TimestampStatus { get; set; }

    public DateTimeOffset? TimestampGenTime { get; set; }

    public string? TimestampAuthority { get; set; }

    public string? TimestampSerial { get; set; }

    public string? TimestampPolicy { get; set; }

    public string? TimestampResponseSha256 { get; set; }

    public int TimestampAttempts { get; set; }

    public DateTimeOffset? TimestampNextAttemptAt { get; set; }

    public int ReceiptVersion { get; set; }

    public string? ReceiptKeyId { get; set; }

    public string? ReceiptSha256 { get; set; }

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
        SnapshotSource = item.Snapshot?.Source,
        SnapshotUrl = item.Snapshot?.Url,
        SnapshotCapturedAt = item.Snapshot?.CapturedAt,
        CapturedBy = item.CapturedBy,
        RecordingSource = item.Recording?.Source,
        RecordingDurationSeconds = item.Recording?.DurationSeconds,
        RecordingRecordedAt = item.Recording?.RecordedAt,
        RecordingLocalTime = item.Recording?.LocalTime,
        RecordingUtcOffset = item.Recording?.UtcOffset,
        RecordingDevice = item.Recording?.Device,
        PhotoSource = item.Photo?.Source,
        PhotoTakenAt = item.Photo?.TakenAt,
        PhotoUtcOffset = item.Photo?.UtcOffset,
        PhotoDevice = item.Photo?.Device,
        MessageSource = item.Message?.Source,
        MessageFrom = item.Message?.From,
        MessageTo = item.Message?.To,
        MessageSubject = item.Message?.Subject,
        MessageSentAt = item.Message?.SentAt,
        MessageId = item.Message?.MessageId,
        MessageDeliveredAt = item.Message?.DeliveredAt,
        MessageDeliveredBy = item.Message?.DeliveredBy,
        MessageDeliveredTo = item.Message?.DeliveredTo,
        MessageCc = item.Message?.Cc,
        MessageAuthenticatedBy = item.Message?.AuthenticatedBy,
        MessageAuthenticationResults = item.Message?.AuthenticationResults,
        MessageLinks = EvidenceVault.Custody.MessageDetails.LinksValue(item.Message?.Links),
        MessageAttachments = EvidenceVault.Custody.MessageDetails.AttachmentsValue(item.Message?.Attachments),
        MessageForwarded = EvidenceVault.Custody.MessageDetails.ForwardedValue(item.Message?.Forwarded),
        MessageSignatures = EvidenceVault.Custody.MessageDetails.SignaturesValue(item.Message?.Signatures),
        DocumentSource = item.Document?.Source,
        DocumentAuthor = item.Document?.Author,
        DocumentLastModifiedBy = item.Document?.LastModifiedBy,
        DocumentCreatedAt = item.Document?.CreatedAt,
        DocumentModifiedAt = item.Document?.ModifiedAt,
        DocumentApplication = item.Document?.Application,
        DocumentCompany = item.Document?.Company,
        ChatSource = item.Chat?.Source,
        ChatParticipants = EvidenceVault.Custody.ChatDetails.TextsValue(item.Chat?.Participants),
        ChatAccounts = EvidenceVault.Custody.ChatDetails.TextsValue(item.Chat?.Accounts),
        ChatWriters = item.Chat?.Writers,
        ChatMessages = item.Chat?.Messages,
        ChatFirstMessageAt = item.Chat?.FirstMessageAt,
        ChatLastMessageAt = item.Chat?.LastMessageAt,
        ChatLinks = EvidenceVault.Custody.ChatDetails.TextsValue(item.Chat?.Links),
        CapturedSites = item.CapturedSites is { Count: > 0 } sites ? EvidenceVault.Custody.CaptureDetails.SitesValue(sites) : null,
        Note = item.Note,
        Contributor = item.Contributor,
        ContributorRole = item.ContributorRole,
        ContributorLabel = item.ContributorLabel,
        CustodySeq = item.Custody.Seq,
        CustodyHead = item.Custody.Head,
        TimestampStatus = item.Timestamp?.Status,
        TimestampGenTime = item.Timestamp?.GenTime,
        TimestampAuthority = item.Timestamp?.Authority,
        TimestampSerial = item.Timestamp?.SerialNumber,
        TimestampPolicy = item.Timestamp?.PolicyId,
        TimestampResponseSha256 = item.Timestamp?.ResponseSha256,
        ReceiptVersion = item.Receipt?.Version ?? 0,
        ReceiptKeyId = item.Receipt?.KeyId,
        ReceiptSha256 = item.Receipt?.Sha256,
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
        Snapshot = SnapshotSource is null ? null : new PageSnapshotOrigin { Source = SnapshotSource, Url = SnapshotUrl, CapturedAt = SnapshotCapturedAt },
        CapturedBy = CapturedBy,
        Recording = RecordingSource is null ? null : new RecordingInfo
        {
            Source = RecordingSource, DurationSeconds = RecordingDurationSeconds, RecordedAt = RecordingRecordedAt,
            LocalTime = RecordingLocalTime, UtcOffset = RecordingUtcOffset, Device = RecordingDevice,
        },
        Photo = PhotoSource is null ? null : new PhotoInfo { Source = PhotoSource, TakenAt = PhotoTakenAt, UtcOffset = PhotoUtcOffset, Device = PhotoDevice },
        Message = MessageSource is null ? null : new MessageInfo
        {
            Source = MessageSource, From = MessageFrom, To = MessageTo, Subject = MessageSubject, SentAt = MessageSentAt, MessageId = MessageId,
            DeliveredAt = MessageDeliveredAt, DeliveredBy = MessageDeliveredBy, DeliveredTo = MessageDeliveredTo, Cc = MessageCc,
            AuthenticatedBy = MessageAuthenticatedBy, AuthenticationResults = MessageAuthenticationResults, Links = EvidenceVault.Custody.MessageDetails.LinksFrom(MessageLinks),
            Attachments = EvidenceVault.Custody.MessageDetails.AttachmentsFrom(MessageAttachments),
            Forwarded = EvidenceVault.Custody.MessageDetails.ForwardedFrom(MessageForwarded),
            Signatures = EvidenceVault.Custody.MessageDetails.SignaturesFrom(MessageSignatures),
        },
        Document = DocumentSource is null ? null : new DocumentInfo
        {
            Source = DocumentSource, Author = DocumentAuthor, LastModifiedBy = DocumentLastModifiedBy,
            CreatedAt = DocumentCreatedAt, ModifiedAt = DocumentModifiedAt, Application = DocumentApplication, Company = DocumentCompany,
        },
        Chat = ChatSource is null ? null : new ChatInfo
        {
            Source = ChatSource, Participants = EvidenceVault.Custody.ChatDetails.TextsFrom(ChatParticipants), Accounts = EvidenceVault.Custody.ChatDetails.TextsFrom(ChatAccounts),
            Writers = ChatWriters ?? 0, Messages = ChatMessages ?? 0,
            FirstMessageAt = ChatFirstMessageAt ?? string.Empty, LastMessageAt = ChatLastMessageAt ?? string.Empty,
            Links = EvidenceVault.Custody.ChatDetails.TextsFrom(ChatLinks),
        },
        CapturedSites = EvidenceVault.Custody.CaptureDetails.SitesFrom(CapturedSites),
        Note = Note,
        Contributor = Contributor,
        ContributorRole = ContributorRole,
        ContributorLabel = ContributorLabel,
        Custody = new ItemCustody(CustodySeq, CustodyHead),
        Timestamp = TimestampStatus is null ? null : new ItemTimestamp
        {
            Status = TimestampStatus,
            GenTime = TimestampGenTime,
            Authority = TimestampAuthority,
            SerialNumber = TimestampSerial,
            PolicyId = TimestampPolicy,
            ResponseSha256 = TimestampResponseSha256,
        },
        Receipt = ReceiptVersion == 0 ? null : new ItemReceipt { Version = ReceiptVersion, KeyId = ReceiptKeyId ?? string.Empty, Sha256 = ReceiptSha256 ?? string.Empty },
    };
}

/// <summary>
/// The digest index row (RK = <c>sha256-{hex}-{sender}</c>) that makes a sender's re-upload of the same bytes
/// idempotent. It is kept per sender, not per case: a fellow victim who sends a file the case already holds from
/// someone else gets an item of their own, with their own receipt, instead of another victim's item.
/// </summary>
internal sealed class DigestEntity : ITableEntity
{
    public const string RowPrefix = "sha256-";

    /// <summary>The row key of <paramref name="sender"/>'s item (a sender as <see cref="CaseRoles.SenderOf"/> names them) with SHA-256 <paramref name="sha256"/>.</summary>
    public static string RowKeyOf(string sha256, string sender) => $"{RowPrefix}{sha256}-{sender}";

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

    /// <summary>
    /// The case's items, or one sender's (<see cref="CaseRoles.SenderOf"/>): the owner's under any owner link, or one
    /// other link's. Item ids are upper-case ULIDs; every digest row sorts after them ('s' > 'Z').
    /// </summary>
    private static string ItemsOf(string caseId, string? sender) => sender switch
    {
        null => TableClient.CreateQueryFilter($"PartitionKey eq {caseId} and RowKey lt {DigestEntity.RowPrefix}"),
        CaseRoles.Owner => TableClient.CreateQueryFilter($"PartitionKey eq {caseId} and RowKey lt {DigestEntity.RowPrefix} and ContributorRole eq {CaseRoles.Owner}"),
        _ => TableClient.CreateQueryFilter($"PartitionKey eq {caseId} and RowKey lt {DigestEntity.RowPrefix} and Contributor eq {sender}"),
    };

    /// <summary>Adds an item and its digest row atomically; false when the case already holds these bytes from the item's sender.</summary>
    public async Task<bool> TryAddAsync(EvidenceItemRecord item, DateTimeOffset? timestampDueAt, CancellationToken cancellationToken)
    {
        var row = ItemEntity.From(item);
        row.TimestampNextAttemptAt = timestampDueAt;
        var sender = CaseRoles.SenderOf(item.ContributorRole, item.Contributor ?? throw new ArgumentException("An item is added with the grant that sent it.", nameof(item)));
        var digest = new DigestEntity { PartitionKey = item.CaseId, RowKey = DigestEntity.RowKeyOf(item.Sha256, sender), ItemId = item.ItemId };
        try
        {
            await storage.Items.SubmitTransactionAsync(
                [new TableTransactionAction(TableTransactionActionType.Add, row), new TableTransactionAction(TableTransactionActionType.Add, digest)],
                cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status == StatusCodes.Status409Conflict)
        {
            return false;
        }
    }

    /// <summary>Merges the given columns into an item's row (last writer wins per column; callers write monotonic facts).</summary>
    public async Task MergeAsync(string caseId, string itemId, IReadOnlyDictionary<string, object?> columns, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(caseId, itemId);
        foreach (var (name, value) in columns)
        {
            entity[name] = value;
        }

        await storage.Items.UpdateEntityAsync(entity, ETag.All, TableUpdateMode.Merge, cancellationToken);
    }

    /// <summary>Items of every case whose timestamp is pending and due for another attempt.</summary>
    public async IAsyncEnumerable<EvidenceItemRecord> ListDueTimestampsAsync(DateTimeOffset now, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"TimestampStatus eq {TimestampStatuses.Pending} and TimestampNextAttemptAt le {now}");
        await foreach (var entity in storage.Items.QueryAsync<ItemEntity>(filter, maxPerPage: MaxPageSize, cancellationToken: cancellationToken))
        {
            yield return entity.ToRecord();
        }
    }

    /// <summary>How many attempts an item's timestamp has had.</summary>
    public async Task<int> TimestampAttemptsAsync(string caseId, string itemId, CancellationToken cancellationToken)
    {
        var entity = await storage.Items.GetEntityIfExistsAsync<ItemEntity>(caseId, itemId, [nameof(ItemEntity.TimestampAttempts)], cancellationToken);
        return entity.HasValue ? entity.Value!.TimestampAttempts : 0;
    }

    /// <summary>The item <paramref name="sender"/> sent with SHA-256 <paramref name="sha256"/>, if any.</summary>
    public async Task<EvidenceItemRecord?> FindByDigestAsync(Access.CaseCaller sender, string sha256, CancellationToken cancellationToken)
    {
        var digest = await storage.Items.GetEntityIfExistsAsync<DigestEntity>(
            sender.CaseId, DigestEntity.RowKeyOf(sha256, CaseRoles.SenderOf(sender.Role, sender.GrantId)), cancellationToken: cancellationToken);
        return digest.HasValue ? await GetAsync(sender.CaseId, digest.Value!.ItemId, cancellationToken) : null;
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

    public async Task<ItemPage> ListAsync(string caseId, int pageSize, string? cursor, string? sender, CancellationToken cancellationToken)
    {
        var pages = storage.Items.QueryAsync<ItemEntity>(ItemsOf(caseId, sender), maxPerPage: pageSize, cancellationToken: cancellationToken)
            .AsPages(cursor, pageSize);
        await foreach (var page in pages)
        {
            return new ItemPage(page.Values.Select(e => e.ToRecord()).ToList(), page.ContinuationToken);
        }

        return new ItemPage([], null);
    }

    public async IAsyncEnumerable<EvidenceItemRecord> ListAllAsync(string caseId, string? sender, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var entity in storage.Items.QueryAsync<ItemEntity>(ItemsOf(caseId, sender), maxPerPage: MaxPageSize, cancellationToken: cancellationToken))
        {
            yield return entity.ToRecord();
        }
    }
}
