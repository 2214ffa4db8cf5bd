using System.Text;
using System.Text.Json;
using EvidenceVault.Hashing;
using EvidenceVault.Serialization;

namespace EvidenceVault.Custody;

/// <summary>
/// One line of a case's chain-of-custody log. The line carries the SHA-256 of the previous line's exact bytes,
/// so changing, removing or reordering any line breaks every hash after it.
/// </summary>
public sealed record CustodyEvent
{
    /// <summary>Position in the case's log, starting at 1 with <c>case.created</c>.</summary>
    public required long Seq { get; init; }

    /// <summary>Server time of the event (UTC).</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>What happened; one of <see cref="CustodyEventTypes"/>.</summary>
    public required string Type { get; init; }

    /// <summary>The case.</summary>
    public required string CaseId { get; init; }

    /// <summary>The grant that acted (its id, never its token).</summary>
    public string? Actor { get; init; }

    /// <summary>The item concerned, if any.</summary>
    public string? ItemId { get; init; }

    /// <summary>SHA-256 (hex) of the item's bytes, if any.</summary>
    public string? Sha256 { get; init; }

    /// <summary>Size of the item's bytes, if any.</summary>
    public long? Size { get; init; }

    /// <summary>Further facts, by name.</summary>
    public IReadOnlyDictionary<string, string>? Details { get; init; }

    /// <summary>SHA-256 (hex) of the previous line's bytes; 64 zeros for the first line.</summary>
    public required string Prev { get; init; }

    /// <summary>The exact line stored in the log (UTF-8, no trailing newline).</summary>
    public string ToLine() => JsonSerializer.Serialize(this, VaultJson.Compact);

    /// <summary>Parses a stored line.</summary>
    public static CustodyEvent Parse(string line) =>
        JsonSerializer.Deserialize<CustodyEvent>(line, VaultJson.Compact) ?? throw new JsonException("A custody line is empty.");

    /// <summary>The hash that the next line names as its <see cref="Prev"/>.</summary>
    public static Sha256Digest HashLine(string line) => Sha256Digest.Of(Encoding.UTF8.GetBytes(line));
}

/// <summary>The custody event types.</summary>
public static class CustodyEventTypes
{
    /// <summary>The case was opened; always the first line. Its details hold the case's title (<see cref="CaseTitleDetail"/>), if it has one.</summary>
    public const string CaseCreated = "case.created";

    /// <summary>The <see cref="CaseCreated"/> detail with the title the case was opened under (a case's title never changes).</summary>
    public const string CaseTitleDetail = "title";

    /// <summary>Evidence bytes were received, hashed and written once.</summary>
    public const string ItemReceived = "item.received";

    /// <summary>
    /// Two uploads of the same bytes raced: this item's blob was written, but the case already indexes an item
    /// with the same SHA-256 (named in the details), which stands.
    /// </summary>
    public const string ItemDuplicate = "item.duplicate";

    /// <summary>An item's record (or its timestamp or receipt) was viewed.</summary>
    public const string ItemViewed = "item.viewed";

    /// <summary>The custody log itself was read.</summary>
    public const string CustodyViewed = "custody.viewed";

    /// <summary>An item's original bytes were downloaded.</summary>
    public const string ItemDownloaded = "item.downloaded";

    /// <summary>A bundle of the case was exported.</summary>
    public const string BundleExported = "bundle.exported";

    /// <summary>
    /// The operator rebuilt what the index had lost from storage (reindex): the details count what was restored.
    /// Nothing about the evidence changed; the items keep their own <c>item.received</c> events.
    /// </summary>
    public const string IndexRebuilt = "index.rebuilt";

    /// <summary>While exporting, stored bytes did not match the index: the bundle says so.</summary>
    public const string BundleIntegrityFailure = "bundle.integrity-failure";

    /// <summary>A link (grant) was issued; details: <c>grantId</c>, <c>role</c>, <c>label</c>, <c>expiresAt</c>. The owner's is line 2, with no actor.</summary>
    public const string GrantCreated = "grant.created";

    /// <summary>A link was revoked; details as for <see cref="GrantCreated"/>.</summary>
    public const string GrantRevoked = "grant.revoked";

    /// <summary>The owner replaced their link; details: <c>grantId</c> (the new one), <c>revokedGrantId</c>.</summary>
    public const string OwnerRotated = "owner.rotated";
}
