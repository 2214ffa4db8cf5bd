using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using EvidenceVault.Hashing;

namespace EvidenceVault.Timestamps;

/// <summary>What a verified RFC 3161 timestamp says.</summary>
/// <param name="GenTime">The authority's time for the imprint (UTC).</param>
/// <param name="Authority">Subject of the authority's signing certificate.</param>
/// <param name="SerialNumber">The token's serial number (hex).</param>
/// <param name="PolicyId">The authority's policy OID.</param>
/// <param name="ResponseSha256">SHA-256 of the stored response bytes (the <c>.tsr</c> file).</param>
/// <param name="TrustedRoot">Subject of the root the signer chains to.</param>
public sealed record TimestampFacts(DateTimeOffset GenTime, string Authority, string SerialNumber, string PolicyId, string ResponseSha256, string TrustedRoot);

/// <summary>The outcome of checking a timestamp: its facts, or why it must not be trusted.</summary>
/// <param name="Facts">Set when valid.</param>
/// <param name="Failure">Set when not valid.</param>
public sealed record TimestampCheck(TimestampFacts? Facts, string? Failure)
{
    /// <summary>True when every check passed.</summary>
    public bool IsValid => Facts is not null;

    internal static TimestampCheck Fail(string failure) => new(null, failure);
}

/// <summary>
/// Checks an RFC 3161 <c>TimeStampResp</c> completely: status granted, SHA-256 imprint equal to the evidence hash,
/// nonce (when the request's is known), CMS signature, the signer's timeStamping EKU and ESSCertID — and, which
/// <see cref="Rfc3161TimestampToken.VerifySignatureForHash(ReadOnlySpan{byte}, HashAlgorithmName, out X509Certificate2?, X509Certificate2Collection?)"/>
/// does not do, the signer's chain to the given roots at the token's own time.
/// </summary>
public static class TimestampVerifier
{
    /// <summary>The timeStamping extended key usage (RFC 3161 §2.3).</summary>
    public const string TimeStampingEku = "1.3.6.1.5.5.7.3.8";

    private const string Sha256Oid = "2.16.840.1.101.3.4.2.1";

    /// <summary>Verifies a <c>TimeStampResp</c> (DER) for <paramref name="imprint"/>, trusting only <paramref name="roots"/>.</summary>
    public static TimestampCheck Verify(ReadOnlyMemory<byte> response, Sha256Digest imprint, X509Certificate2Collection roots, ReadOnlyMemory<byte>? expectedNonce = null)
    {
        ArgumentNullException.ThrowIfNull(roots);
        if (!TryReadResponse(response, out var status, out var tokenBytes))
        {
            return TimestampCheck.Fail("not an RFC 3161 TimeStampResp");
        }

        if (status is not (0 or 1))
        {
            return TimestampCheck.Fail($"the authority did not grant the timestamp (status {status})");
        }

        if (!Rfc3161TimestampToken.TryDecode(tokenBytes, out var token, out _))
        {
            return TimestampCheck.Fail(DiagnoseUndecodable(tokenBytes));
        }

        var info = token.TokenInfo;
        if (info.HashAlgorithmId.Value != Sha256Oid || !info.GetMessageHash().Span.SequenceEqual(Convert.FromHexString(imprint.Hex)))
        {
            return TimestampCheck.Fail($"the token is for another imprint than SHA-256 {imprint.Hex}");
        }

        if (expectedNonce is { } nonce && (info.GetNonce() is not { } actual || !SameInteger(actual.Span, nonce.Span)))
        {
            return TimestampCheck.Fail("the token's nonce is not the request's");
        }

        var included = token.AsSignedCms().Certificates;
        if (!token.VerifySignatureForHash(Convert.FromHexString(imprint.Hex), HashAlgorithmName.SHA256, out var signer, included) || signer is null)
        {
            return TimestampCheck.Fail("the token's signature, signer EKU or signer certificate reference is not valid");
        }

        var chainFailure = CheckChain(signer, included, roots, info.Timestamp, out var root);
        if (chainFailure is not null)
        {
            return TimestampCheck.Fail(chainFailure);
        }

        return new TimestampCheck(
            new TimestampFacts(
                info.Timestamp.ToUniversalTime(),
                signer.Subject,
                Convert.ToHexStringLower(info.GetSerialNumber().Span),
                info.PolicyId.Value ?? string.Empty,
                Sha256Digest.Of(response.Span).Hex,
                root!),
            null);
    }

    /// <summary>
    /// .NET refuses to decode a token whose signature does not match or whose signer was not valid at its genTime;
    /// say which, so the person reading the report knows what is wrong.
    /// </summary>
    private static string DiagnoseUndecodable(ReadOnlyMemory<byte> token)
    {
        try
        {
            var cms = new SignedCms();
            cms.Decode(token.Span);
            try
            {
                cms.CheckSignature(verifySignatureOnly: true);
            }
            catch (CryptographicException)
            {
                return "the token's signature does not match its content";
            }

            var signer = cms.SignerInfos.Count == 1 ? cms.SignerInfos[0].Certificate : null;
            if (signer is not null && Rfc3161TimestampTokenInfo.TryDecode(cms.ContentInfo.Content, out var info, out _) &&
                (info.Timestamp < signer.NotBefore || info.Timestamp > signer.NotAfter))
            {
                return $"the signer's certificate was not valid at the token's time {info.Timestamp.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'} (NotTimeValid)";
            }

            return "the timestamp token is malformed";
        }
        catch (CryptographicException)
        {
            return "the timestamp token cannot be decoded";
        }
    }

    /// <summary>
    /// The nonce is an ASN.1 INTEGER: encoders add a 0x00 sign byte or drop leading zero bytes, so compare the values.
    /// </summary>
    private static bool SameInteger(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) =>
        a.TrimStart((byte)0).SequenceEqual(b.TrimStart((byte)0));

    /// <summary>Reads <c>TimeStampResp ::= SEQUENCE { status PKIStatusInfo, timeStampToken ContentInfo OPTIONAL }</c>.</summary>
    public static bool TryReadResponse(ReadOnlyMemory<byte> response, out int status, out ReadOnlyMemory<byte> token)
    {
        status = -1;
        token = default;
        try
        {
            var reader = new AsnReader(response, AsnEncodingRules.DER);
            var body = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            var statusInfo = body.ReadSequence();
            if (!statusInfo.TryReadInt32(out status))
            {
                return false;
            }

            if (body.HasData)
            {
                token = body.ReadEncodedValue();
            }

            body.ThrowIfNotEmpty();
            return status is not (0 or 1) || !token.IsEmpty;
        }
        catch (AsnContentException)
        {
            return false;
        }
    }

    private static string? CheckChain(X509Certificate2 signer, X509Certificate2Collection included, X509Certificate2Collection roots, DateTimeOffset genTime, out string? root)
    {
        root = null;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.ExtraStore.AddRange(included);
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(TimeStampingEku));
        chain.ChainPolicy.VerificationTime = genTime.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        // Offline by design: a court expert's machine fetches nothing. Revocation is the authority's published status.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        if (!chain.Build(signer))
        {
            var reasons = chain.ChainStatus.Select(s => s.Status.ToString()).Distinct();
            return $"the signer does not chain to a trusted root at {genTime.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'} ({string.Join(", ", reasons)})";
        }

        root = chain.ChainElements[^1].Certificate.Subject;
        return null;
    }
}
