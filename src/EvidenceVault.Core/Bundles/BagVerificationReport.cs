namespace EvidenceVault.Bundles;

/// <summary>One thing wrong with a bag.</summary>
/// <param name="Path">The file concerned, relative to the bag root.</param>
/// <param name="Code">A stable machine-readable code (<see cref="BagFindingCodes"/>).</param>
/// <param name="Message">What is wrong, in words.</param>
public sealed record BagFinding(string Path, string Code, string Message);

/// <summary>One evidence item as the verifier saw it.</summary>
/// <param name="ItemId">Item id.</param>
/// <param name="File">Evidence file inside the bag.</param>
/// <param name="Sha256">SHA-256 the catalog records.</param>
/// <param name="Size">Size the catalog records.</param>
/// <param name="ReceivedAt">When the vault received it (UTC).</param>
/// <param name="Intact">True when the file exists, matches its hash and size, the custody log records it, and its timestamp and receipt verify.</param>
public sealed record VerifiedItem(string ItemId, string File, string Sha256, long Size, DateTimeOffset ReceivedAt, bool Intact)
{
    /// <summary><c>granted</c>, <c>pending</c>, or null when the catalog records none.</summary>
    public string? TimestampStatus { get; init; }

    /// <summary>The authority's time, from the verified token.</summary>
    public DateTimeOffset? TimestampTime { get; init; }

    /// <summary>The authority, from the verified token.</summary>
    public string? TimestampAuthority { get; init; }

    /// <summary>The receipt's signing key id, when the receipt verified.</summary>
    public string? ReceiptKeyId { get; init; }

    /// <summary>
    /// For a page the vault captured, each site's certificate chain it kept, checked again here as at the capture; null
    /// for other items. Information about the sites, not about the bundle: a chain that does not check out here (say,
    /// under this machine's roots) is no finding.
    /// </summary>
    public IReadOnlyList<EvidenceVault.WebArchives.SiteCertificateCheck>? SiteCertificates { get; init; }
}

/// <summary>The bundle's entry in the vault log, as the verifier checked it.</summary>
/// <param name="Origin">The log's name (first line of the checkpoint).</param>
/// <param name="LeafIndex">Position of the export's entry.</param>
/// <param name="TreeSize">Entries in the signed checkpoint.</param>
/// <param name="Root">The checkpoint's root (base64).</param>
/// <param name="KeyId">The vault key that signed the checkpoint.</param>
public sealed record VerifiedLogEntry(string Origin, long LeafIndex, long TreeSize, string Root, string KeyId)
{
    /// <summary>The authority's time for the checkpoint; null when the bundle has no checkpoint timestamp.</summary>
    public DateTimeOffset? TimestampTime { get; init; }

    /// <summary>The authority that timestamped the checkpoint.</summary>
    public string? TimestampAuthority { get; init; }

    /// <summary>When the vault was asked for its log now: the size it showed, of which this checkpoint is a proven prefix.</summary>
    public long? ConsistentWithSize { get; init; }
}

/// <summary>What the expert brings instead of trusting the bundle's own certificates and keys.</summary>
public sealed record BagVerificationOptions
{
    /// <summary>Timestamp authority roots to trust; null trusts <c>data/certs/tsa-roots.pem</c> from the bundle.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2Collection? TsaRoots { get; init; }

    /// <summary>Vault receipt public keys to trust; null trusts <c>data/certs/vault-receipt-key-*.pem</c> from the bundle.</summary>
    public IReadOnlyList<System.Security.Cryptography.ECDsa>? VaultKeys { get; init; }

    /// <summary>
    /// Asks the vault for its log as it is now: its current signed checkpoint and a consistency proof from the size
    /// given (the bundle's checkpoint) to it. Null verifies offline only.
    /// </summary>
    public Func<long, CancellationToken, Task<LiveLog>>? LiveLog { get; init; }

    /// <summary>Roots to check captured sites' certificates against; null trusts the machine's own.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2Collection? SiteRoots { get; init; }
}

/// <summary>The vault log as the vault shows it now, to check a bundle's checkpoint against.</summary>
/// <param name="Checkpoint">The current checkpoint's exact bytes.</param>
/// <param name="Signature">The vault's DER signature over them.</param>
/// <param name="KeyId">The key that signed it.</param>
/// <param name="Proof">Consistency proof (hex) from the bundle's checkpoint size to the current size.</param>
public sealed record LiveLog(byte[] Checkpoint, byte[] Signature, string KeyId, IReadOnlyList<string> Proof);

