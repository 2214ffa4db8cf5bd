using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Net.Security;
using System.Runtime.CompilerServices;
using AngleSharp.Html.Parser;
using EvidenceVault.Api.Problems;
using EvidenceVault.WebArchives;

namespace EvidenceVault.Api.Captures;

/// <summary>
/// One capture's connections, cookies and byte budget. Its own handler: connections and cookies are never
/// shared between captures, and no proxy is used.
/// </summary>
internal sealed class CaptureSession : IAsyncDisposable
{
    private static readonly string[] LinkRelations = ["stylesheet", "icon", "apple-touch-icon", "manifest", "preload"];

    private readonly CaptureOptions _limits;
    private readonly TimeProvider _clock;
    private readonly HttpClient _client;
    private readonly CookieContainer _cookies = new();
    private readonly ConcurrentDictionary<string, IPAddress> _peers = new(StringComparer.Ordinal);
    private readonly List<CapturedExchange> _kept = [];
    private readonly ConditionalWeakTable<SslStream, byte[][]> _checkedChains = [];
    private readonly List<SecuredConnection> _secured = [];
    private long _bytesLeft;

    public CaptureSession(CaptureNetwork network, CaptureCertificates certificates, CaptureOptions limits, TimeProvider clock)
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
                network.ConnectAsync(context.DnsEndPoint, address => _peers[Authority(context.DnsEndPoint.Host, context.DnsEndPoint.Port)] = address, cancellationToken),
            SslOptions = new SslClientAuthenticationOptions
            {
                // The system's check stands (or the operator's roots, CaptureCertificates); the chain checked is kept
                // for the connection, which the filter below then records with the TLS version and cipher suite.
                RemoteCertificateValidationCallback = (stream, certificate, chain, errors) =>
                {
                    if (stream is not SslStream tls || certificates.Check(certificate, chain, errors) is not { } checkedChain)
                    {
                        return false;
                    }

                    _checkedChains.AddOrUpdate(tls, checkedChain);
                    return true;
                },
            },
            PlaintextStreamFilter = (context, _) =>
            {
                if (context.PlaintextStream is SslStream tls && _checkedChains.TryGetValue(tls, out var chain) && context.InitialRequestMessage.RequestUri is { } url)
                {
                    NoteSecured(url, tls, chain);
                }

                return ValueTask.FromResult(context.PlaintextStream);
            },
        };
        _client = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>For each host (and port), the address the vault was last connected to.</summary>
    public IReadOnlyDictionary<string, string> Peers => new SortedDictionary<string, string>(_peers.ToDictionary(p => p.Key, p => p.Value.ToString()), StringComparer.Ordinal);

    /// <summary>
    /// Every secured connection with a TLS version, cipher suite or certificate chain not seen before for its host,
    /// in the order they were made (the page's host first).
    /// </summary>
    public IReadOnlyList<SecuredConnection> Secured
    {
        get
        {
            lock (_secured)
            {
                return [.. _secured];
            }
        }
    }

    /// <summary>For each host (and port) reached over TLS, how its connections were secured.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<CaptureTls>> Tls =>
        new SortedDictionary<string, IReadOnlyList<CaptureTls>>(
            Secured.GroupBy(s => s.Authority).ToDictionary(g => g.Key, g => (IReadOnlyList<CaptureTls>)[.. g.Select(s => s.Tls)]),
            StringComparer.Ordinal);

    /// <summary>
    /// Fetches <paramref name="url"/> and the redirects it leads to. A failure of the page's first request is thrown
    /// as a capture problem; a resource that cannot be fetched, or a redirect that cannot be followed, ends the chain
    /// and is noted in <paramref name="skipped"/>.
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
                    Skip(skipped, location, "limit");
                }

                next = location;
            }
            catch (Exception e) when ((hops.Count > 0 || !document) && ReasonOf(e) is { } reason)
            {
                Skip(skipped, current, reason);
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
                    Skip(skipped, page.Url, "too-large");
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
            Skip(skipped, beyond, "limit");
        }

        var title = string.IsNullOrWhiteSpace(document.Title) ? null : document.Title.Trim();
        return (title, [.. resources.Take(_limits.MaxResources)]);
    }

    /// <summary>Fetches the page's resources, a few at a time; each one that fails is noted and skipped. Kept in the page's order.</summary>
    public async Task<IReadOnlyList<CapturedExchange>> FetchResourcesAsync(IReadOnlyList<Uri> resources, Uri page, List<SkippedResource> skipped, CancellationToken cancellationToken)
    {
        var fetched = new List<CapturedExchange>[resources.Count];
        using var slots = new SemaphoreSlim(_limits.MaxParallelFetches);
        await Task.WhenAll(resources.Select(async (resource, i) =>
        {
            await slots.WaitAsync(CancellationToken.None);
            try
            {
                fetched[i] = await FollowAsync(resource, page, document: false, skipped, cancellationToken);
            }
            finally
            {
                slots.Release();
            }
        }));
        return [.. fetched.SelectMany(hops => hops)];
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
        var authority = Authority(url.IdnHost, url.Port);
        var exchange = new CapturedExchange(
            url,
            receivedAt,
            _peers.GetValueOrDefault(authority),
            "http/" + response.Version.ToString(2),
            TlsOf(authority),
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

    /// <summary>Notes a secured connection to <paramref name="url"/>'s host, unless one just like it was noted.</summary>
    private void NoteSecured(Uri url, SslStream stream, byte[][] chain)
    {
        var authority = Authority(url.IdnHost, url.Port);
        var tls = new CaptureTls(CaptureTls.ProtocolName(stream.SslProtocol), stream.NegotiatedCipherSuite.ToString(), [.. chain.Select(CaptureCertificate.Of)]);
        lock (_secured)
        {
            if (!_secured.Any(s => s.Authority == authority && s.Tls.SameAs(tls)))
            {
                _secured.Add(new SecuredConnection(authority, new Uri(url.GetLeftPart(UriPartial.Authority) + "/"), _clock.GetUtcNow(), _peers.GetValueOrDefault(authority), tls, chain));
            }
        }
    }

    /// <summary>
    /// How a response from <paramref name="authority"/> came, when that is certain: its host's connections so far all
    /// used one TLS version and cipher suite. Null for plain HTTP, and when they differed.
    /// </summary>
    private CaptureTls? TlsOf(string authority)
    {
        var seen = Secured.Where(s => s.Authority == authority).Select(s => s.Tls).ToList();
        return seen.Count > 0 && seen.All(t => t.Protocol == seen[0].Protocol && t.CipherSuite == seen[0].CipherSuite) ? seen[0] : null;
    }

    /// <summary>Notes what was not kept; resources are fetched side by side, so one at a time.</summary>
    private static void Skip(List<SkippedResource> skipped, Uri url, string reason)
    {
        lock (skipped)
        {
            skipped.Add(new SkippedResource(url.AbsoluteUri, reason));
        }
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
