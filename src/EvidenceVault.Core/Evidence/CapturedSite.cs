namespace EvidenceVault.Evidence;

/// <summary>
/// A site the vault reached over HTTPS while it captured a page itself, and the certificate the site presented: the
/// vault connects only over a chain it trusts that names the host, so this is the vault's own statement of who held
/// the site's name at the time, recorded in the item's <c>item.received</c> custody line. The whole chain is in the
/// capture's WACZ, where <c>evidencevault verify</c> checks it again.
/// </summary>
public sealed record CapturedSite
{
    /// <summary>The site's origin, <c>https://host[:port]/</c>.</summary>
    public required string Site { get; init; }

    /// <summary>When the vault's connection to the site was ready and its chain checked (UTC).</summary>
    public required DateTimeOffset CheckedAt { get; init; }

    /// <summary>The site certificate's subject (<c>CN=refund-center.example, O=…</c>).</summary>
    public required string Subject { get; init; }

    /// <summary>Who issued it: the certificate authority that vouched for the name.</summary>
    public required string Issuer { get; init; }

    /// <summary>Its serial number, lowercase hexadecimal: with the issuer, what an authority looks a certificate up by.</summary>
    public required string SerialNumber { get; init; }

    /// <summary>The start of its validity (UTC).</summary>
    public required DateTimeOffset NotBefore { get; init; }

    /// <summary>The end of its validity (UTC).</summary>
    public required DateTimeOffset NotAfter { get; init; }

    /// <summary>The SHA-256 of its DER encoding, lowercase hex (<c>openssl x509 -fingerprint -sha256</c> without the colons).</summary>
    public required string Sha256 { get; init; }
}
