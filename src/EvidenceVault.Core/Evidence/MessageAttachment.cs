namespace EvidenceVault.Evidence;

/// <summary>
/// A file a saved e-mail carries as an attachment (a MIME part with <c>Content-Disposition: attachment</c>) — in a
/// phishing mail, the fake invoice or the app it urges the victim to install. What the message says of it: its name
/// and type; and, for a part sent in base64 or quoted-printable, the size and SHA-256 of the file it decodes to, so an
/// expert can take that very file out of the message and match it.
/// </summary>
public sealed record MessageAttachment
{
    /// <summary>Its name (<c>filename</c> of <c>Content-Disposition</c>, else <c>name</c> of <c>Content-Type</c>), decoded; null when it has none.</summary>
    public string? FileName { get; init; }

    /// <summary>Its media type as the part names it, lower case: <c>application/pdf</c>.</summary>
    public required string ContentType { get; init; }

    /// <summary>The size of the decoded file in bytes; null when the part is sent as it is (7bit, 8bit, binary) or its base64 is broken.</summary>
    public long? Size { get; init; }

    /// <summary>The SHA-256 of the decoded file (lower-case hex); null as <see cref="Size"/> is.</summary>
    public string? Sha256 { get; init; }
}
