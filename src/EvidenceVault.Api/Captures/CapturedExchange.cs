using System.Net;
using System.Text;
using EvidenceVault.WebArchives;

namespace EvidenceVault.Api.Captures;

/// <summary>
/// One request the vault sent and the response it got, both as they go into the WARC: the request as sent, the
/// response's status line and header fields as received and its body as received (content encoding kept; the
/// transfer coding removed, its header renamed <c>X-Archive-Orig-Transfer-Encoding</c>).
/// </summary>
internal sealed class CapturedExchange(
    Uri url, DateTimeOffset receivedAt, IPAddress? peer, string httpProtocol, CaptureTls? tls, WarcBlock request, WarcBlock response, int status, string? mediaType, string? contentEncoding, Uri? location)
    : IAsyncDisposable
{
    public Uri Url { get; } = url;

    /// <summary>When the response's header arrived (<c>WARC-Date</c>).</summary>
    public DateTimeOffset ReceivedAt { get; } = receivedAt;

    /// <summary>The address the vault was connected to for this host (<c>WARC-IP-Address</c>).</summary>
    public IPAddress? Peer { get; } = peer;

    /// <summary>The HTTP version of the response (<c>WARC-Protocol</c>, <c>http/1.1</c>).</summary>
    public string HttpProtocol { get; } = httpProtocol;

    /// <summary>How the connection was secured (<c>WARC-Protocol</c>, <c>WARC-Cipher-Suite</c>); null over plain HTTP or when uncertain.</summary>
    public CaptureTls? Tls { get; } = tls;

    public WarcBlock Request { get; } = request;

    public WarcBlock Response { get; } = response;

    public int Status { get; } = status;

    public string? MediaType { get; } = mediaType;

    public string? ContentEncoding { get; } = contentEncoding;

    /// <summary>Where a redirect points, resolved against <see cref="Url"/>; null for any other response.</summary>
    public Uri? Location { get; } = location;

    /// <summary>The request line and header fields as sent, ending in the empty line (a GET has no body).</summary>
    public static byte[] RequestHead(Uri url, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var head = new StringBuilder("GET ").Append(url.PathAndQuery).Append(" HTTP/1.1\r\n");
        head.Append("Host: ").Append(url.IsDefaultPort ? url.IdnHost : url.IdnHost + ":" + url.Port).Append("\r\n");
        foreach (var (name, value) in fields)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        return Encoding.Latin1.GetBytes(head.Append("\r\n").ToString());
    }

    /// <summary>The status line and header fields as received (values as they came, one line each), ending in the empty line.</summary>
    public static byte[] ResponseHead(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var head = new StringBuilder()
            .Append("HTTP/").Append(response.Version.Major).Append('.').Append(response.Version.Minor).Append(' ')
            .Append((int)response.StatusCode).Append(' ').Append(response.ReasonPhrase).Append("\r\n");
        foreach (var (name, values) in response.Headers.NonValidated.Concat(response.Content.Headers.NonValidated))
        {
            var recorded = name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) ? "X-Archive-Orig-Transfer-Encoding" : name;
            foreach (var value in values)
            {
                head.Append(recorded).Append(": ").Append(value.ReplaceLineEndings(" ")).Append("\r\n");
            }
        }

        return Encoding.Latin1.GetBytes(head.Append("\r\n").ToString());
    }

    public async ValueTask DisposeAsync()
    {
        await Request.DisposeAsync();
        await Response.DisposeAsync();
    }
}
