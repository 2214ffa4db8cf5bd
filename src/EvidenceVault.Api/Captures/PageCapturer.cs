using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Text.Json;
using AngleSharp.Html.Parser;
using EvidenceVault.Api.Problems;
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
    IReadOnlyDictionary<string, string> Peers);

/// <summary>A finished capture: the WACZ (a temporary file, deleted when this is disposed) and its summary.</summary>
internal sealed class CapturedPage(FileStream wacz, CaptureSummary summary, string fileName) : IAsyncDisposable
{
    /// <summary>The WACZ from its first byte.</summary>
    public Stream Wacz { get; } = wacz;

    public CaptureSummary Summary { get; } = summary;

    /// <summary>The item's file name: <c>capture-{host}-{UTC time}.wacz</c>.</summary>
    public string FileName { get; } = fileName;

    public ValueTask DisposeAsync() => wacz.DisposeAsync();
}

/// <summary>
/// Captures a page as the vault itself sees it, for a victim whose link may be gone tomorrow: the address is
/// fetched the way a phone's browser asks for it, redirects followed and each one kept, then the page's own
/// images, style sheets, scripts and frames; every request and response goes into a WARC, packed as a WACZ that
/// replay tools open. The page's scripts are not run: what is kept is what the server sent. Only public internet
/// addresses are reached (<see cref="CaptureNetwork"/>); every response is spooled to a temporary file, so memory
/// stays constant, and all of them together are bounded by <see cref="CaptureOptions.MaxBytes"/>.
/// </summary>
internal sealed partial class PageCapturer(CaptureNetwork network, IOptions<CaptureOptions> options, TimeProvider clock, ILogger<PageCapturer> logger)
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
        await using var session = new CaptureSession(network, limits, clock);
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
            session.Peers);
        var wacz = await PackAsync(summary, [.. page, .. resources], url, title, cancellationToken);
        var fileName = $"capture-{url.IdnHost}-{startedAt.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}.wacz";
        var elapsed = clock.GetUtcNow() - startedAt;
        LogCaptured(logger, final.Status, page.Count - 1, resources.Count, skipped.Count, wacz.Length, elapsed.TotalMilliseconds);
        return new CapturedPage(wacz, summary, fileName);
    }

    // Counts and sizes only: the address may carry a victim's identifiers, and the page is evidence.
    [LoggerMessage(Level = LogLevel.Information, Message = "Page captured: status {Status}, {Redirects} redirects, {Resources} resources kept, {Skipped} not kept, {Bytes} bytes packed in {ElapsedMs:0} ms")]
    private static partial void LogCaptured(ILogger logger, int status, int redirects, int resources, int skipped, long bytes, double elapsedMs);

    /// <summary>Writes the WARC (warcinfo, each request and response, the summary as a metadata record), then the WACZ around it.</summary>
    private async Task<FileStream> PackAsync(CaptureSummary summary, IReadOnlyList<CapturedExchange> exchanges, Uri url, string? title, CancellationToken cancellationToken)
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
            var responseId = WarcWriter.NewRecordId();
            firstResponse ??= responseId;
            await writer.WriteAsync(
                Fields("request", WarcWriter.NewRecordId(), exchange.ReceivedAt, ("WARC-Target-URI", WarcWriter.TargetUri(exchange.Url)), ("WARC-Concurrent-To", responseId)),
                "application/http; msgtype=request",
                exchange.Request,
                cancellationToken);
            var responseFields = Fields("response", responseId, exchange.ReceivedAt, ("WARC-Target-URI", WarcWriter.TargetUri(exchange.Url)));
            if (exchange.Peer is { } peer)
            {
                responseFields.Add(new("WARC-IP-Address", peer.ToString()));
            }

            var location = await writer.WriteAsync(responseFields, "application/http; msgtype=response", exchange.Response, cancellationToken);
            index.Add(new WaczIndexEntry(exchange.Url, exchange.ReceivedAt, exchange.MediaType, exchange.Status, exchange.Response.PayloadDigest!.Value, location));
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
            var mainPage = new WaczPage(url, exchanges[0].ReceivedAt, title);
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

    private static List<KeyValuePair<string, string>> Fields(string type, string id, DateTimeOffset date, params (string Name, string Value)[] more) =>
    [
        new("WARC-Type", type),
        new("WARC-Record-ID", id),
        new("WARC-Date", WarcWriter.FormatDate(date)),
        .. more.Select(field => new KeyValuePair<string, string>(field.Name, field.Value)),
    ];

    /// <summary>
    /// One capture's connections, cookies and byte budget. Its own handler: connections and cookies are never
    /// shared between captures, and no proxy is used.
    /// </summary>
    private sealed class CaptureSession : IAsyncDisposable
    {
        private static readonly string[] LinkRelations = ["stylesheet", "icon", "apple-touch-icon", "manifest", "preload"];

        private readonly CaptureOptions _limits;
        private readonly TimeProvider _clock;
        private readonly HttpClient _client;
        private readonly CookieContainer _cookies = new();
        private readonly ConcurrentDictionary<string, string> _peers = new(StringComparer.Ordinal);
        private readonly List<CapturedExchange> _kept = [];
        private long _bytesLeft;

        public CaptureSession(CaptureNetwork network, CaptureOptions limits, TimeProvider clock)
        {
            _limits = limits;
            _clock = clock;
            _bytesLeft = limits.MaxBytes;
            var handler = new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.None,
                UseCookies = false,
                UseProxy = false,
                ConnectTimeout = TimeSpan.FromSeconds(15),
                MaxConnectionsPerServer = limits.MaxParallelFetches,
                ConnectCallback = (context, cancellationToken) =>
                    network.ConnectAsync(context.DnsEndPoint, address => _peers[Authority(context.DnsEndPoint.Host, context.DnsEndPoint.Port)] = address.ToString(), cancellationToken),
            };
            _client = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        }

        public IReadOnlyDictionary<string, string> Peers => new SortedDictionary<string, string>(_peers, StringComparer.Ordinal);

        /// <summary>
        /// Fetches <paramref name="url"/> and the redirects it leads to. A failure of the first request is thrown
        /// as a capture problem; a redirect that cannot be followed ends the chain and is noted in <paramref name="skipped"/>.
        /// </summary>
        public async Task<List<CapturedExchange>> FollowAsync(Uri url, Uri? referrer, bool document, List<SkippedResource> skipped, CancellationToken cancellationToken)
        {
            var hops = new List<CapturedExchange>();
            var next = url;
            while (hops.Count <= _limits.MaxRedirects)
            {
                var current = next;
                try
                {
                    var exchange = await FetchAsync(current, referrer, document, cancellationToken);
                    hops.Add(exchange);
                    if (exchange.Location is not { } location)
                    {
                        break;
                    }

                    if (hops.Count > _limits.MaxRedirects)
                    {
                        lock (skipped)
                        {
                            skipped.Add(new SkippedResource(location.AbsoluteUri, "limit"));
                        }
                    }

                    next = location;
                }
                catch (Exception e) when (hops.Count > 0 && ReasonOf(e) is { } reason)
                {
                    lock (skipped)
                    {
                        skipped.Add(new SkippedResource(current.AbsoluteUri, reason));
                    }

                    break;
                }
                catch (Exception e) when (hops.Count == 0 && document && ProblemOf(e, current) is { } problem)
                {
                    throw problem;
                }
            }

            return hops;
        }

        /// <summary>The page's title and the resources it names, when it is HTML small enough to read.</summary>
        public async Task<(string? Title, IReadOnlyList<Uri> Resources)> ReadPageAsync(CapturedExchange page, List<SkippedResource> skipped, CancellationToken cancellationToken)
        {
            if (page.MediaType is not ("text/html" or "application/xhtml+xml"))
            {
                return (null, []);
            }

            using var html = new MemoryStream();
            var payload = page.Response.RewindPayload();
            await using (var decoder = Decoder(payload, page.ContentEncoding))
            {
                var decoded = decoder ?? payload;
                var buffer = new byte[81920];
                int read;
                while ((read = await decoded.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    html.Write(buffer, 0, read);
                    if (html.Length > _limits.MaxParsedPageBytes)
                    {
                        skipped.Add(new SkippedResource(page.Url.AbsoluteUri, "too-large"));
                        return (null, []);
                    }
                }
            }

            html.Position = 0;
            using var document = await new HtmlParser().ParseDocumentAsync(html, cancellationToken);
            var baseUrl = document.QuerySelector("base[href]")?.GetAttribute("href") is { } href && Uri.TryCreate(page.Url, href, out var declared) ? declared : page.Url;
            // In the page's order: the head's style sheets and icons, then the body's images, scripts and frames.
            var named = document.QuerySelectorAll("img[src], script[src], iframe[src], frame[src], source[src], embed[src], input[type=image][src], link[href], video[poster]")
                .Select(element => element.LocalName switch
                {
                    "link" => (element.GetAttribute("rel") ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(rel => LinkRelations.Contains(rel.ToLowerInvariant()))
                        ? element.GetAttribute("href")
                        : null,
                    "video" => element.GetAttribute("poster"),
                    _ => element.GetAttribute("src"),
                });
            var resources = new List<Uri>();
            foreach (var reference in named)
            {
                if (!string.IsNullOrWhiteSpace(reference) && Uri.TryCreate(baseUrl, reference.Trim(), out var resource) &&
                    (resource.Scheme == Uri.UriSchemeHttp || resource.Scheme == Uri.UriSchemeHttps) && string.IsNullOrEmpty(resource.UserInfo))
                {
                    resource = new UriBuilder(resource) { Fragment = string.Empty }.Uri;
                    if (resource != page.Url && !resources.Contains(resource))
                    {
                        resources.Add(resource);
                    }
                }
            }

            foreach (var beyond in resources.Skip(_limits.MaxResources))
            {
                skipped.Add(new SkippedResource(beyond.AbsoluteUri, "limit"));
            }

            var title = string.IsNullOrWhiteSpace(document.Title) ? null : document.Title.Trim();
            return (title, [.. resources.Take(_limits.MaxResources)]);
        }

        /// <summary>Fetches the page's resources, a few at a time; each one that fails is noted and skipped. Kept in the page's order.</summary>
        public async Task<IReadOnlyList<CapturedExchange>> FetchResourcesAsync(IReadOnlyList<Uri> resources, Uri page, List<SkippedResource> skipped, CancellationToken cancellationToken)
        {
            var fetched = new List<CapturedExchange>?[resources.Count];
            using var slots = new SemaphoreSlim(_limits.MaxParallelFetches);
            await Task.WhenAll(resources.Select(async (resource, i) =>
            {
                await slots.WaitAsync(CancellationToken.None);
                try
                {
                    fetched[i] = await FollowAsync(resource, page, document: false, skipped, cancellationToken);
                }
                catch (Exception e) when (ReasonOf(e) is { } reason)
                {
                    lock (skipped)
                    {
                        skipped.Add(new SkippedResource(resource.AbsoluteUri, reason));
                    }
                }
                finally
                {
                    slots.Release();
                }
            }));
            return [.. fetched.Where(hops => hops is not null).SelectMany(hops => hops!)];
        }

        public async ValueTask DisposeAsync()
        {
            _client.Dispose();
            foreach (var exchange in _kept)
            {
                await exchange.DisposeAsync();
            }
        }

        private async Task<CapturedExchange> FetchAsync(Uri url, Uri? referrer, bool document, CancellationToken cancellationToken)
        {
            var fields = new List<KeyValuePair<string, string>>
            {
                new("User-Agent", _limits.UserAgent),
                new("Accept", document ? "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" : "*/*"),
                new("Accept-Language", _limits.AcceptLanguage),
                new("Accept-Encoding", "gzip, deflate, br"),
            };
            if (referrer is not null)
            {
                fields.Add(new("Referer", referrer.AbsoluteUri));
            }

            var cookies = _cookies.GetCookieHeader(url);
            if (cookies.Length > 0)
            {
                fields.Add(new("Cookie", cookies));
            }

            using var request = new HttpRequestMessage(HttpMethod.Get, url) { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
            request.Options.Set(Monitoring.TelemetryRedaction.Untraced, true);
            foreach (var (name, value) in fields)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var receivedAt = _clock.GetUtcNow();
            if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
            {
                foreach (var cookie in setCookies)
                {
                    try
                    {
                        _cookies.SetCookies(url, cookie);
                    }
                    catch (CookieException)
                    {
                        // A cookie the container cannot hold is still recorded in the response; it is just not sent back.
                    }
                }
            }

            var budget = Interlocked.Read(ref _bytesLeft);
            WarcBlock body;
            await using (var payload = await response.Content.ReadAsStreamAsync(cancellationToken))
            {
                body = await WarcBlock.SpoolAsync(CapturedExchange.ResponseHead(response), payload, Math.Max(0, budget), cancellationToken);
            }

            if (Interlocked.Add(ref _bytesLeft, -body.PayloadLength) < 0)
            {
                Interlocked.Add(ref _bytesLeft, body.PayloadLength);
                await body.DisposeAsync();
                throw new WarcBlockTooLargeException(budget);
            }

            var location = (int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } target && Uri.TryCreate(url, target, out var resolved) &&
                           (resolved.Scheme == Uri.UriSchemeHttp || resolved.Scheme == Uri.UriSchemeHttps)
                ? resolved
                : null;
            var exchange = new CapturedExchange(
                url,
                receivedAt,
                _peers.TryGetValue(Authority(url.IdnHost, url.Port), out var peer) ? IPAddress.Parse(peer) : null,
                WarcBlock.FromBytes(CapturedExchange.RequestHead(url, fields)),
                body,
                (int)response.StatusCode,
                response.Content.Headers.ContentType?.MediaType?.ToLowerInvariant(),
                response.Content.Headers.ContentEncoding.LastOrDefault()?.ToLowerInvariant(),
                location);
            lock (_kept)
            {
                _kept.Add(exchange);
            }

            return exchange;
        }

        private static string Authority(string host, int port) => host.Trim('[', ']').ToLowerInvariant() + ":" + port;

        /// <summary>A stream that undoes the response's content coding, or null when the payload is as it is.</summary>
        private static Stream? Decoder(Stream payload, string? contentEncoding) => contentEncoding switch
        {
            "gzip" or "x-gzip" => new GZipStream(payload, CompressionMode.Decompress, leaveOpen: true),
            "deflate" => new ZLibStream(payload, CompressionMode.Decompress, leaveOpen: true),
            "br" => new BrotliStream(payload, CompressionMode.Decompress, leaveOpen: true),
            _ => null,
        };

        /// <summary>Why a fetch failed, in the words of <see cref="SkippedResource.Reason"/>; null for a failure that is not the page's.</summary>
        private static string? ReasonOf(Exception e) => e switch
        {
            _ when Find<CaptureAddressForbiddenException>(e) is not null => "address-forbidden",
            WarcBlockTooLargeException => "too-large",
            OperationCanceledException => "timed-out",
            HttpRequestException or IOException => "unreachable",
            _ => null,
        };

        /// <summary>The problem to answer when the page itself cannot be fetched; null for a failure that is not the page's (such as cancellation).</summary>
        private static VaultProblemException? ProblemOf(Exception e, Uri url) => e switch
        {
            _ when Find<CaptureAddressForbiddenException>(e) is { } forbidden =>
                new VaultProblemException(ProblemType.CaptureAddressForbidden, $"{forbidden.Host} is not on the public internet; the vault fetches only public pages."),
            WarcBlockTooLargeException tooLarge =>
                new VaultProblemException(ProblemType.CaptureTooLarge, $"The page is larger than the {tooLarge.Limit} bytes one capture keeps; nothing was stored."),
            HttpRequestException request =>
                new VaultProblemException(ProblemType.CaptureUnreachable, $"{url.IdnHost} could not be fetched ({request.HttpRequestError}); nothing was stored."),
            IOException =>
                new VaultProblemException(ProblemType.CaptureUnreachable, $"The connection to {url.IdnHost} failed while the page arrived; nothing was stored."),
            _ => null,
        };

        private static T? Find<T>(Exception? e)
            where T : Exception
        {
            for (; e is not null; e = e.InnerException)
            {
                if (e is T found)
                {
                    return found;
                }
            }

            return null;
        }
    }
}
