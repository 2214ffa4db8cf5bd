using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text;
using EvidenceVault.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace EvidenceVault.Api.Tests.Infrastructure;

/// <summary>
/// A phishing site on a real socket (127.0.0.1, a port of its own), for the vault to capture: a link that
/// redirects and sets a session cookie, the fake refund page (the sample fixture) with its logo, style sheet and a
/// missing image, the same page gzip-encoded, a page taken down, a redirect into the cloud's metadata service,
/// a page that never answers and one of any size. One site for the whole run; it records what it was asked.
/// </summary>
public sealed class ScamSite
{
    /// <summary>The cookie the link sets and the page looks for.</summary>
    public const string SessionCookie = "session=victim-114";

    private static readonly Lazy<Task<ScamSite>> Shared = new(StartAsync);

    private readonly ConcurrentQueue<(string Path, string Cookie)> _requests = new();

    private ScamSite(Uri address, Uri secureAddress) => (Address, SecureAddress) = (address, secureAddress);

    public Uri Address { get; }

    /// <summary>The same site over HTTPS, under a certificate it made itself, as no browser — and no vault — trusts.</summary>
    public Uri SecureAddress { get; }

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

    private static System.Security.Cryptography.X509Certificates.X509Certificate2 SelfSignedCertificate()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=refund-center.example", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        var names = new System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static async Task<ScamSite> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(System.Net.IPAddress.Loopback, 0);
            kestrel.Listen(System.Net.IPAddress.Loopback, 0, listen => listen.UseHttps(SelfSignedCertificate()));
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
        site = new ScamSite(new Uri(addresses.Single(a => a.StartsWith("http:", StringComparison.Ordinal))), new Uri(addresses.Single(a => a.StartsWith("https:", StringComparison.Ordinal))));
        AppDomain.CurrentDomain.ProcessExit += (_, _) => app.StopAsync().GetAwaiter().GetResult();
        return site;
    }
}
