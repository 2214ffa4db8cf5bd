using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using EvidenceVault.Api.Captures;
using EvidenceVault.Api.Tests.Infrastructure;
using EvidenceVault.Evidence;
using EvidenceVault.Hashing;
using EvidenceVault.Serialization;
using EvidenceVault.Testing;

namespace EvidenceVault.Api.Tests.Captures;

/// <summary>
/// The vault captures a phishing page itself (<see cref="ScamSite"/>, on a real socket): the page, its redirect
/// and cookie, its resources, as one WACZ item received like any upload — read back by warcio, Webrecorder's own
/// WARC library — and every refusal leaves nothing behind: no blob, no index row, no custody event, no temporary file.
/// </summary>
[Collection(VaultOnAzurite.Name)]
public sealed class CaptureTests(CaptureVault app) : IClassFixture<CaptureVault>, IDisposable
{
    private static string WarcReaderFolder => Path.Combine(SampleEvidence.RepositoryRoot, "tests", "clients", "warc-node");

    private readonly string _folder = Directory.CreateTempSubdirectory("ev-capture-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_link_that_redirects_becomes_one_WACZ_item_with_the_page_its_cookie_and_its_resources()
    {
        var site = await ScamSite.InstanceAsync();
        using var vault = await app.CreateCaseAsync();
        var link = site.At("/go");

        using var response = await vault.Client.PostAsJsonAsync($"/api/cases/{vault.CaseId}/captures", new { url = link.AbsoluteUri, note = "短信里的退款链接" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var receipt = (await response.Content.ReadFromJsonAsync<CaptureReceipt>(VaultJson.Compact))!;
        var (item, page) = (receipt.Item, receipt.Page);
        Assert.Equal(($"/api/cases/{vault.CaseId}/items/{item.ItemId}"), response.Headers.Location?.OriginalString);
        Assert.Equal(("application/wacz", "page-snapshot", link.AbsoluteUri, "短信里的退款链接"), (item.ContentType, item.Kind, item.SourceUrl, item.Note));
        Assert.Equal(PageSnapshotSources.Wacz, item.Snapshot?.Source);
        Assert.Equal("vault", item.CapturedBy);
        Assert.Null(item.CapturedSites); // plain HTTP: no site presented a certificate
        Assert.Equal(link.AbsoluteUri, item.Snapshot?.Url);
        Assert.Equal((200, site.At("/refund").AbsoluteUri, "订单异常 - 退款申请"), (page.Status, page.FinalUrl, page.Title));
        Assert.Equal([site.At("/refund").AbsoluteUri], page.Redirects);
        Assert.Equal(3, page.Resources); // the logo (named twice), the style sheet, and the missing image's 404
        Assert.Empty(page.Skipped);
        Assert.Equal("127.0.0.1", page.Peers[$"127.0.0.1:{link.Port}"]);
        Assert.Contains(site.Requests, r => r.Path == "/refund" && r.Cookie == ScamSite.SessionCookie);
        Assert.Contains(app.Logs.Lines, line => line.Contains("Page captured: status 200, 1 redirects, 3 resources kept, 0 not kept", StringComparison.Ordinal));
        Assert.DoesNotContain(app.Logs.Lines, line => line.Contains(site.Address.Authority, StringComparison.Ordinal)); // the address is the victim's, not the log's

        // The stored bytes are the item's: downloaded, they hash to its SHA-256, and it sits in the custody chain.
        var wacz = Path.Combine(_folder, "capture.wacz");
        await File.WriteAllBytesAsync(wacz, await vault.Client.GetByteArrayAsync($"/api/cases/{vault.CaseId}/items/{item.ItemId}/content"));
        Assert.Equal(item.Sha256, (await EvidenceHasher.HashAsync(File.OpenRead(wacz))).Digest.Hex);
        var custody = await vault.CheckCustodyAsync();
        Assert.True(custody.IsIntact);
        Assert.Equal("vault", custody.Events.Single(e => e.Seq == item.Custody.Seq).Details?["capturedBy"]); // the vault's own statement, hash-chained
        AssertNoTemporaryFiles();

        // The package: archive first, every file listed with its hash, the list itself hashed.
        using var zip = ZipFile.OpenRead(wacz);
        Assert.Equal(["archive/data.warc.gz", "indexes/index.cdx", "pages/pages.jsonl", "datapackage.json", "datapackage-digest.json"], zip.Entries.Select(e => e.FullName));
        Assert.All(zip.Entries, e => Assert.Equal(e.Length, e.CompressedLength)); // stored, so replay can read by range
        using var package = JsonDocument.Parse(Read(zip, "datapackage.json"));
        Assert.Equal(("1.1.1", link.AbsoluteUri), (package.RootElement.GetProperty("wacz_version").GetString(), package.RootElement.GetProperty("mainPageUrl").GetString()));
        foreach (var resource in package.RootElement.GetProperty("resources").EnumerateArray())
        {
            var bytes = Read(zip, resource.GetProperty("path").GetString()!);
            Assert.Equal("sha256:" + Sha256Digest.Of(bytes).Hex, resource.GetProperty("hash").GetString());
            Assert.Equal(bytes.Length, resource.GetProperty("bytes").GetInt64());
        }

        using var digest = JsonDocument.Parse(Read(zip, "datapackage-digest.json"));
        Assert.Equal("sha256:" + Sha256Digest.Of(Read(zip, "datapackage.json")).Hex, digest.RootElement.GetProperty("hash").GetString());
    }

    [Fact]
    public async Task Warcio_reads_every_record_and_finds_each_digest_the_vault_declared()
    {
        var site = await ScamSite.InstanceAsync();
        using var vault = await app.CreateCaseAsync();
        var (_, archive, index) = await CaptureAndExtractAsync(vault, site.At("/go"));

        var records = await ReadWithWarcioAsync(archive);

        Assert.Equal(
            ["warcinfo", "request", "response", "request", "response", "request", "response", "request", "response", "request", "response", "metadata"],
            records.Select(r => r.GetProperty("type").GetString()));
        foreach (var record in records)
        {
            // warcio's reading of each payload (HTTP records) or block (the others) gives the digest the vault wrote.
            var declared = record.GetProperty("declaredPayload").GetString() ?? record.GetProperty("declaredBlock").GetString();
            if (record.GetProperty("type").GetString() != "request")
            {
                Assert.Equal(declared, "sha256:" + record.GetProperty("sha256").GetString());
            }
        }

        var responses = records.Where(r => r.GetProperty("type").GetString() == "response").ToList();
        Assert.Equal(
            [(site.At("/go").AbsoluteUri, 302), (site.At("/refund").AbsoluteUri, 200), (site.At("/style.css").AbsoluteUri, 200), (site.At("/logo.png").AbsoluteUri, 200), (site.At("/missing.png").AbsoluteUri, 404)],
            responses.Select(r => (r.GetProperty("uri").GetString(), r.GetProperty("status").GetInt32())));
        Assert.All(responses, r => Assert.Equal("127.0.0.1", r.GetProperty("ip").GetString()));
        Assert.Equal(SampleEvidence.KnownSha256["screenshot-refund-page.png"], responses[3].GetProperty("sha256").GetString());
        Assert.Equal(Sha256Digest.Of(System.Text.Encoding.UTF8.GetBytes(ScamSite.StyleSheet)).Hex, responses[2].GetProperty("sha256").GetString());
        Assert.Equal(Sha256Digest.Of(ScamSite.RefundPage(signedIn: true)).Hex, responses[1].GetProperty("sha256").GetString());
        Assert.Equal(ScamSite.SessionCookie, records.Single(r => r.GetProperty("type").GetString() == "request" && r.GetProperty("uri").GetString() == site.At("/refund").AbsoluteUri).GetProperty("cookie").GetString());

        // The package's CDXJ index says what warcio's own indexer says of the same records.
        var warcioIndex = await ExternalTool.RunAsync("node", WarcReaderFolder, "node_modules/warcio/dist/cli.js", "cdx-index", archive);
        Assert.True(warcioIndex.ExitCode == 0, warcioIndex.Output);
        var lines = index.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Length);
        Assert.All(lines, line => Assert.Contains(line.Replace("\"filename\":\"data.warc.gz\"", "\"filename\":\"" + Path.GetFileName(archive) + "\"", StringComparison.Ordinal), warcioIndex.Output, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bundle_with_a_capture_verifies_and_its_guide_shows_how_to_check_the_archive_with_unzip_and_sha256sum()
    {
        var site = await ScamSite.InstanceAsync();
        using var vault = await app.CreateCaseAsync();
        await CaptureAndExtractAsync(vault, site.At("/go"));

        var zip = await vault.DownloadBundleAsync(_folder);

        var report = await EvidenceVault.Bundles.BagVerifier.VerifyAsync(zip);
        Assert.True(report.Intact, string.Join("\n", report.Findings));
        var bag = ExtractBag(zip);
        var guide = await File.ReadAllTextAsync(Path.Combine(bag, "VERIFY.md"));
        Assert.Contains("## 7. 网页存档 / Web archives (WACZ)", guide, StringComparison.Ordinal);
        var command = guide.Split('\n').Single(line => line.StartsWith("unzip -p", StringComparison.Ordinal) && line.Contains("| sha256sum", StringComparison.Ordinal));

        var run = await ExternalTool.RunAsync("bash", bag, "-c", command);

        Assert.True(run.ExitCode == 0, run.Output);
        var file = command.Split(' ')[2];
        using var wacz = ZipFile.OpenRead(Path.Combine(bag, file));
        using var package = JsonDocument.Parse(Read(wacz, "datapackage.json"));
        var archive = package.RootElement.GetProperty("resources").EnumerateArray().Single(r => r.GetProperty("path").GetString() == "archive/data.warc.gz");
        Assert.Equal(archive.GetProperty("hash").GetString(), "sha256:" + run.Output.Split(' ')[0]);
    }

    [Fact]
    public async Task A_gzip_encoded_page_is_kept_as_served_and_its_resources_are_still_found()
    {
        var site = await ScamSite.InstanceAsync();
        using var vault = await app.CreateCaseAsync();

        var (page, archive, _) = await CaptureAndExtractAsync(vault, site.At("/refund-gzip"));

        Assert.Equal((200, 3, "订单异常 - 退款申请"), (page.Status, page.Resources, page.Title));
        var response = (await ReadWithWarcioAsync(archive)).First(r => r.GetProperty("type").GetString() == "response");
        var served = response.GetProperty("sha256").GetString();
        Assert.NotEqual(Sha256Digest.Of(ScamSite.RefundPage(signedIn: false)).Hex, served); // the compressed bytes, not a re-encoding
        Assert.Equal(response.GetProperty("declaredPayload").GetString(), "sha256:" + served);
    }

    [Fact]
    public async Task A_link_given_in_Chinese_is_kept_as_given_however_long_its_percent_encoded_form()
    {
        var site = await ScamSite.InstanceAsync();
        using var vault = await app.CreateCaseAsync();
        var link = site.Address + "order/" + new string('退', 600);
        Assert.True(new Uri(link).AbsoluteUri.Length > Api.Ingest.EvidenceClaims.MaxSourceUrlLength);

        using var response = await vault.Client.PostAsJsonAsync($"/api/cases/{vault.CaseId}/captures", new { url = link });

        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var receipt = (await response.Content.ReadFromJsonAsync<CaptureReceipt>(VaultJson.Compact))!;
        Assert.Equal((link, 200), (receipt.Item.SourceUrl, receipt.Page.Status));
    }

    [Fact]
    public async Task A_page_already_taken_down_is_kept_with_its_404()
    {
        var site = await ScamSite.InstanceAsync();
        using var vault = await app.CreateCaseAsync();

        var (page, _, _) = await CaptureAndExtractAsync(vault, site.At("/gone"));

        Assert.Equal((404, 0), (page.Status, page.Resources));
        Assert.Single(await vault.ListItemsAsync());
    }

    [Fact]
    public async Task A_redirect_into_the_clouds_metadata_service_is_not_followed_and_says_so()
    {
        var site = await ScamSite.InstanceAsync();
        using var vault = await app.CreateCaseAsync();

        var (page, _, _) = await CaptureAndExtractAsync(vault, site.At("/to-metadata"));

        Assert.Equal(302, page.Status);
        Assert.Equal([new SkippedResource("http://169.254.169.254/latest/meta-data/", "address-forbidden")], page.Skipped);
    }

    [Fact]
    public async Task A_resource_on_a_private_address_is_not_fetched_and_the_rest_of_the_page_is_kept()
    {
        var site = await ScamSite.InstanceAsync();
        using var vault = await app.CreateCaseAsync();

        var (page, _, index) = await CaptureAndExtractAsync(vault, site.At("/tracking"));

        Assert.Equal((200, 1), (page.Status, page.Resources));
        Assert.Equal([new SkippedResource("http://10.0.0.1/pixel.gif", "address-forbidden")], page.Skipped);
        Assert.Contains(site.At("/logo.png").AbsoluteUri, index, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redirect_without_end_is_followed_as_far_as_the_limit_and_kept()
    {
        var site = await ScamSite.InstanceAsync();
        using var vault = await app.CreateCaseAsync();

        var (page, _, index) = await CaptureAndExtractAsync(vault, site.At("/hop?n=0"));

        Assert.Equal((302, site.At($"/hop?n={CaptureVault.MaxRedirects}").AbsoluteUri), (page.Status, page.FinalUrl));
        Assert.Equal(CaptureVault.MaxRedirects, page.Redirects.Count);
        Assert.Equal([new SkippedResource(site.At($"/hop?n={CaptureVault.MaxRedirects + 1}").AbsoluteUri, "limit")], page.Skipped);
        Assert.Equal(CaptureVault.MaxRedirects + 1, index.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://127.0.0.2:{port}/go")]
    [InlineData("http://[::1]:{port}/go")]
    [InlineData("http://10.0.0.1/")]
    [InlineData("http://0.0.0.0:{port}/go")]
    public async Task An_address_off_the_public_internet_is_refused_with_nothing_stored(string address)
    {
        var site = await ScamSite.InstanceAsync();
        using var vault = await app.CreateCaseAsync();
        var requests = site.Requests.Count;

        await AssertRefusedAsync(vault, new { url = address.Replace("{port}", site.Address.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal) }, 422, "capture-address-forbidden");

        Assert.Equal(requests, site.Requests.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("refund-center.example/order/114")]
    [InlineData("ftp://refund-center.example/")]
    [InlineData("javascript:alert(1)")]
    [InlineData("http://victim:password@refund-center.example/")]
    public async Task An_address_that_is_not_an_http_URL_is_refused(string address)
    {
        using var vault = await app.CreateCaseAsync();

        await AssertRefusedAsync(vault, new { url = address }, 400, "capture-url-invalid");
    }

    [Fact]
    public async Task A_note_the_vault_would_not_keep_is_refused_before_anything_is_fetched()
    {
        var site = await ScamSite.InstanceAsync();
        using var vault = await app.CreateCaseAsync();
        var requests = site.Requests.Count;

        await AssertRefusedAsync(vault, new { url = site.At("/plain").AbsoluteUri, note = new string('骗', 1001) }, 400, "malformed-request");

        Assert.Equal(requests, site.Requests.Count);
    }

    [Fact]
    public async Task A_site_that_does_not_answer_in_time_is_a_504_with_nothing_stored()
    {
        var site = await ScamSite.InstanceAsync();
        using var vault = await app.CreateCaseAsync();

        await AssertRefusedAsync(vault, new { url = site.At("/slow").AbsoluteUri }, 504, "capture-timed-out");
    }

    [Fact]
    public async Task A_host_nothing_listens_on_is_a_502_with_nothing_stored()
    {
        using var vault = await app.CreateCaseAsync();
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        await AssertRefusedAsync(vault, new { url = $"http://127.0.0.1:{port}/" }, 502, "capture-unreachable");
    }

    [Theory]
    [InlineData("signed by itself")]
    [InlineData("from a trusted authority, for another name")]
    public async Task A_site_whose_certificate_does_not_check_out_is_not_captured(string certificate)
    {
        var site = await ScamSite.InstanceAsync();
        using var vault = await app.CreateCaseAsync();
        var url = certificate == "signed by itself"
            ? new Uri(site.SelfSignedAddress, "/plain")
            : new UriBuilder(site.SecureAddress) { Host = "localhost", Path = "/plain" }.Uri; // localhost is 127.0.0.1 here, but the certificate names only 127.0.0.1

        var problem = await AssertRefusedAsync(vault, new { url = url.AbsoluteUri }, 502, "capture-unreachable");

        Assert.Contains("SecureConnectionError", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_page_over_https_is_kept_with_the_TLS_version_cipher_suite_and_certificate_chain_the_vault_checked()
    {
        var site = await ScamSite.InstanceAsync();
        using var vault = await app.CreateCaseAsync();
        var link = new Uri(site.SecureAddress, "/go");

        var (page, archive, _) = await CaptureAndExtractAsync(vault, link);

        Assert.Equal((200, new Uri(site.SecureAddress, "/refund").AbsoluteUri, 3), (page.Status, page.FinalUrl, page.Resources));
        var (host, connections) = Assert.Single(page.Tls); // one site, its connections all alike
        var tls = Assert.Single(connections);
        Assert.Equal(($"127.0.0.1:{link.Port}", "tls/1.3"), (host, tls.Protocol));
        Assert.StartsWith("TLS_", tls.CipherSuite, StringComparison.Ordinal);
        Assert.Equal(ScamSite.ChainSha256, tls.Certificates.Select(c => c.Sha256)); // the site's, its intermediate's (sent along), the root trusted
        Assert.Equal(("CN=refund-center.example, O=Refund Center", "CN=Scam Site Test Issuing CA, O=EvidenceVault Tests"), (tls.Certificates[0].Subject, tls.Certificates[0].Issuer));
        Assert.True(tls.Certificates[0].NotBefore < DateTimeOffset.UtcNow && DateTimeOffset.UtcNow < tls.Certificates[0].NotAfter);

        // warcio reads the protocol fields of every request and response, and the chain as a metadata record before the summary.
        var records = await ReadWithWarcioAsync(archive);
        Assert.Equal(
            ["warcinfo", "request", "response", "request", "response", "request", "response", "request", "response", "request", "response", "metadata", "metadata"],
            records.Select(r => r.GetProperty("type").GetString()));
        Assert.All(records.Where(r => r.GetProperty("type").GetString() is "request" or "response"), r =>
            Assert.Equal(("http/1.1, tls/1.3", tls.CipherSuite), (r.GetProperty("protocols").GetString(), r.GetProperty("cipherSuite").GetString())));
        var chain = records[^2];
        Assert.Equal(
            ("application/pem-certificate-chain", site.SecureAddress.AbsoluteUri, "127.0.0.1", "tls/1.3", tls.CipherSuite),
            (chain.GetProperty("contentType").GetString(), chain.GetProperty("uri").GetString(), chain.GetProperty("ip").GetString(), chain.GetProperty("protocols").GetString(), chain.GetProperty("cipherSuite").GetString()));
        Assert.Equal(Sha256Digest.Of(System.Text.Encoding.ASCII.GetBytes(ScamSite.ChainPem)).Hex, chain.GetProperty("sha256").GetString());
        Assert.Equal("application/json", records[^1].GetProperty("contentType").GetString());
    }

    [Fact]
    public async Task The_bundle_guide_checks_every_sites_certificate_with_openssl_as_at_the_capture()
    {
        var site = await ScamSite.InstanceAsync();
        using var vault = await app.CreateCaseAsync();
        var (page, _, _) = await CaptureAndExtractAsync(vault, new Uri(site.ShortLinkAddress, "/short")); // the shortener's site, then the scam site's
        Assert.Equal(2, page.Tls.Count);
        var bag = await vault.DownloadBagAsync(_folder);
        var guide = (await File.ReadAllTextAsync(Path.Combine(bag, "VERIFY.md"))).Split('\n');
        var commands = guide
            .SkipWhile(line => !(line.StartsWith("unzip -p", StringComparison.Ordinal) && line.Contains("pem-certificate-chain", StringComparison.Ordinal)))
            .TakeWhile(line => line != "```")
            .ToList();
        var verify = Assert.Single(commands, line => line.StartsWith("openssl verify -attime", StringComparison.Ordinal));

        // The expert's own roots: here the sites' test root, through OpenSSL's SSL_CERT_FILE.
        var trusting = new Dictionary<string, string> { ["SSL_CERT_FILE"] = ScamSite.RootCertificateFile };
        var run = await ExternalTool.RunAsync("bash", bag, trusting, "-c", "set -eo pipefail\n" + string.Join('\n', commands));

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Equal(5, commands.Count);
        foreach (var (file, origin) in new[] { ("site-1.pem", site.ShortLinkAddress), ("site-2.pem", site.SecureAddress) })
        {
            Assert.Contains($"{file} {origin.AbsoluteUri}\n", run.Output, StringComparison.Ordinal); // which file is which site
            Assert.Contains($"{file}: OK\n", run.Output, StringComparison.Ordinal);
        }

        Assert.Contains("refund-center.example", run.Output, StringComparison.Ordinal);
        Assert.Contains("Scam Site Test Issuing CA", run.Output, StringComparison.Ordinal);
        Assert.Contains(string.Join(':', Convert.FromHexString(ScamSite.ChainSha256[0]).Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture))), run.Output, StringComparison.Ordinal);

        // The same check fails where the root is not trusted, as at a time after the certificates expired, and when
        // any one site's certificate does not check out — here the page's site, the second.
        var untrusted = await ExternalTool.RunAsync("bash", bag, "-c", verify);
        Assert.NotEqual(0, untrusted.ExitCode);
        var expired = verify.Replace(verify.Split(' ')[3], DateTimeOffset.UtcNow.AddDays(60).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var late = await ExternalTool.RunAsync("bash", bag, trusting, "-c", expired);
        Assert.NotEqual(0, late.ExitCode);
        Assert.Contains("expired", late.Output, StringComparison.Ordinal);
        using (var key = ECDsa.Create())
        using (var impostor = new CertificateRequest("CN=refund-center.example", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1)))
        {
            await File.WriteAllTextAsync(Path.Combine(bag, "site-2.pem"), impostor.ExportCertificatePem());
        }

        var oneBad = await ExternalTool.RunAsync("bash", bag, trusting, "-c", verify);
        Assert.NotEqual(0, oneBad.ExitCode);
        Assert.Contains("site-1.pem: OK", oneBad.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("site-2.pem: OK", oneBad.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evidencevault_verify_checks_every_captured_sites_certificate_as_at_the_capture_under_the_roots_the_expert_trusts()
    {
        var site = await ScamSite.InstanceAsync();
        using var vault = await app.CreateCaseAsync();
        await CaptureAndExtractAsync(vault, new Uri(site.ShortLinkAddress, "/short"));
        var zip = await vault.DownloadBundleAsync(_folder);

        var machine = await ExternalTool.RunAsync("dotnet", _folder, ApiProcess.CliDll, "verify", zip);
        var supplied = await ExternalTool.RunAsync("dotnet", _folder, ApiProcess.CliDll, "verify", zip, "--site-root", ScamSite.RootCertificateFile);
        var json = await ExternalTool.RunAsync("dotnet", _folder, ApiProcess.CliDll, "verify", zip, "--site-root", ScamSite.RootCertificateFile, "--json");

        // The bundle is intact either way: whether this machine trusts a site's root is about the site, not the bundle.
        Assert.True(machine.ExitCode == 0, machine.Output);
        Assert.True(supplied.ExitCode == 0, supplied.Output);
        foreach (var origin in new[] { site.ShortLinkAddress, site.SecureAddress })
        {
            var line = $"网站证书 site certificate {origin.AbsoluteUri}  CN=refund-center.example, O=Refund Center  sha256 {ScamSite.ChainSha256[0]}: ";
            Assert.Contains(line + "未能核验 does not check out (根证书 roots: 本机 from this machine): the chain does not lead to a trusted root\n", machine.Output, StringComparison.Ordinal);
            Assert.Contains(line + "可信 trusted as at ", supplied.Output, StringComparison.Ordinal);
        }

        Assert.Contains("(根证书 roots: 由您提供 supplied by you)", supplied.Output, StringComparison.Ordinal);
        Assert.Equal("supplied", JsonDocument.Parse(json.Output).RootElement.GetProperty("siteRootsFrom").GetString());
        var capture = JsonDocument.Parse(json.Output).RootElement.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("siteCertificates").ValueKind == JsonValueKind.Array);
        Assert.Equal(
            [(site.ShortLinkAddress.AbsoluteUri, true), (site.SecureAddress.AbsoluteUri, true)],
            capture.GetProperty("siteCertificates").EnumerateArray().Select(c => (c.GetProperty("site").GetString(), c.GetProperty("trusted").GetBoolean())));
    }

    [Fact]
    public async Task Each_sites_certificate_is_the_vaults_own_statement_in_the_custody_line_the_index_and_the_report_and_cannot_be_recatalogued()
    {
        var site = await ScamSite.InstanceAsync();
        using var vault = await app.CreateCaseAsync();
        var before = DateTimeOffset.UtcNow;
        await CaptureAndExtractAsync(vault, new Uri(site.ShortLinkAddress, "/short")); // the shortener's site, then the scam site's

        // The index: both sites, in the order the vault connected, each with the certificate as its issuer wrote it.
        var item = Assert.Single(await vault.ListItemsAsync());
        var (serial, notBefore, notAfter) = ScamSite.SiteCertificate;
        Assert.Equal([site.ShortLinkAddress.AbsoluteUri, site.SecureAddress.AbsoluteUri], item.CapturedSites!.Select(s => s.Site));
        Assert.All(item.CapturedSites!, s =>
        {
            Assert.Equal(("CN=refund-center.example, O=Refund Center", "CN=Scam Site Test Issuing CA, O=EvidenceVault Tests"), (s.Subject, s.Issuer));
            Assert.Equal((serial, ScamSite.ChainSha256[0]), (s.SerialNumber, s.Sha256));
            Assert.Equal((notBefore, notAfter), (s.NotBefore, s.NotAfter));
            Assert.InRange(s.CheckedAt, before.AddSeconds(-1), item.ReceivedAt);
        });

        // The custody line: the same, hash-chained with the receipt of the bytes.
        var custody = await vault.CheckCustodyAsync();
        Assert.True(custody.IsIntact);
        Assert.Equal(item.CapturedSites, EvidenceVault.Custody.CaptureDetails.SitesFrom(custody.Events.Single(e => e.Seq == item.Custody.Seq).Details));

        // The bundle: items.json and items.csv carry them, and the report shows each to the lawyer.
        var bag = await vault.DownloadBagAsync(_folder);
        var html = await File.ReadAllTextAsync(Path.Combine(bag, "data", "report.html"));
        Assert.Contains("<h2>网站证书 / Site certificates</h2>", html, StringComparison.Ordinal);
        Assert.Contains("Certificates of 2 site(s) checked", html, StringComparison.Ordinal);
        foreach (var origin in new[] { site.ShortLinkAddress, site.SecureAddress })
        {
            Assert.Contains($"<tr><td>1</td><td><code>{origin.AbsoluteUri}</code></td>", html, StringComparison.Ordinal);
        }

        Assert.Equal(2, html.Split($"<td>CN=refund-center.example, O=Refund Center</td><td>CN=Scam Site Test Issuing CA, O=EvidenceVault Tests</td><td><code>{serial}</code></td>").Length - 1);
        var row = Assert.Single(ItemsCsvFile.Read(Path.Combine(bag, "data", "items.csv")));
        Assert.Equal("vault", row["captured_by"]);
        Assert.Equal($"{site.ShortLinkAddress.AbsoluteUri} sha256:{ScamSite.ChainSha256[0]}; {site.SecureAddress.AbsoluteUri} sha256:{ScamSite.ChainSha256[0]}", row["captured_site_certificates"]);

        // Re-catalogued to name another issuer, it no longer agrees with its custody line.
        await BagForgery.AssertRecataloguingCaughtAsync(
            bag, "\"issuer\": \"CN=Scam Site Test Issuing CA, O=EvidenceVault Tests\"", "\"issuer\": \"CN=Bank Site Test Issuing CA, O=EvidenceVault Tests\"", "sites and certificates");
    }

    [Fact]
    public async Task A_page_larger_than_a_capture_keeps_is_refused_and_one_of_exactly_the_limit_is_kept()
    {
        var site = await ScamSite.InstanceAsync();
        using var vault = await app.CreateCaseAsync();

        await AssertRefusedAsync(vault, new { url = site.At($"/bytes?n={CaptureVault.MaxBytes + 1}").AbsoluteUri }, 422, "capture-too-large");

        // Exactly the limit is kept.
        var (page, _, _) = await CaptureAndExtractAsync(vault, site.At($"/bytes?n={CaptureVault.MaxBytes}"));
        Assert.Equal(200, page.Status);
    }

    [Fact]
    public async Task A_lawyer_may_not_capture_and_an_operator_may_turn_captures_off()
    {
        var site = await ScamSite.InstanceAsync();
        using var vault = await app.CreateCaseAsync();
        var lawyer = await vault.GrantAsync("lawyer", "律师");
        using var lawyerClient = app.ClientWith(lawyer.Token);

        using var refused = await lawyerClient.PostAsJsonAsync($"/api/cases/{vault.CaseId}/captures", new { url = site.At("/plain").AbsoluteUri });
        await ProblemAssert.IsAsync(refused, 403, "forbidden");

        await using var off = app.WithWebHostBuilder(builder => builder.UseSetting("EvidenceVault:Capture:Enabled", "false"));
        using var client = off.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", vault.OwnerToken);
        using var disabled = await client.PostAsJsonAsync($"/api/cases/{vault.CaseId}/captures", new { url = site.At("/plain").AbsoluteUri });
        await ProblemAssert.IsAsync(disabled, 403, "capture-disabled");
        Assert.Empty(await vault.ListItemsAsync());
    }

    private async Task<(CaptureSummary Page, string Archive, string Index)> CaptureAndExtractAsync(TestCase vault, Uri url)
    {
        using var response = await vault.Client.PostAsJsonAsync($"/api/cases/{vault.CaseId}/captures", new { url = url.AbsoluteUri });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var receipt = (await response.Content.ReadFromJsonAsync<CaptureReceipt>(VaultJson.Compact))!;
        var bytes = await vault.Client.GetByteArrayAsync($"/api/cases/{vault.CaseId}/items/{receipt.Item.ItemId}/content");
        using var zip = new ZipArchive(new MemoryStream(bytes));
        var archive = Path.Combine(_folder, receipt.Item.ItemId + ".warc.gz");
        await File.WriteAllBytesAsync(archive, Read(zip, "archive/data.warc.gz"));
        AssertNoTemporaryFiles();
        return (receipt.Page, archive, System.Text.Encoding.UTF8.GetString(Read(zip, "indexes/index.cdx")));
    }

    /// <summary>Every record of a WARC as warcio reads it (read.mjs): one JSON object per record, in order.</summary>
    private static async Task<List<JsonElement>> ReadWithWarcioAsync(string archive)
    {
        var run = await ExternalTool.RunAsync("node", WarcReaderFolder, "read.mjs", archive);
        Assert.True(run.ExitCode == 0, run.Output);
        return [.. run.Output.Split('\n').Where(line => line.StartsWith('{')).Select(line => JsonDocument.Parse(line).RootElement)];
    }

    /// <summary>Unzips a downloaded bundle into the test's folder; the bag folder it holds.</summary>
    private string ExtractBag(string zip)
    {
        var extracted = Path.Combine(_folder, "bag");
        ZipFile.ExtractToDirectory(zip, extracted);
        return Directory.GetDirectories(extracted).Single();
    }

    /// <summary>Asks for a capture the vault must refuse: the problem it answers, and nothing of it stored.</summary>
    private async Task<JsonElement> AssertRefusedAsync(TestCase vault, object request, int status, string code)
    {
        var before = await app.CustodyLogAsync(vault.CaseId);

        using var response = await vault.Client.PostAsJsonAsync($"/api/cases/{vault.CaseId}/captures", request);

        var problem = await ProblemAssert.IsAsync(response, status, code);
        await AssertNothingStoredAsync(vault, before);
        return problem;
    }

    private async Task AssertNothingStoredAsync(TestCase vault, string custodyBefore)
    {
        Assert.Empty(await app.CommittedBlobsAsync(vault.CaseId));
        Assert.Empty(await app.IndexRowsAsync(vault.CaseId));
        Assert.Equal(custodyBefore, await app.CustodyLogAsync(vault.CaseId));
        AssertNoTemporaryFiles();
    }

    /// <summary>Every response and package a capture spooled is gone once it is answered.</summary>
    private static void AssertNoTemporaryFiles() =>
        Assert.Empty(Directory.GetFiles(Path.GetTempPath(), $"{EvidenceVault.WebArchives.WarcBlock.TemporaryFilePrefix}{Environment.ProcessId}-*")); // this process's: the app runs in it

    private static byte[] Read(ZipArchive zip, string path)
    {
        using var entry = zip.GetEntry(path)!.Open();
        using var copy = new MemoryStream();
        entry.CopyTo(copy);
        return copy.ToArray();
    }
}
