using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using EvidenceVault.Evidence;

namespace EvidenceVault.WebArchives;

/// <summary>
/// One site's certificate chain as a page capture kept it — a WARC <c>metadata</c> record of type
/// <c>application/pem-certificate-chain</c>, the site's certificate first — checked again where the verifier runs, as at
/// the time the vault connected.
/// </summary>
/// <param name="Site">The site's origin, from the record's <c>WARC-Target-URI</c>.</param>
/// <param name="CheckedAsAt">The record's <c>WARC-Date</c>: when the vault's connection to the site was ready.</param>
/// <param name="Subject">The site certificate's subject; null when the record holds no readable certificate.</param>
/// <param name="Sha256">The SHA-256 of the site certificate (DER), lowercase hex.</param>
/// <param name="Problem">Why the chain does not check out; null when it does.</param>
public sealed record SiteCertificateCheck(string Site, DateTimeOffset CheckedAsAt, string? Subject, string? Sha256, string? Problem)
{
    /// <summary>
    /// True when the chain leads to a trusted root (the machine's, or the roots the expert supplied), allows server
    /// authentication, was valid at <see cref="CheckedAsAt"/> and names the site's host.
    /// </summary>
    public bool Trusted => Problem is null;
}

/// <summary>
/// Reads a WACZ's WARC record by record (by each record's <c>Content-Length</c>, so no text inside a page can pass for a
/// record) and checks every site certificate chain it holds (<see cref="SiteCertificateCheck"/>). Revocation is not
/// checked, as at capture: the answer needs no network.
/// </summary>
public static class SiteCertificateVerifier
{
    /// <summary>The media type of a certificate chain in PEM, the site's certificate first (RFC 8555, section 9.1).</summary>
    public const string ChainContentType = "application/pem-certificate-chain";

    private const int MaxChainBytes = 1024 * 1024;
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");

    /// <summary>Checks each site certificate chain in <paramref name="wacz"/>, in the order the capture recorded them.</summary>
    /// <param name="wacz">The WACZ, seekable.</param>
    /// <param name="roots">The roots to trust instead of the machine's; null trusts the machine's.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <exception cref="InvalidDataException">The WACZ or its WARC is malformed.</exception>
    public static async Task<IReadOnlyList<SiteCertificateCheck>> CheckAsync(Stream wacz, X509Certificate2Collection? roots, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(wacz);
        await using var zip = await ZipArchive.CreateAsync(wacz, ZipArchiveMode.Read, leaveOpen: true, entryNameEncoding: null, cancellationToken);
        if (zip.GetEntry(WaczPackage.ArchivePath) is not { } archive)
        {
            return [];
        }

        await using var compressed = await archive.OpenAsync(cancellationToken);
        await using var warc = new GZipStream(compressed, CompressionMode.Decompress); // every member, one record each
        var reader = new HeaderBlockReader(warc, long.MaxValue);
        var checks = new List<SiteCertificateCheck>();
        while (await reader.ReadWarcHeaderAsync(cancellationToken) is { } headers)
        {
            if (!long.TryParse(headers.GetValueOrDefault("Content-Length"), NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            {
                throw new InvalidDataException("A WARC record has no Content-Length.");
            }

            var mediaType = headers.GetValueOrDefault("Content-Type")?.Split(';')[0].Trim();
            if (headers.GetValueOrDefault("WARC-Type") == "metadata" && string.Equals(mediaType, ChainContentType, StringComparison.OrdinalIgnoreCase) && length <= MaxChainBytes)
            {
                var block = await reader.ReadBytesAsync((int)length, cancellationToken);
                checks.Add(Check(headers.GetValueOrDefault("WARC-Target-URI") ?? string.Empty, headers.GetValueOrDefault("WARC-Date"), block, roots));
            }
            else
            {
                await reader.SkipAsync(length, cancellationToken);
            }
        }

        return checks;
    }

    private static SiteCertificateCheck Check(string site, string? date, byte[] pem, X509Certificate2Collection? roots)
    {
        var at = DateTimeOffset.TryParse(date, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed.ToUniversalTime() : DateTimeOffset.MinValue;
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(Encoding.ASCII.GetString(pem));
        }
        catch (CryptographicException)
        {
            certificates.Clear();
        }

        try
        {
            if (certificates.Count == 0)
            {
                return new SiteCertificateCheck(site, at, null, null, "the record holds no readable certificate");
            }

            var leaf = certificates[0];
            var sha256 = Convert.ToHexStringLower(SHA256.HashData(leaf.RawData));
            return new SiteCertificateCheck(site, at, leaf.Subject, sha256, at == DateTimeOffset.MinValue ? "the record has no valid WARC-Date" : Problem(site, at, certificates, roots));
        }
        finally
        {
            foreach (var certificate in certificates)
            {
                certificate.Dispose();
            }
        }
    }

    private static string? Problem(string site, DateTimeOffset at, X509Certificate2Collection certificates, X509Certificate2Collection? roots)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.VerificationTime = at.UtcDateTime;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(ServerAuthentication);
        chain.ChainPolicy.ExtraStore.AddRange(certificates);
        if (roots is not null)
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        }

        if (!chain.Build(certificates[0]))
        {
            var flags = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, status) => all | status.Status);
            return flags switch
            {
                _ when flags.HasFlag(X509ChainStatusFlags.NotTimeValid) => "a certificate of the chain was not valid at the time of the capture",
                _ when flags.HasFlag(X509ChainStatusFlags.UntrustedRoot) || flags.HasFlag(X509ChainStatusFlags.PartialChain) => "the chain does not lead to a trusted root",
                _ when flags.HasFlag(X509ChainStatusFlags.NotValidForUsage) => "the certificate is not for server authentication",
                _ => "the chain does not check out: " + flags,
            };
        }

        var host = Uri.TryCreate(site, UriKind.Absolute, out var origin) ? origin.IdnHost : null;
        try
        {
            return host is not null && certificates[0].MatchesHostname(host) ? null : $"the certificate is not for {host ?? "the site named"}";
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            return $"the certificate's names could not be read for {host}";
        }
    }
}
