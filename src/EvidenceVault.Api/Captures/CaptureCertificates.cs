using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace EvidenceVault.Api.Captures;

/// <summary>One certificate of the chain the vault checked when it connected to a site.</summary>
/// <param name="Subject">Its subject, as OpenSSL prints it (<c>CN=refund-center.example, O=…</c>).</param>
/// <param name="Issuer">Who issued it.</param>
/// <param name="SerialNumber">Its serial number, in hexadecimal.</param>
/// <param name="NotBefore">The start of its validity.</param>
/// <param name="NotAfter">The end of its validity.</param>
/// <param name="Sha256">The SHA-256 of its DER encoding, lowercase hex: what <c>openssl x509 -fingerprint -sha256</c> prints, without the colons.</param>
public sealed record CaptureCertificate(string Subject, string Issuer, string SerialNumber, DateTimeOffset NotBefore, DateTimeOffset NotAfter, string Sha256)
{
    internal static CaptureCertificate Of(byte[] der)
    {
        using var certificate = X509CertificateLoader.LoadCertificate(der);
        return new CaptureCertificate(
            certificate.Subject,
            certificate.Issuer,
            certificate.SerialNumber.ToLowerInvariant(),
            new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero),
            new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero),
            Convert.ToHexStringLower(SHA256.HashData(der)));
    }
}

/// <summary>How the vault's connection to a site was secured.</summary>
/// <param name="Protocol">The TLS version, as the WARC field <c>WARC-Protocol</c> names it (<c>tls/1.3</c>).</param>
/// <param name="CipherSuite">The cipher suite, by its IANA name (<c>TLS_AES_256_GCM_SHA384</c>).</param>
/// <param name="Certificates">The chain the vault checked, from the site's own certificate to the authority it trusted.</param>
public sealed record CaptureTls(string Protocol, string CipherSuite, IReadOnlyList<CaptureCertificate> Certificates)
{
    internal static string ProtocolName(SslProtocols protocol) => protocol switch
    {
        SslProtocols.Tls13 => "tls/1.3",
        SslProtocols.Tls12 => "tls/1.2",
        _ => protocol.ToString().ToLowerInvariant(),
    };

    /// <summary>The same version, cipher suite and chain.</summary>
    internal bool SameAs(CaptureTls other) =>
        Protocol == other.Protocol && CipherSuite == other.CipherSuite && Certificates.Select(c => c.Sha256).SequenceEqual(other.Certificates.Select(c => c.Sha256));
}

/// <summary>A connection to a site secured with TLS, as the capture records it (a <c>metadata</c> record of its chain).</summary>
/// <param name="Authority">The host and port connected to.</param>
/// <param name="Origin">The site's origin, <c>https://host[:port]/</c>.</param>
/// <param name="EstablishedAt">When the connection was ready.</param>
/// <param name="Peer">The address connected to.</param>
/// <param name="Tls">The TLS version, cipher suite and certificates.</param>
/// <param name="Chain">The certificates checked, as DER, the site's own first.</param>
internal sealed record SecuredConnection(string Authority, Uri Origin, DateTimeOffset EstablishedAt, System.Net.IPAddress? Peer, CaptureTls Tls, byte[][] Chain);

/// <summary>
/// Which sites captures trust: a certificate chain the system trusts, for the host asked for — or, for an intranet's
/// own authority (<see cref="CaptureOptions.TrustedRootCertificateFiles"/>), a chain up to one of those roots,
/// still for the host asked for and for server authentication. The chain checked is what the capture records.
/// </summary>
internal sealed class CaptureCertificates(IOptions<CaptureOptions> options)
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");

    private readonly X509Certificate2Collection _roots = Load(options.Value.TrustedRootCertificateFiles);

    /// <summary>Whether <paramref name="path"/> is a PEM file holding at least one certificate.</summary>
    public static bool HoldsCertificates(string path)
    {
        try
        {
            return Load([path]).Count > 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>The certificates as one PEM text, in order (<c>application/pem-certificate-chain</c>, RFC 8555).</summary>
    public static string Pem(IEnumerable<byte[]> chain) => string.Concat(chain.Select(der => PemEncoding.WriteString("CERTIFICATE", der) + "\n"));

    /// <summary>
    /// Whether the connection may go on; when it may, the chain checked as DER, the site's certificate first.
    /// <paramref name="chain"/> and <paramref name="errors"/> are the system's own check of <paramref name="certificate"/>.
    /// </summary>
    public byte[][]? Check(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || chain is null)
        {
            return null;
        }

        if (errors == SslPolicyErrors.None)
        {
            return Der(chain);
        }

        // Only an untrusted chain may still be trusted through the configured roots; a certificate for another host never.
        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || _roots.Count == 0)
        {
            return null;
        }

        using var own = new X509Chain();
        own.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        own.ChainPolicy.CustomTrustStore.AddRange(_roots);
        own.ChainPolicy.ExtraStore.AddRange(chain.ChainPolicy.ExtraStore);
        own.ChainPolicy.ApplicationPolicy.Add(ServerAuthentication);
        own.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var site = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return own.Build(site) ? Der(own) : null;
    }

    private static byte[][] Der(X509Chain chain) => [.. chain.ChainElements.Select(element => element.Certificate.RawData)];

    private static X509Certificate2Collection Load(IEnumerable<string> files)
    {
        var roots = new X509Certificate2Collection();
        foreach (var file in files)
        {
            roots.ImportFromPemFile(file);
        }

        return roots;
    }
}
