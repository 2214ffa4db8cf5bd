using System.Text.RegularExpressions;

namespace EvidenceVault.Evidence;

/// <summary>
/// The web addresses a text points to, as a statement keeps them: absolute <c>http</c> or <c>https</c> addresses,
/// in the order they come, each once, at most <see cref="MaxLinks"/>, none longer than a page address may be
/// (<see cref="PageSnapshotOriginReader.MaxUrlLength"/>) — in a phishing mail or a scammer's chat, the fake page.
/// </summary>
internal static partial class TextLinks
{
    /// <summary>At most this many links are kept.</summary>
    public const int MaxLinks = 32;

    /// <summary>Adds to <paramref name="links"/> the addresses written in the plain <paramref name="text"/>, without the punctuation that ends a sentence around them.</summary>
    public static void AddWritten(string text, List<string> links) =>
        Add(PlainAddress().Matches(text).Select(m => m.Value.TrimEnd('.', ',', ';', ':', '!', '?', ')', ']')), links);

    /// <summary>Adds to <paramref name="links"/> each of the <paramref name="candidates"/> that is an absolute web address not kept yet, while fewer than <see cref="MaxLinks"/> are.</summary>
    public static void Add(IEnumerable<string> candidates, List<string> links)
    {
        foreach (var candidate in candidates.Select(link => link.Trim()))
        {
            if (links.Count < MaxLinks && candidate.Length <= PageSnapshotOriginReader.MaxUrlLength &&
                Uri.TryCreate(candidate, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && !links.Contains(candidate))
            {
                links.Add(candidate);
            }
        }
    }

    [GeneratedRegex(@"https?://[^\s<>""']+", RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 1000)]
    private static partial Regex PlainAddress();
}
