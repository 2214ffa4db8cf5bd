using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using EvidenceVault.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace EvidenceVault.Api.Tests.Infrastructure;

/// <summary>
/// A phishing site on a real socket (127.0.0.1, a port of its own), for the vault to capture: a link that
/// redirects and sets a session cookie, the fake refund page (the sample fixture) with its logo, style sheet and a
/// missing image, the same page gzip-encoded, a page taken down, a redirect into the cloud's metadata service,
/// a page that never answers and one of any size — over HTTP, over HTTPS under a certificate from a chain of its
/// own (root, intermediate, site) and over HTTPS under a certificate it signed itself; and a link shortener of its
/// own, on another HTTPS port, that sends a victim on to the site. One site for the whole run; it records what it was asked.
/// </summary>
public sealed class ScamSite
{
    /// <summary>The cookie the link sets and the page looks for.</summary>
    public const string SessionCookie = "session=victim-114";

    private static readonly Lazy<Task<ScamSite>> Shared = new(StartAsync);

    private static readonly Lazy<(X509Certificate2 Site, X509Certificate2 Intermediate, X509Certificate2 Root)> Authority = new(IssueChain);

    private static readonly Lazy<string> RootFile = new(() =>
    {
        var path = Path.Combine(Path.GetTempPath(), $"ev-scam-site-root-{Environment.ProcessId}.pem");
        File.WriteAllText(path, Authority.Value.Root.ExportCertificatePem());
        AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(path);
        return path;
    });

    private readonly ConcurrentQueue<(string Path, string Cookie)> _requests = new();

    private ScamSite(Uri address, Uri secureAddress, Uri selfSignedAddress, Uri shortLinkAddress) =>
        (Address, SecureAddress, SelfSignedAddress, ShortLinkAddress) = (address, secureAddress, selfSignedAddress, shortLinkAddress);

    public Uri Address { get; }

    /// <summary>
    /// The same site over HTTPS, under a certificate for 127.0.0.1 from an authority of its own (which sends its
    /// intermediate along), as an intranet site looks to a vault told to trust that root (<see cref="RootCertificateFile"/>).
    /// </summary>
    public Uri SecureAddress { get; }

    /// <summary>The same site over HTTPS, under a certificate it made itself, as no browser — and no vault — trusts.</summary>
    public Uri SelfSignedAddress { get; }

    /// <summary>
    /// A link shortener: another site (its own port, the same chain) whose <c>/short</c> redirects to the scam site's
    /// <c>/go</c> over <see cref="SecureAddress"/>, as the links in scam messages often do.
    /// </summary>
    public Uri ShortLinkAddress { get; }

    /// <summary>The site's certificate, its intermediate's and its root's in PEM, one after another.</summary>
    public static string ChainPem => string.Concat(Chain.Select(c => c.ExportCertificatePem() + "\n"));

    /// <summary>A PEM file with the root of the site's chain, which the test vaults trust.</summary>
    public static string RootCertificateFile => RootFile.Value;

    /// <summary>The SHA-256 of the site's certificate, its intermediate's and its root's (DER), lowercase hex, in that order.</summary>
    public static IReadOnlyList<string> ChainSha256 => [.. Chain.Select(c => Convert.ToHexStringLower(SHA256.HashData(c.RawData)))];

    /// <summary>The site certificate's serial number (lowercase hex) and validity, as its issuer wrote them.</summary>
    public static (string SerialNumber, DateTimeOffset NotBefore, DateTimeOffset NotAfter) SiteCertificate =>
        (Authority.Value.Site.SerialNumber.ToLowerInvariant(), Authority.Value.Site.NotBefore.ToUniversalTime(), Authority.Value.Site.NotAfter.ToUniversalTime());

    private static X509Certificate2[] Chain => [Authority.Value.Site, Authority.Value.Intermediate, Authority.Value.Root];

    /// <summary>Every request the site answered: its path and query, and the Cookie header it carried.</summary>
    public IReadOnlyCollection<(string Path, string Cookie)> Requests => _requests;

    /// <summary>The refund page as the site serves it (identity coding).</summary>
    public static byte[] RefundPage(bool signedIn)
    {
        var html = File.ReadAllText(SampleEvidence.PathOf("page-snapshot-refund.html"));
        var links = "<link rel=\"stylesheet\" href=\"/style.css\"><link rel=\"icon\" href=\"logo.png#favicon\">";
        var body = "<img src=\"logo.png\" alt=\"\"><img src=\"/missing.png\" alt=\"\">" + (signedIn ? "<p id=\"session\">已登录 signed in</p>" : string.Empty);
        html = html.Replace("</head>", links + "</head>", StringComparison.Ordinal);
        var bodyStart = html.IndexOf("<body", StringComparison.Ordinal);
        var bodyOpenEnd = html.IndexOf('>', bodyStart) + 1;
        return Encoding.UTF8.GetBytes(html.Insert(bodyOpenEnd, body));
    }

    public const string StyleSheet = "body{background:#fff7e6}";

    public static Task<ScamSite> InstanceAsync() => Shared.Value;

    public Uri At(string pathAndQuery) => new(Address, pathAndQuery);

