using Azure;
using Azure.Data.Tables;
using EvidenceVault.Api.Ingest;
using EvidenceVault.Evidence;
using EvidenceVault.Hashing;

namespace EvidenceVault.Api.Uploads;

/// <summary>Where a resumable upload stands.</summary>
internal static class UploadStates
{
    /// <summary>Taking PATCHes.</summary>
    public const string Open = "open";

    /// <summary>Every byte is in; the item is being committed and indexed.</summary>
    public const string Completing = "completing";

    /// <summary>Became an item (or matched one its sender had already sent).</summary>
    public const string Completed = "completed";

    /// <summary>Ended by its uploader before completion.</summary>
    public const string Terminated = "terminated";

    /// <summary>Unfinished for longer than the expiry.</summary>
    public const string Expired = "expired";

    /// <summary>Refused (format, kind or declared digest); the reason is kept.</summary>
    public const string Rejected = "rejected";
}

/// <summary>
/// One resumable upload, as the <c>uploads</c> table holds it (PK = case id, RK = upload id): the offset, the ids
/// of the blocks staged on the item's blob so far, the SHA-256 state over those bytes and the bytes the format is
/// recognised by (the first ones, and a compound file's directory) — everything any instance needs to take the next PATCH. Updated with its ETag only, so
/// of two racing PATCHes one wins and the other's blocks are never referenced.
/// </summary>
internal sealed record UploadSession
{
    /// <summary>Block ids are 12 random bytes (16 base64 characters): unguessable, and all the same length, as Azure requires.</summary>
    public const int BlockIdBytes = 12;

    /// <summary>Azure's limit of committed blocks per blob.</summary>
    public const int MaxBlocks = 50_000;

    // Table binary properties hold 64 KiB each; block ids are spread over as many as needed.
    private const int BlockIdsPerProperty = 5000;

    public required string CaseId { get; init; }

    public required string UploadId { get; init; }

    public required string ItemId { get; init; }

    public required string GrantId { get; init; }

    public required string GrantRole { get; init; }

    public string? GrantLabel { get; init; }

    public required long Length { get; init; }

    public long Offset { get; init; }

    public required string State { get; init; }

    /// <summary>The <c>Upload-Metadata</c> header as the client sent it (HEAD returns it).</summary>
    public string? Metadata { get; init; }

    public required EvidenceClaims Claims { get; init; }

    /// <summary>The first bytes (up to <see cref="EvidenceFormatDetector.HeadLength"/>), to recognise the format.</summary>
    public byte[] Head { get; init; } = [];

    /// <summary>For a compound file (an Office 97–2003 document, an Outlook message), the first bytes of its directory so far, to recognise it (see <see cref="FormatSample"/>).</summary>
    public byte[] Directory { get; init; } = [];

    /// <summary><see cref="ResumableSha256"/> state after <see cref="Offset"/> bytes.</summary>
    public required byte[] HashState { get; init; }

    /// <summary>Concatenated raw block ids, in order.</summary>
    public byte[] BlockIds { get; init; } = [];

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>When the completion now running began (it may be taken over after a while).</summary>
    public DateTimeOffset? CompletingSince { get; init; }

    /// <summary>The item the upload became.</summary>
    public string? ResultItemId { get; init; }

    /// <summary>Why it was rejected (a problem type code).</summary>
    public string? Reason { get; init; }

    public ETag ETag { get; init; }

    public int BlockCount => BlockIds.Length / BlockIdBytes;

    /// <summary>The block ids as Azure takes them (base64).</summary>
    public IEnumerable<string> BlockIdList()
    {
        for (var i = 0; i < BlockIds.Length; i += BlockIdBytes)
        {
            yield return Convert.ToBase64String(BlockIds, i, BlockIdBytes);
        }
    }

    public TableEntity ToEntity()
    {
        var entity = new TableEntity(CaseId, UploadId)
        {
            ETag = ETag,
            ["ItemId"] = ItemId,
            ["GrantId"] = GrantId,
            ["GrantRole"] = GrantRole,
            ["GrantLabel"] = GrantLabel,
            ["Length"] = Length,
            ["Offset"] = Offset,
            ["State"] = State,
            ["Metadata"] = Metadata,
            ["Kind"] = Claims.Kind?.ToWireName(),
            ["FileName"] = Claims.FileName,
            ["CapturedAt"] = Claims.CapturedAt,
            ["SourceUrl"] = Claims.SourceUrl,
            ["Note"] = Claims.Note,
            ["DeclaredSha256"] = Claims.DeclaredDigest?.Hex,
            ["Head"] = Head,
            ["Directory"] = Directory,
            ["HashState"] = HashState,
            ["BlockCount"] = BlockCount,
            ["CreatedAt"] = CreatedAt,
            ["ExpiresAt"] = ExpiresAt,
            ["CompletingSince"] = CompletingSince,
            ["ResultItemId"] = ResultItemId,
            ["Reason"] = Reason,
        };
        var perProperty = BlockIdsPerProperty * BlockIdBytes;
        for (int start = 0, n = 0; start < BlockIds.Length; start += perProperty, n++)
        {
            entity["Blocks" + n] = BlockIds.AsSpan(start, Math.Min(perProperty, BlockIds.Length - start)).ToArray();
        }

        return entity;
    }

    public static UploadSession FromEntity(TableEntity entity)
    {
        var blockCount = entity.GetInt32("BlockCount") ?? 0;
        var blockIds = new byte[blockCount * BlockIdBytes];
        for (int filled = 0, n = 0; filled < blockIds.Length; n++)
        {
            var part = entity.GetBinary("Blocks" + n) ?? throw new InvalidDataException($"Upload {entity.RowKey} lacks block ids part {n}.");
            part.CopyTo(blockIds, filled);
            filled += part.Length;
        }

        EvidenceKind? kind = entity.GetString("Kind") is { } wire && EvidenceKinds.TryParse(wire, out var parsed) ? parsed : null;
        return new UploadSession
        {
            CaseId = entity.PartitionKey,
            UploadId = entity.RowKey,
            ETag = entity.ETag,
            ItemId = entity.GetString("ItemId"),
            GrantId = entity.GetString("GrantId"),
            GrantRole = entity.GetString("GrantRole"),
            GrantLabel = entity.GetString("GrantLabel"),
            Length = entity.GetInt64("Length") ?? 0,
            Offset = entity.GetInt64("Offset") ?? 0,
            State = entity.GetString("State"),
            Metadata = entity.GetString("Metadata"),
            Claims = new EvidenceClaims(
                kind,
                entity.GetString("FileName"),
                entity.GetDateTimeOffset("CapturedAt"),
                entity.GetString("SourceUrl"),
                entity.GetString("DeclaredSha256") is { } declared ? Sha256Digest.ParseHex(declared) : null,
                entity.GetString("Note")),
            Head = entity.GetBinary("Head") ?? [],
            Directory = entity.GetBinary("Directory") ?? [],
            HashState = entity.GetBinary("HashState"),
            BlockIds = blockIds,
            CreatedAt = entity.GetDateTimeOffset("CreatedAt") ?? default,
            ExpiresAt = entity.GetDateTimeOffset("ExpiresAt") ?? default,
            CompletingSince = entity.GetDateTimeOffset("CompletingSince"),
            ResultItemId = entity.GetString("ResultItemId"),
            Reason = entity.GetString("Reason"),
        };
    }
}
