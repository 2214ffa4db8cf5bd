namespace EvidenceVault.Evidence;

/// <summary>
/// What a saved page says about itself: the address it was saved from and when, as the browser or crawler that
/// saved it wrote them into the file. It stands beside the victim's claim (<see cref="EvidenceItemRecord.SourceUrl"/>,
/// <see cref="EvidenceItemRecord.CapturedAt"/>) and the vault's own receipt time: a statement of the file, which a
/// court expert can check in the file itself, not a fact the vault vouches for.
/// </summary>
public sealed record PageSnapshotOrigin
{
    /// <summary>Where it was read: <c>mhtml</c> (Snapshot-Content-Location, Date), <c>warc</c> (WARC-Target-URI, WARC-Date), <c>wacz</c> (datapackage.json or pages.jsonl) or <c>webarchive</c> (WebResourceURL).</summary>
    public required string Source { get; init; }

    /// <summary>The page's address, as the file gives it.</summary>
    public string? Url { get; init; }

    /// <summary>When the page was saved, as the file gives it (UTC).</summary>
    public DateTimeOffset? CapturedAt { get; init; }
}

/// <summary>The <see cref="PageSnapshotOrigin.Source"/> values.</summary>
public static class PageSnapshotSources
{
    /// <summary>A browser's single-file save (MHTML).</summary>
    public const string Mhtml = "mhtml";

    /// <summary>A WARC file, plain or gzip-compressed.</summary>
    public const string Warc = "warc";

    /// <summary>A WACZ package.</summary>
    public const string Wacz = "wacz";

    /// <summary>A Safari web archive (<c>.webarchive</c>): its main resource's address; it records no time.</summary>
    public const string WebArchive = "webarchive";
}
