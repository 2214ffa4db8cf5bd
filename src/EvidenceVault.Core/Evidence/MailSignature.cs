namespace EvidenceVault.Evidence;

/// <summary>
/// A DKIM signature (RFC 6376) in a saved e-mail's header, and what the vault found when it checked it on receipt: the
/// domain that signed the message (in a phishing mail sent from a retailer's hacked account, the retailer's own domain),
/// the selector its key is published under, and whether the message's body and signed header fields are still the ones
/// that domain signed — checked against the key the domain published at that moment, which is kept here, since domains
/// replace their keys and an old mail can then no longer be checked against the one published today.
/// </summary>
public sealed record MailSignature
{
    /// <summary>The signing domain (<c>d=</c>).</summary>
    public string? Domain { get; init; }

    /// <summary>The selector the key is published under (<c>s=</c>): the key is the text record at <c>{selector}._domainkey.{domain}</c>.</summary>
    public string? Selector { get; init; }

    /// <summary>The algorithm (<c>a=</c>): <c>rsa-sha256</c> and <c>ed25519-sha256</c> (RFC 8463) are checked; others, the older <c>rsa-sha1</c> among them (RFC 8301), are <see cref="MailSignatureResults.Unsupported"/>.</summary>
    public string? Algorithm { get; init; }

    /// <summary>The header fields it signs (<c>h=</c>), colon-separated as written, without whitespace: <c>from:to:subject:date</c>.</summary>
    public string? SignedHeaders { get; init; }

    /// <summary>When the signer says it signed (<c>t=</c>, UTC), by its own clock.</summary>
    public DateTimeOffset? SignedAt { get; init; }

    /// <summary>How many bytes of the body it signs (<c>l=</c>); null when it signs all of it. Text added after them is not covered.</summary>
    public long? BodyLength { get; init; }

    /// <summary>What the check found (<see cref="MailSignatureResults"/>).</summary>
    public required string Result { get; init; }

    /// <summary>
    /// The key record as the domain published it when the vault checked the signature (<c>v=DKIM1; k=rsa; p=…</c>);
    /// null when none was found or the check did not get as far as the key.
    /// </summary>
    public string? Key { get; init; }
}

/// <summary>The <see cref="MailSignature.Result"/> values.</summary>
public static class MailSignatureResults
{
    /// <summary>The body and the signed header fields are the ones the domain signed, checked with the key it published.</summary>
    public const string Pass = "pass";

    /// <summary>The body is not the one signed: its hash differs from the signature's <c>bh=</c>.</summary>
    public const string BodyChanged = "body-changed";

    /// <summary>The body is the one signed, but the signature does not hold for the signed header fields under the published key.</summary>
    public const string Fail = "fail";

    /// <summary>The domain publishes no usable key under the selector: none, one withdrawn (empty <c>p=</c>), or one that is not a readable key of its type.</summary>
    public const string NoKey = "no-key";

    /// <summary>The vault could not ask for the key (the name service did not answer); the body's hash was the one signed.</summary>
    public const string KeyUnavailable = "key-unavailable";

    /// <summary>An algorithm, canonicalization or key type the vault does not check (<c>rsa-sha1</c>, which RFC 8301 forbids verifying; a key type other than RSA and Ed25519).</summary>
    public const string Unsupported = "unsupported";

    /// <summary>The signature field lacks a required tag or holds one that cannot be read.</summary>
    public const string Malformed = "malformed";

    /// <summary>The message is longer than the vault reads to check a signature (<see cref="MailSignatureReader.MaxMessageBytes"/>).</summary>
    public const string Unchecked = "unchecked";
}

/// <summary>Where the keys that DKIM signatures are checked with are published: the name service, asked for text records.</summary>
public interface IMailKeyDirectory
{
    /// <summary>The key record published at <c>{selector}._domainkey.{domain}</c>.</summary>
    /// <param name="selector">The signature's selector.</param>
    /// <param name="domain">The signing domain.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    Task<MailKeyAnswer> FindAsync(string selector, string domain, CancellationToken cancellationToken);
}

/// <summary>What the name service answered for a key: its record, none (the name has no key record), or no answer at all.</summary>
/// <param name="Record">The text of the key record found; null when none.</param>
/// <param name="Answered">False when the name service could not be asked or did not answer.</param>
public sealed record MailKeyAnswer(string? Record, bool Answered)
{
    /// <summary>The name service said there is no key record.</summary>
    public static MailKeyAnswer None { get; } = new(null, true);

    /// <summary>The name service could not be asked.</summary>
    public static MailKeyAnswer Unavailable { get; } = new(null, false);

    /// <summary>The key record <paramref name="record"/>.</summary>
    public static MailKeyAnswer Found(string record) => new(record, true);
}