    private static X509Certificate2 SelfSignedCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return SiteRequest(key).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    /// <summary>A certificate request for the site at 127.0.0.1, for server authentication.</summary>
    private static CertificateRequest SiteRequest(ECDsa key)
    {
        var request = new CertificateRequest("CN=refund-center.example, O=Refund Center", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        return request;
    }

    /// <summary>A root, an intermediate it signs and the site's certificate the intermediate signs, each with its key.</summary>
    private static (X509Certificate2 Site, X509Certificate2 Intermediate, X509Certificate2 Root) IssueChain()
    {
        var (from, until) = (DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var root = AuthorityRequest("CN=Scam Site Test Root, O=EvidenceVault Tests", rootKey).CreateSelfSigned(from, until);
        var intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var intermediateRequest = AuthorityRequest("CN=Scam Site Test Issuing CA, O=EvidenceVault Tests", intermediateKey);
        intermediateRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root, true, false));
        var intermediate = intermediateRequest.Create(root, from, until, RandomNumberGenerator.GetBytes(12)).CopyWithPrivateKey(intermediateKey);
        var siteKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var siteRequest = SiteRequest(siteKey);
        siteRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(intermediate, true, false));
        var site = siteRequest.Create(intermediate, from, until.AddDays(-1), RandomNumberGenerator.GetBytes(12)).CopyWithPrivateKey(siteKey);
        return (site, intermediate, root);
    }

    private static CertificateRequest AuthorityRequest(string name, ECDsa key)
    {
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request;
    }

    private static async Task<ScamSite> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            var chained = new HttpsConnectionAdapterOptions { ServerCertificate = Authority.Value.Site, ServerCertificateChain = [Authority.Value.Intermediate] };
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(chained));
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(SelfSignedCertificate()));
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(chained));
        });

        // The site is another party: its requests must not show up in the telemetry of a vault in the same process.
        builder.Services.AddSingleton(new System.Diagnostics.ActivitySource("EvidenceVault.Tests.ScamSite"));
        builder.Services.AddSingleton(new System.Diagnostics.DiagnosticListener("EvidenceVault.Tests.ScamSite"));
        var app = builder.Build();
        ScamSite? site = null;
        app.Use(async (context, next) =>
        {
            site!._requests.Enqueue((context.Request.Path + context.Request.QueryString, context.Request.Headers.Cookie.ToString()));
            await next(context);
        });
        app.MapGet("/go", (HttpContext context) =>
        {
            context.Response.Headers.SetCookie = SessionCookie + "; Path=/; HttpOnly";
            return Results.Redirect("/refund");
        });
        app.MapGet("/short", () => Results.Redirect(new Uri(site!.SecureAddress, "/go").AbsoluteUri));
        app.MapGet("/refund", (HttpContext context) =>
            Results.Bytes(RefundPage(context.Request.Cookies["session"] == "victim-114"), "text/html; charset=utf-8"));
        app.MapGet("/refund-gzip", async (HttpContext context) =>
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.Headers.ContentEncoding = "gzip";
            await using var gzip = new GZipStream(context.Response.Body, CompressionLevel.Optimal, leaveOpen: true);
            await gzip.WriteAsync(RefundPage(signedIn: false));
        });
        app.MapGet("/logo.png", () => Results.File(SampleEvidence.PathOf("screenshot-refund-page.png"), "image/png"));
        app.MapGet("/style.css", () => Results.Text(StyleSheet, "text/css"));
        app.MapGet("/order/{id}", (string id) => Results.Text($"<!doctype html><title>Order</title><p>Order {id}</p>", "text/html; charset=utf-8"));
        app.MapGet("/tracking", () => Results.Text("<!doctype html><title>退款</title><img src=\"http://10.0.0.1/pixel.gif\"><img src=\"/logo.png\">", "text/html; charset=utf-8"));
        app.MapGet("/plain", () => Results.Text("<!doctype html><title>退款</title><p>Refund form</p>", "text/html; charset=utf-8"));
        app.MapGet("/gone", () => Results.Text("<!doctype html><title>Not found</title><p>This shop was removed.</p>", "text/html", statusCode: 404));
        app.MapGet("/hop", (int n) => Results.Redirect($"/hop?n={n + 1}"));
        app.MapGet("/to-metadata", () => Results.Redirect("http://169.254.169.254/latest/meta-data/"));
        app.MapGet("/slow", async (HttpContext context) =>
        {
            await Task.Delay(TimeSpan.FromMinutes(2), context.RequestAborted);
            return Results.Ok();
        });
        app.MapGet("/bytes", async (long n, HttpContext context) =>
        {
            context.Response.ContentType = "application/vnd.android.package-archive";
            var block = new byte[64 * 1024];
            Random.Shared.NextBytes(block);
            for (long sent = 0; sent < n; sent += block.Length)
            {
                await context.Response.Body.WriteAsync(block.AsMemory(0, (int)Math.Min(block.Length, n - sent)), context.RequestAborted);
            }
        });
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        // Kestrel lists the addresses in the order the listeners were declared: HTTP, the chained HTTPS, the self-signed one, the shortener.
        var listening = addresses.Select(a => new Uri(a)).ToList();
        if (listening.Select(a => a.Scheme).SequenceEqual(["http", "https", "https", "https"]) is false)
        {
            throw new InvalidOperationException("The scam site did not listen as declared: " + string.Join(", ", addresses));
        }

        site = new ScamSite(listening[0], listening[1], listening[2], listening[3]);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => app.StopAsync().GetAwaiter().GetResult();
        return site;
    }
}
