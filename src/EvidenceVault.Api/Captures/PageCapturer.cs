using System.Text.Json;
using EvidenceVault.Api.Problems;
using EvidenceVault.Evidence;
using EvidenceVault.Serialization;
using EvidenceVault.WebArchives;
using Microsoft.Extensions.Options;

namespace EvidenceVault.Api.Captures;

/// <summary>A resource the capture did not keep, and why.</summary>
/// <param name="Url">Its address.</param>
/// <param name="Reason"><c>address-forbidden</c>, <c>unreachable</c>, <c>timed-out</c>, <c>too-large</c> or <c>limit</c> (more resources than one capture keeps).</param>
public sealed record SkippedResource(string Url, string Reason);

/// <summary>What the vault fetched for a capture: the answer to the request and the WACZ's own summary record.</summary>
/// <param name="Url">The address asked for.</param>
/// <param name="FinalUrl">Where its redirects ended.</param>
/// <param name="Status">The HTTP status of the last response (a 404 is kept too: it shows the page was gone).</param>
/// <param name="Redirects">The addresses redirected to, in order.</param>
/// <param name="Title">The page's title, when it is HTML and has one.</param>
/// <param name="Resources">Resources of the page kept beside it.</param>
/// <param name="Skipped">Resources (or redirects) not kept, and why.</param>
/// <param name="UserAgent">The <c>User-Agent</c> the vault sent.</param>
/// <param name="StartedAt">When the capture began.</param>
/// <param name="Peers">For each host, the address the vault was connected to.</param>
/// <param name="Tls">For each host reached over HTTPS, how the connection was secured: TLS version, cipher suite and the certificate chain the vault checked (usually one entry; more when its connections differed).</param>
public sealed record CaptureSummary(
    string Url,
    string FinalUrl,
    int Status,
    IReadOnlyList<string> Redirects,
    string? Title,
    int Resources,
    IReadOnlyList<SkippedResource> Skipped,
    string UserAgent,
    DateTimeOffset StartedAt,
    IReadOnlyDictionary<string, string> Peers,
    IReadOnlyDictionary<string, IReadOnlyList<CaptureTls>> Tls);

/// <summary>A finished capture: the WACZ (a temporary file, deleted when this is disposed) and its summary.</summary>
internal sealed class CapturedPage(FileStream wacz, CaptureSummary summary, string fileName, IReadOnlyList<CapturedSite> sites) : IAsyncDisposable
{
    /// <summary>The WACZ from its first byte.</summary>
    public Stream Wacz { get; } = wacz;

    public CaptureSummary Summary { get; } = summary;

    /// <summary>The item's file name: <c>capture-{host}-{UTC time}.wacz</c>.</summary>
    public string FileName { get; } = fileName;

    /// <summary>The sites reached over HTTPS, in the order the vault connected, each with the certificate it checked there.</summary>
    public IReadOnlyList<CapturedSite> Sites { get; } = sites;

    public ValueTask DisposeAsync() => wacz.DisposeAsync();
}