/// <summary>The outcome of verifying a bag offline.</summary>
/// <param name="BagName">The bag's folder name.</param>
/// <param name="CaseId">The case, from <c>bag-info.txt</c>.</param>
/// <param name="Items">Every item in the catalog.</param>
/// <param name="CustodyEvents">Number of custody log lines.</param>
/// <param name="CustodyHead">SHA-256 of the custody log's last line.</param>
/// <param name="Findings">Everything wrong; empty when the bag is intact.</param>
public sealed record BagVerificationReport(
    string BagName,
    string? CaseId,
    IReadOnlyList<VerifiedItem> Items,
    long CustodyEvents,
    string? CustodyHead,
    IReadOnlyList<BagFinding> Findings)
{
    /// <summary>Whose timestamp roots were trusted: the bundle's own, or the ones the expert supplied (<see cref="TrustSources"/>).</summary>
    public string TimestampRootsFrom { get; init; } = TrustSources.Bundle;

    /// <summary>Whose receipt keys were trusted: the bundle's own, or the ones the expert supplied (<see cref="TrustSources"/>).</summary>
    public string ReceiptKeysFrom { get; init; } = TrustSources.Bundle;

    /// <summary>Whose roots captured sites' certificates were checked against: the machine's, or the ones the expert supplied (<see cref="TrustSources"/>).</summary>
    public string SiteRootsFrom { get; init; } = TrustSources.Machine;

    /// <summary>
    /// The sender whose items alone the bundle holds (<c>owner</c> or a link's grant id), as its catalog says — which
    /// the findings hold to the export's custody line; null for the whole case's bundle.
    /// </summary>
    public string? Contributor { get; init; }

    /// <summary>The export's entry in the vault log, checked; null when it is missing or failed (see the findings).</summary>
    public VerifiedLogEntry? Log { get; init; }

    /// <summary>True when nothing is wrong.</summary>
    public bool Intact => Findings.Count == 0;
}

/// <summary>Where the verifier took the roots and keys it trusted from.</summary>
public static class TrustSources
{
    /// <summary>The certificates and keys the bundle itself carries under <c>data/certs/</c>.</summary>
    public const string Bundle = "bundle";

    /// <summary>The roots or keys the expert supplied (<c>--tsa-root</c>, <c>--vault-key</c>, <c>--site-root</c>).</summary>
    public const string Supplied = "supplied";

    /// <summary>The roots the machine running the verifier trusts (for captured sites' certificates, as a browser there would).</summary>
    public const string Machine = "machine";
}

/// <summary>The codes of <see cref="BagFinding"/>.</summary>
public static class BagFindingCodes
{
    /// <summary><c>bagit.txt</c> is missing or not BagIt 1.0 in UTF-8.</summary>
    public const string InvalidDeclaration = "invalid-bagit-declaration";

    /// <summary>A required file or a file a manifest lists is absent.</summary>
    public const string MissingFile = "missing-file";

    /// <summary>A file is in the bag but in no manifest (or named twice in the ZIP).</summary>
    public const string UnexpectedFile = "unexpected-file";

    /// <summary>A file's SHA-256 differs from its manifest line.</summary>
    public const string ManifestMismatch = "manifest-mismatch";

    /// <summary>A manifest line cannot be read.</summary>
    public const string MalformedManifest = "malformed-manifest";

    /// <summary><c>Payload-Oxum</c> does not match the payload.</summary>
    public const string OxumMismatch = "payload-oxum-mismatch";

    /// <summary>The catalog (<c>items.json</c>) is missing, unreadable or for another case.</summary>
    public const string InvalidCatalog = "invalid-catalog";

    /// <summary><c>items.csv</c>, the catalog's spreadsheet, does not say what the catalog says.</summary>
    public const string ItemsCsvMismatch = "items-csv-mismatch";

    /// <summary><c>data/report.html</c> is not the report the bundle's catalog, custody log and vault log entry make.</summary>
    public const string ReportMismatch = "report-mismatch";

    /// <summary><c>VERIFY.md</c> is not the guide the bundle's catalog makes.</summary>
    public const string GuideMismatch = "guide-mismatch";

    /// <summary><c>bag-info.txt</c> is not what the bundle's catalog and payload make it (another case title, item count, custody head or date).</summary>
    public const string BagInfoMismatch = "bag-info-mismatch";

    /// <summary>An evidence file differs from what the catalog records for it.</summary>
    public const string ItemMismatch = "item-mismatch";

    /// <summary>The custody log's hash chain is broken.</summary>
    public const string CustodyBroken = "custody-chain-broken";

    /// <summary>The custody log does not record an item as the catalog says.</summary>
    public const string CustodyMismatch = "custody-mismatch";

    /// <summary>A saved e-mail's DKIM signature the vault found passing does not pass again offline with the key kept for it.</summary>
    public const string MailSignatureInvalid = "mail-signature-invalid";

    /// <summary>A timestamp is missing, does not verify, or does not match the catalog.</summary>
    public const string TimestampInvalid = "timestamp-invalid";

    /// <summary>A receipt is missing, its signature does not verify, or it does not match the item.</summary>
    public const string ReceiptInvalid = "receipt-invalid";

    /// <summary>The vault log proof is missing or incomplete, not signed by a trusted vault key, not about this bundle, or does not lead to its checkpoint.</summary>
    public const string LogProofInvalid = "log-proof-invalid";

    /// <summary>The vault's log today does not extend the bundle's checkpoint: entries were changed or removed since.</summary>
    public const string LogInconsistent = "log-inconsistent";

    /// <summary>The vault itself flagged the export: stored bytes did not match the index.</summary>
    public const string ExportIntegrityFailure = "export-integrity-failure";
}
