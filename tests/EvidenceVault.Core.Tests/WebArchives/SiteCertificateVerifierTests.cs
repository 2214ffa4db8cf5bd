using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using EvidenceVault.WebArchives;

namespace EvidenceVault.Core.Tests.WebArchives;

/// <summary>
/// A capture's site certificate chains, checked again as at the capture: trusted under the roots given (or not, under
/// the machine's), valid then though expired now, refused when not valid then or not for the site's name — and only
/// the vault's own chain records count, never certificate text a page carried.
/// </summary>
public sealed class SiteCertificateVerifierTests : IDisposable
{
    private static readonly DateTimeOffset CapturedAt = new(2026, 3, 14, 9, 30, 0, TimeSpan.Zero);

    private readonly string _folder = Directory.CreateTempSubdirectory("ev-sites-").FullName;
    private readonly ECDsa _rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _root;

    public SiteCertificateVerifierTests()
    {
        var request = new CertificateRequest("CN=Test Root", _rootKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        _root = request.CreateSelfSigned(CapturedAt.AddYears(-1), CapturedAt.AddYears(5));
    }

    public void Dispose()
    {
        _root.Dispose();
        _rootKey.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_chain_valid_at_the_capture_is_trusted_under_the_roots_given_though_it_has_expired_since()
    {
        using var site = Issue("refund-center.example", CapturedAt.AddDays(-30), CapturedAt.AddDays(60)); // long expired by now
        var wacz = await CaptureAsync(("https://refund-center.example/", site));

        var check = Assert.Single(await CheckAsync(wacz, [_root]));

        Assert.Equal(("https://refund-center.example/", CapturedAt, "CN=refund-center.example", null), (check.Site, check.CheckedAsAt, check.Subject, check.Problem));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(site.RawData)), check.Sha256);
        Assert.True(check.Trusted);
    }

    [Fact]
    public async Task Under_the_machines_roots_a_private_root_does_not_check_out()
    {
        using var site = Issue("refund-center.example", CapturedAt.AddDays(-30), CapturedAt.AddDays(60));
        var wacz = await CaptureAsync(("https://refund-center.example/", site));

        var check = Assert.Single(await CheckAsync(wacz, roots: null));

        Assert.Equal("the chain does not lead to a trusted root", check.Problem);
    }

    [Fact]
    public async Task A_certificate_not_yet_valid_at_the_capture_or_for_another_name_does_not_check_out()
    {
        using var early = Issue("refund-center.example", CapturedAt.AddDays(1), CapturedAt.AddDays(90));
        using var other = Issue("bank.example", CapturedAt.AddDays(-30), CapturedAt.AddDays(60));
        var wacz = await CaptureAsync(("https://refund-center.example/", early), ("https://refund-center.example:8443/", other));

        var checks = await CheckAsync(wacz, [_root]);

        Assert.Equal(
            ["a certificate of the chain was not valid at the time of the capture", "the certificate is not for refund-center.example"],
            checks.Select(c => c.Problem));
    }

    [Fact]
    public async Task Certificate_text_inside_a_page_is_not_a_chain_the_vault_kept()
    {
        using var site = Issue("refund-center.example", CapturedAt.AddDays(-30), CapturedAt.AddDays(60));
        var forged = "HTTP/1.1 200 OK\r\nContent-Type: application/pem-certificate-chain\r\n\r\n" +
                     "WARC/1.1\r\nWARC-Type: metadata\r\nWARC-Target-URI: https://bank.example/\r\nContent-Type: application/pem-certificate-chain\r\n\r\n" +
                     site.ExportCertificatePem();
        var wacz = await CaptureAsync(forged);

        Assert.Empty(await CheckAsync(wacz, [_root]));
    }

    private static async Task<IReadOnlyList<SiteCertificateCheck>> CheckAsync(string wacz, X509Certificate2Collection? roots)
    {
        await using var file = File.OpenRead(wacz);
        return await SiteCertificateVerifier.CheckAsync(file, roots);
    }

    private X509Certificate2 Issue(string host, DateTimeOffset from, DateTimeOffset until)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(host);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_root, true, false));
        return request.Create(_root, from, until, RandomNumberGenerator.GetBytes(12));
    }

    /// <summary>A WACZ whose WARC holds a chain record (site certificate, then the root) for each site, as captures write them.</summary>
    private Task<string> CaptureAsync(params (string Site, X509Certificate2 Certificate)[] sites) =>
        PackAsync(async writer =>
        {
            foreach (var (site, certificate) in sites)
            {
                await using var chain = WarcBlock.FromBytes(Encoding.ASCII.GetBytes(certificate.ExportCertificatePem() + "\n" + _root.ExportCertificatePem() + "\n"));
                await writer.WriteAsync(Fields("metadata", site), SiteCertificateVerifier.ChainContentType, chain);
            }
        });

    /// <summary>A WACZ whose WARC holds one response carrying <paramref name="body"/>.</summary>
    private Task<string> CaptureAsync(string body) =>
        PackAsync(async writer =>
        {
            await using var response = WarcBlock.FromBytes(Encoding.ASCII.GetBytes(body));
            await writer.WriteAsync(Fields("response", "https://refund-center.example/"), "application/http; msgtype=response", response);
        });

    private static KeyValuePair<string, string>[] Fields(string type, string site) =>
        [new("WARC-Type", type), new("WARC-Record-ID", WarcWriter.NewRecordId()), new("WARC-Date", WarcWriter.FormatDate(CapturedAt)), new("WARC-Target-URI", site)];

    private async Task<string> PackAsync(Func<WarcWriter, Task> write)
    {
        var path = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".wacz");
        await using var warc = new FileStream(Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".warc.gz"), FileMode.CreateNew, FileAccess.ReadWrite);
        await write(new WarcWriter(warc));
        warc.Position = 0;
        var page = new WaczPage(new Uri("https://refund-center.example/"), CapturedAt, null);
        await using var output = File.Create(path);
        await WaczPackage.WriteAsync(output, warc, [], [page], new WaczDescription("Capture", "EvidenceVault test", CapturedAt, page));
        return path;
    }
}