/// <summary>
/// Captures a page as the vault itself sees it, for a victim whose link may be gone tomorrow: the address is
/// fetched the way a phone's browser asks for it, redirects followed and each one kept, then the page's own
/// images, style sheets, scripts and frames; every request and response goes into a WARC, packed as a WACZ, the format
/// replay tools open. The page's scripts are not run: what is kept is what the server sent. Only public internet
/// addresses are reached (<see cref="CaptureNetwork"/>); every response is spooled to a temporary file, so memory
/// stays constant, and all of them together are bounded by <see cref="CaptureOptions.MaxBytes"/>.
/// </summary>
internal sealed partial class PageCapturer(CaptureNetwork network, CaptureCertificates certificates, IOptions<CaptureOptions> options, TimeProvider clock, ILogger<PageCapturer> logger)
{
    /// <summary>Captures <paramref name="url"/>; refuses with a capture problem when the page itself cannot be fetched.</summary>
    public async Task<CapturedPage> CaptureAsync(Uri url, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        var limits = options.Value;
        if (!limits.Enabled)
        {
            throw new VaultProblemException(ProblemType.CaptureDisabled, "This vault does not capture pages; upload a saved copy instead.");
        }

        using var timeout = new CancellationTokenSource(limits.Timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        await using var session = new CaptureSession(network, certificates, limits, clock);
        var startedAt = clock.GetUtcNow();
        var skipped = new List<SkippedResource>();
        List<CapturedExchange> page;
        try
        {
            page = await session.FollowAsync(url, referrer: null, document: true, skipped, linked.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new VaultProblemException(ProblemType.CaptureTimedOut, $"The page did not answer within {limits.Timeout.TotalSeconds:0} s; nothing was stored.");
        }

        var final = page[^1];
        var (title, resourceUrls) = await session.ReadPageAsync(final, skipped, cancellationToken);
        var resources = await session.FetchResourcesAsync(resourceUrls, final.Url, skipped, linked.Token);
        var summary = new CaptureSummary(
            url.AbsoluteUri,
            final.Url.AbsoluteUri,
            final.Status,
            [.. page.Skip(1).Select(hop => hop.Url.AbsoluteUri)],
            title,
            resources.Count,
            skipped,
            limits.UserAgent,
            startedAt,
            session.Peers,
            session.Tls);
        var wacz = await PackAsync(summary, [.. page, .. resources], session.Secured, url, cancellationToken);
        var fileName = $"capture-{url.IdnHost}-{startedAt.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}.wacz";
        var elapsed = clock.GetUtcNow() - startedAt;
        LogCaptured(logger, final.Status, page.Count - 1, resources.Count, skipped.Count, wacz.Length, elapsed.TotalMilliseconds);
        return new CapturedPage(wacz, summary, fileName, [.. session.Secured.Select(SiteOf)]);
    }

    private static CapturedSite SiteOf(SecuredConnection connection)
    {
        var certificate = connection.Tls.Certificates[0];
        return new CapturedSite
        {
            Site = connection.Origin.AbsoluteUri,
            CheckedAt = VaultJson.ToMilliseconds(connection.EstablishedAt),
            Subject = certificate.Subject,
            Issuer = certificate.Issuer,
            SerialNumber = certificate.SerialNumber,
            NotBefore = certificate.NotBefore,
            NotAfter = certificate.NotAfter,
            Sha256 = certificate.Sha256,
        };
    }

    // Counts and sizes only: the address may carry a victim's identifiers, and the page is evidence.
    [LoggerMessage(Level = LogLevel.Information, Message = "Page captured: status {Status}, {Redirects} redirects, {Resources} resources kept, {Skipped} not kept, {Bytes} bytes packed in {ElapsedMs:0} ms")]
    private static partial void LogCaptured(ILogger logger, int status, int redirects, int resources, int skipped, long bytes, double elapsedMs);

    /// <summary>
    /// Writes the WARC (warcinfo, each request and response, each secured connection's certificate chain and the
    /// summary as metadata records), then the WACZ around it.
    /// </summary>
    private async Task<FileStream> PackAsync(
        CaptureSummary summary, IReadOnlyList<CapturedExchange> exchanges, IReadOnlyList<SecuredConnection> secured, Uri url, CancellationToken cancellationToken)
    {
        await using var warc = WarcBlock.CreateTemporaryFile();
        var writer = new WarcWriter(warc);
        var index = new List<WaczIndexEntry>();
        var info = $"software: {Software}\r\nformat: WARC File Format 1.1\r\n" +
                   "conformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n" +
                   $"description: Captured by EvidenceVault at a case member's request\r\nhttp-header-user-agent: {summary.UserAgent}\r\n";
        await using (var infoBlock = WarcBlock.FromBytes(System.Text.Encoding.UTF8.GetBytes(info)))
        {
            await writer.WriteAsync(Fields("warcinfo", WarcWriter.NewRecordId(), summary.StartedAt, ("WARC-Filename", Path.GetFileName(WaczPackage.ArchivePath))), "application/warc-fields", infoBlock, cancellationToken);
        }

        string? firstResponse = null;
        foreach (var exchange in exchanges)
        {
            var (responseId, target) = (WarcWriter.NewRecordId(), WarcWriter.TargetUri(exchange.Url));
            firstResponse ??= responseId;
            var requestFields = Fields("request", WarcWriter.NewRecordId(), exchange.ReceivedAt, ("WARC-Target-URI", target), ("WARC-Concurrent-To", responseId));
            requestFields.AddRange(Protocols(exchange.HttpProtocol, exchange.Tls));
            await writer.WriteAsync(requestFields, "application/http; msgtype=request", exchange.Request, cancellationToken);
            var responseFields = Fields("response", responseId, exchange.ReceivedAt, ("WARC-Target-URI", target));
            if (exchange.Peer is { } peer)
            {
                responseFields.Add(new("WARC-IP-Address", peer.ToString()));
            }

            responseFields.AddRange(Protocols(exchange.HttpProtocol, exchange.Tls));

            var location = await writer.WriteAsync(responseFields, "application/http; msgtype=response", exchange.Response, cancellationToken);
            index.Add(new WaczIndexEntry(exchange.Url, exchange.ReceivedAt, exchange.MediaType, exchange.Status, exchange.Response.PayloadDigest!.Value, location));
        }

        foreach (var connection in secured)
        {
            var fields = Fields("metadata", WarcWriter.NewRecordId(), connection.EstablishedAt, ("WARC-Target-URI", WarcWriter.TargetUri(connection.Origin)));
            if (connection.Peer is { } peer)
            {
                fields.Add(new("WARC-IP-Address", peer.ToString()));
            }

            fields.AddRange(Protocols(null, connection.Tls));
            await using var chain = WarcBlock.FromBytes(System.Text.Encoding.ASCII.GetBytes(CaptureCertificates.Pem(connection.Chain)));
            await writer.WriteAsync(fields, SiteCertificateVerifier.ChainContentType, chain, cancellationToken);
        }

        await using (var summaryBlock = WarcBlock.FromBytes(JsonSerializer.SerializeToUtf8Bytes(summary, VaultJson.Indented)))
        {
            await writer.WriteAsync(
                Fields("metadata", WarcWriter.NewRecordId(), clock.GetUtcNow(), ("WARC-Target-URI", WarcWriter.TargetUri(url)), ("WARC-Concurrent-To", firstResponse!)),
                "application/json",
                summaryBlock,
                cancellationToken);
        }

        var wacz = WarcBlock.CreateTemporaryFile();
        try
        {
            warc.Position = 0;
            var mainPage = new WaczPage(url, exchanges[0].ReceivedAt, summary.Title);
            await WaczPackage.WriteAsync(
                wacz, warc, index, [mainPage], new WaczDescription($"Capture of {url.AbsoluteUri}", Software, clock.GetUtcNow(), mainPage), cancellationToken);
            wacz.Position = 0;
            return wacz;
        }
        catch
        {
            await wacz.DisposeAsync();
            throw;
        }
    }

    private static string Software { get; } = "EvidenceVault " + typeof(PageCapturer).Assembly.GetName().Version?.ToString(3);

    /// <summary>
    /// The protocols a record was captured over, as the WARC fields proposed by the IIPC and written by Browsertrix,
    /// Wget-AT and Common Crawl: <c>WARC-Protocol</c> once per layer (<c>http/1.1</c>, <c>tls/1.3</c>) and
    /// <c>WARC-Cipher-Suite</c> by its IANA name.
    /// </summary>
    private static IEnumerable<KeyValuePair<string, string>> Protocols(string? http, CaptureTls? tls)
    {
        if (http is not null)
        {
            yield return new("WARC-Protocol", http);
        }

        if (tls is not null)
        {
            yield return new("WARC-Protocol", tls.Protocol);
            yield return new("WARC-Cipher-Suite", tls.CipherSuite);
        }
    }

    private static List<KeyValuePair<string, string>> Fields(string type, string id, DateTimeOffset date, params (string Name, string Value)[] more) =>
    [
        new("WARC-Type", type),
        new("WARC-Record-ID", id),
        new("WARC-Date", WarcWriter.FormatDate(date)),
        .. more.Select(field => new KeyValuePair<string, string>(field.Name, field.Value)),
    ];
}
