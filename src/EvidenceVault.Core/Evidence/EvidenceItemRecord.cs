namespace EvidenceVault.Evidence;

/// <summary>Where an item's receipt sits in the case's custody log.</summary>
/// <param name="Seq">Sequence number of the item's <c>item.received</c> event.</param>
/// <param name="Head">SHA-256 of that event's line: the log's head right after the item was received.</param>
public sealed record ItemCustody(long Seq, string Head);

/// <summary>
/// Everything the vault knows about one piece of evidence: the index entry, the API's item view and a row of
/// <c>items.json</c> in a bundle.
/// </summary>
public sealed record EvidenceItemRecord
{
    /// <summary>Item id (a ULID: sorts by receipt time).</summary>
    public required string ItemId { get; init; }

    /// <summary>The case the item belongs to.</summary>
    public required string CaseId { get; init; }

    /// <summary>SHA-256 of the original bytes, lowercase hex.</summary>
    public required string Sha256 { get; init; }

    /// <summary>Size of the original bytes.</summary>
    public required long Size { get; init; }

    /// <summary>Evidence kind (wire name).</summary>
    public required string Kind { get; init; }

    /// <summary>Media type recognised from the bytes.</summary>
    public required string ContentType { get; init; }

    /// <summary>The file name on the victim's device, if given.</summary>
    public string? FileName { get; init; }

    /// <summary>When the victim says it was captured: a claim, not a fact.</summary>
    public DateTimeOffset? CapturedAt { get; init; }

    /// <summary>When the vault received the last byte (server clock, UTC).</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The page address the victim gives for a page snapshot or screenshot.</summary>
    public string? SourceUrl { get; init; }

    /// <summary>The grant that contributed the item.</summary>
    public string? Contributor { get; init; }

    /// <summary>The item's place in the custody log.</summary>
    public required ItemCustody Custody { get; init; }

    /// <summary>Path of the evidence file inside a bundle (<c>data/evidence/{itemId}.{ext}</c>); set only in bundles.</summary>
    public string? File { get; init; }
}

/// <summary>The catalog of a bundle, stored as <c>data/items.json</c>.</summary>
public sealed record BundleCatalog
{
    /// <summary>The case.</summary>
    public required string CaseId { get; init; }

    /// <summary>The case title, if any.</summary>
    public string? Title { get; init; }

    /// <summary>When the bundle was made (UTC).</summary>
    public required DateTimeOffset ExportedAt { get; init; }

    /// <summary>Custody log head at export time.</summary>
    public required ItemCustody CustodyHead { get; init; }

    /// <summary>Every item, oldest first.</summary>
    public required IReadOnlyList<EvidenceItemRecord> Items { get; init; }
}
