using System.Collections.Frozen;
using System.Text;

namespace EvidenceVault.Api.Monitoring;

/// <summary>
/// What telemetry records of an address. Tokens travel in the Authorization header and share links carry them in
/// the fragment, which never reaches a server; but a client may still put one in a query string, and an operator
/// may configure an authority address with a key in it. So every query value is replaced, and so is every
/// parameter name but the API's own, and an address loses any user information.
/// </summary>
internal static class TelemetryRedaction
{
    public const string Redacted = "Redacted";

    /// <summary>
    /// Marks an outgoing request that telemetry must not record at all: the pages the vault captures for a victim,
    /// whose addresses may name the victim (an order, a phone number) and belong to the evidence, not to the logs.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> Untraced = new("EvidenceVault.Untraced");

    /// <summary>Whether a request may be recorded (it is not marked <see cref="Untraced"/>).</summary>
    public static bool MayTrace(HttpRequestMessage request) =>
        !(request.Options.TryGetValue(Untraced, out var untraced) && untraced);

    /// <summary>The query parameters the API itself reads (paging); any other name could be anything.</summary>
    private static readonly FrozenSet<string> KnownParameters = FrozenSet.Create(StringComparer.OrdinalIgnoreCase, "pageSize", "cursor");

    /// <summary>A query string (without its <c>?</c>) with every value and every unknown name redacted.</summary>
    public static string Query(string query)
    {
        var redacted = new StringBuilder(query.Length);
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var separator = pair.IndexOf('=', StringComparison.Ordinal);
            var name = separator < 0 ? pair : pair[..separator];
            redacted.Append(redacted.Length > 0 ? "&" : string.Empty)
                .Append(KnownParameters.Contains(Uri.UnescapeDataString(name)) ? name : Redacted)
                .Append(separator < 0 ? string.Empty : "=" + Redacted);
        }

        return redacted.ToString();
    }

    /// <summary>An absolute address without user information, its query redacted as <see cref="Query"/> does.</summary>
    public static string Url(Uri url)
    {
        var path = url.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
        return url.Query.Length > 1 ? path + "?" + Query(url.Query) : path;
    }
}
