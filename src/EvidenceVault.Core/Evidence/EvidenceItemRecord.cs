namespace EvidenceVault.Evidence;

/// <summary>Where an item's receipt sits in the case's custody log.</summary>
/// <param name="Seq">Sequence number of the item's <c>item.received</c> event.</param>
/// <param name="Head">SHA-256 of that event's line: the log's head right after the item was received.</param>
public sealed record ItemCustody(long Seq, string Head);

/// <summary>The states of an item's trusted timestamp.</summary>
public static class TimestampStatuses
{
    /// <summary>Not yet granted: the authorities were unreachable or refused; the vault keeps trying.</summary>
    public const string Pending = "pending";

    /// <summary>Granted and fully verified.</summary>
    public const string Granted = "granted";
}

/// <summary>An item's RFC 3161 timestamp, as the index and receipts record it.</summary>
public sealed record ItemTimestamp
{
    /// <summary><c>pending</c> or <c>granted</c>.</summary>
    public required string Status { get; init; }

    /// <summary>The authority's time (UTC), when granted.</summary>
    public DateTimeOffset? GenTime { get; init; }

    /// <summary>The authority's signing certificate subject, when granted.</summary>
    public string? Authority { get; init; }

    /// <summary>The token's serial number (hex), when granted.</summary>
    public string? SerialNumber { get; init; }

    /// <summary>The authority's policy OID, when granted.</summary>
    public string? PolicyId { get; init; }

    /// <summary>SHA-256 of the stored <c>timestamp.tsr</c> (the whole TimeStampResp), when granted.</summary>
    public string? ResponseSha256 { get; init; }

    /// <summary>Path of the <c>.tsr</c> inside a bundle; set only in bundles.</summary>
    public string? File { get; init; }

    /// <summary>The record of a granted timestamp, from what the verified token says.</summary>
    public static ItemTimestamp Granted(Timestamps.TimestampFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        return new ItemTimestamp
        {
            Status = TimestampStatuses.Granted,
            GenTime = facts.GenTime,
            Authority = facts.Authority,
            SerialNumber = facts.SerialNumber,
            PolicyId = facts.PolicyId,
            ResponseSha256 = facts.ResponseSha256,
        };
    }
}

/// <summary>The latest signed receipt of an item.</summary>
public sealed record ItemReceipt
{
    /// <summary>Receipt number: 1 at upload, higher when reissued (e.g. once a pending timestamp is granted).</summary>
    public required int Version { get; init; }

    /// <summary>The signing key's id.</summary>
    public required string KeyId { get; init; }

    /// <summary>SHA-256 of the receipt's bytes.</summary>
    public required string Sha256 { get; init; }

    /// <summary>The receipt itself; in API responses.</summary>
    public Receipts.EvidenceReceipt? Document { get; init; }

    /// <summary>The DER signature, base64; in API responses.</summary>
    public string? Signature { get; init; }

    /// <summary>Path of <c>receipt.json</c> inside a bundle (the signature is the same path + <c>.sig</c>); set only in bundles.</summary>
    public string? File { get; init; }
}

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

    /// <summary>For a saved page (MHTML, WARC, WACZ): the address and time the file itself states it was captured at.</summary>
    public PageSnapshotOrigin? Snapshot { get; init; }

    /// <summary>For a recording (audio or video): how long it plays and when it was made, as the file itself states them.</summary>
    public RecordingInfo? Recording { get; init; }

    /// <summary>For a photo with an EXIF block: when the camera's clock says it was taken, and with which device, as the file itself states.</summary>
    public PhotoInfo? Photo { get; init; }

    /// <summary>For a saved e-mail: who it says it is from, its subject and dates, and the server that took it in, as its header states them.</summary>
    public MessageInfo? Message { get; init; }

    /// <summary>For an office document: who it says wrote it and saved it last, when, and with which program, as its properties state them.</summary>
    public DocumentInfo? Document { get; init; }

    /// <summary>For an exported chat: who wrote in it, how many messages it holds, when the first and last were written, and the links they hold, as the export states them.</summary>
    public ChatInfo? Chat { get; init; }

    /// <summary>
    /// <c>vault</c> when the vault fetched the page itself at a member's request (a WACZ it made), rather than receiving
    /// a file; absent otherwise. Recorded in the item's <c>item.received</c> custody line as well.
    /// </summary>
    public string? CapturedBy { get; init; }

    /// <summary>
    /// For a page the vault captured itself: each site it reached over HTTPS and the certificate it checked there, in
    /// the order it connected (at most <c>CaptureDetails.MaxSites</c>; the capture's WACZ keeps every chain). Recorded in
    /// the item's <c>item.received</c> custody line as well; absent for anything else.
    /// </summary>
    public IReadOnlyList<CapturedSite>? CapturedSites { get; init; }

    /// <summary>The victim's own note about the file (what it shows, why it matters): a claim, kept as written.</summary>
    public string? Note { get; init; }

    /// <summary>The grant that contributed the item.</summary>
    public string? Contributor { get; init; }

    /// <summary>That grant's role (<c>owner</c> or <c>contributor</c>), so the item names its contributor even when the grant has no label.</summary>
    public string? ContributorRole { get; init; }

    /// <summary>That grant's label: which victim of a group case contributed it.</summary>
    public string? ContributorLabel { get; init; }

    /// <summary>The item's place in the custody log.</summary>
    public required ItemCustody Custody { get; init; }

    /// <summary>The trusted timestamp over the item's SHA-256.</summary>
    public ItemTimestamp? Timestamp { get; init; }

    /// <summary>The latest signed receipt.</summary>
    public ItemReceipt? Receipt { get; init; }

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

    /// <summary>
    /// The sender whose items alone the bundle holds — <c>owner</c>, or a link's grant id (<see cref="CaseRoles.SenderOf"/>)
    /// — as the export's custody line names them; absent for the whole case.
    /// </summary>
    public string? Contributor { get; init; }

    /// <summary>Every item, oldest first.</summary>
    public required IReadOnlyList<EvidenceItemRecord> Items { get; init; }
}
