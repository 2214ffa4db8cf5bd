using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace EvidenceVault.Evidence;

/// <summary>
/// The web addresses a saved e-mail's text points to — in a phishing mail, the link the victim was lured to: the
/// <c>href</c> of its HTML parts and the addresses written in its plain-text parts, in the order they come, each once.
/// The body is walked line by line after the header (MIME parts, nested multiparts, base64 and quoted-printable,
/// the parts' charsets); attachments and other parts are passed over, and nothing past
/// <see cref="MaxBodyBytes"/> is read.
/// </summary>
internal static partial class MessageLinks
{
    /// <summary>How far into a message the links are looked for: its text comes before its attachments.</summary>
    public const long MaxBodyBytes = 4L * 1024 * 1024;

    /// <summary>At most this many links are kept.</summary>
    public const int MaxLinks = 32;

    private const int MaxPartChars = 1024 * 1024;
    private const int MaxDepth = 8;

    /// <summary>Adds to <paramref name="links"/> those of the body <paramref name="reader"/> is at, whose message's header is <paramref name="headers"/>.</summary>
    /// <exception cref="InvalidDataException">A line longer than a header line may be, or the body runs past what is read: the links found before it stand.</exception>
    public static async Task ReadAsync(HeaderBlockReader reader, IReadOnlyDictionary<string, string> headers, List<string> links, CancellationToken cancellationToken)
    {
        var boundaries = new List<string>();
        var part = Part.Of(headers, boundaries);
        var text = new StringBuilder();
        try
        {
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                var level = line.StartsWith("--", StringComparison.Ordinal) ? boundaries.FindLastIndex(b => line.TrimEnd() == "--" + b || line.TrimEnd() == "--" + b + "--") : -1;
                if (level >= 0)
                {
                    Collect(part, text, links);
                    text.Clear();
                    var closing = line.TrimEnd() == "--" + boundaries[level] + "--";
                    var from = closing ? level : level + 1;
                    boundaries.RemoveRange(from, boundaries.Count - from);
                    part = closing ? Part.Skipped : Part.Of(await reader.ReadHeaderBlockAsync(cancellationToken), boundaries);
                }
                else if (part.IsText && text.Length < MaxPartChars)
                {
                    text.Append(line).Append('\n');
                }
            }
        }
        finally
        {
            Collect(part, text, links); // the part the body ends in, or stops being read in
        }
    }

    private static void Collect(Part part, StringBuilder text, List<string> links)
    {
        if (!part.IsText || text.Length == 0)
        {
            return;
        }

        var decoded = part.Decode(text.ToString());
        var found = part.IsHtml
            ? Href().Matches(decoded).Select(m => WebUtility.HtmlDecode(m.Groups["double"].Success ? m.Groups["double"].Value : m.Groups["single"].Success ? m.Groups["single"].Value : m.Groups["bare"].Value))
            : PlainAddress().Matches(decoded).Select(m => m.Value.TrimEnd('.', ',', ';', ':', '!', '?', ')', ']'));
        foreach (var candidate in found.Select(link => link.Trim()))
        {
            if (links.Count < MaxLinks && candidate.Length <= PageSnapshotOriginReader.MaxUrlLength &&
                Uri.TryCreate(candidate, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && !links.Contains(candidate))
            {
                links.Add(candidate);
            }
        }
    }

    /// <summary>A MIME part as its header describes it: text to read links from, a multipart to go into, or something to pass over.</summary>
    private sealed record Part(bool IsText, bool IsHtml, string TransferEncoding, string? Charset)
    {
        public static Part Skipped { get; } = new(false, false, string.Empty, null);

        public static Part Of(IReadOnlyDictionary<string, string> headers, List<string> boundaries)
        {
            var type = headers.GetValueOrDefault("Content-Type") ?? "text/plain";
            var media = type.Split(';')[0].Trim().ToLowerInvariant();
            if (media.StartsWith("multipart/", StringComparison.Ordinal))
            {
                if (Parameter(type, "boundary") is { Length: > 0 } boundary && boundaries.Count < MaxDepth)
                {
                    boundaries.Add(boundary);
                }

                return Skipped; // its preamble
            }

            var attachment = (headers.GetValueOrDefault("Content-Disposition") ?? string.Empty).TrimStart().StartsWith("attachment", StringComparison.OrdinalIgnoreCase);
            return media is "text/plain" or "text/html" && !attachment
                ? new Part(true, media == "text/html", (headers.GetValueOrDefault("Content-Transfer-Encoding") ?? "7bit").Trim().ToLowerInvariant(), Parameter(type, "charset"))
                : Skipped;
        }

        public string Decode(string text)
        {
            var bytes = TransferEncoding switch
            {
                "base64" => MimeDecoding.Base64(text),
                "quoted-printable" => MimeDecoding.QuotedPrintable(text, encodedWord: false),
                _ => null,
            };
            if (bytes is null)
            {
                return text;
            }

            var encoding = (Charset is null ? null : MessageInfoReader.EncodingOf(Charset)) ?? Encoding.UTF8;
            return encoding.GetString(bytes);
        }

        private static string? Parameter(string type, string name)
        {
            var match = ParameterPattern().Matches(type).FirstOrDefault(m => m.Groups["name"].Value.Equals(name, StringComparison.OrdinalIgnoreCase));
            return match is null ? null : match.Groups["quoted"].Success ? match.Groups["quoted"].Value : match.Groups["token"].Value;
        }
    }

    [GeneratedRegex(@"\bhref\s*=\s*(?:""(?<double>[^""]*)""|'(?<single>[^']*)'|(?<bare>[^\s>""']+))", RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Href();

    [GeneratedRegex(@"https?://[^\s<>""']+", RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 1000)]
    private static partial Regex PlainAddress();

    [GeneratedRegex(@";\s*(?<name>[A-Za-z0-9_-]+)\s*=\s*(?:""(?<quoted>[^""]*)""|(?<token>[^\s;]+))", RegexOptions.None, matchTimeoutMilliseconds: 100)]
    private static partial Regex ParameterPattern();
}
