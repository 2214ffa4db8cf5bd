using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace EvidenceVault.Evidence;

/// <summary>
/// What a saved e-mail's body holds, walked line by line after the header (MIME parts, nested multiparts, base64 and
/// quoted-printable, the parts' charsets): the web addresses its text points to — in a phishing mail, the link the
/// victim was lured to: the <c>href</c>s and form <c>action</c>s of its HTML parts and the addresses written in its plain-text parts, attached
/// web pages and texts among them, in the order they come, each once, from its first <see cref="MaxLinkBytes"/> — and
/// the files it carries as attachments
/// (<see cref="MessageAttachment"/>), each with the size and SHA-256 of what it decodes to; a mail forwarded inside
/// it (<c>message/rfc822</c>) is walked as part of it. Nothing past
/// <see cref="MaxMessageBytes"/> is read.
/// </summary>
internal static partial class MessageBody
{
    /// <summary>How far into a message the links are looked for: its text comes before its attachments.</summary>
    public const long MaxLinkBytes = 4L * 1024 * 1024;

    /// <summary>How far into a message its attachments are looked for, beyond what mail providers let a message carry.</summary>
    public const long MaxMessageBytes = 64L * 1024 * 1024;

    /// <summary>At most this many attachments are kept.</summary>
    public const int MaxAttachments = 32;

    /// <summary>The longest attachment name kept (a file system's limit); a longer one is left out rather than cut.</summary>
    public const int MaxFileNameLength = 255;

    private const int MaxPartChars = 1024 * 1024;
    /// <summary>How many messages deep a message forwarded inside a message inside … is read.</summary>
    public const int MaxDepth = 8;

    /// <summary>
    /// Adds to <paramref name="links"/> those of the body <paramref name="reader"/> is at, whose message's header is
    /// <paramref name="headers"/>, to <paramref name="attachments"/>, when given, the attachments its multiparts
    /// hold whole — one cut off by the end of the file or of what is read is left out —, and to
    /// <paramref name="forwarded"/>, when given, the header of each mail forwarded inside it, in order.
    /// </summary>
    /// <exception cref="InvalidDataException">A line longer than a header line may be, or the body runs past what is read: what was found before it stands.</exception>
    public static async Task ReadAsync(
        HeaderBlockReader reader,
        IReadOnlyDictionary<string, string> headers,
        List<string> links,
        List<MessageAttachment>? attachments,
        List<ForwardedMessage>? forwarded,
        CancellationToken cancellationToken)
    {
        var boundaries = new List<string>();
        var part = await OpenAsync(reader, Part.Of(headers, boundaries, attachments: false), boundaries, attachments, forwarded, cancellationToken); // the message itself is no attachment
        var text = new StringBuilder();
        try
        {
            var lineStart = reader.Consumed;
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                var level = line.StartsWith("--", StringComparison.Ordinal) ? boundaries.FindLastIndex(b => line.TrimEnd() == "--" + b || line.TrimEnd() == "--" + b + "--") : -1;
                if (level >= 0)
                {
                    // A boundary of a multipart around a forwarded mail ends it.
                    foreach (var mail in forwarded ?? [])
                    {
                        mail.End ??= level < mail.EnclosingBoundaries ? lineStart : null;
                    }

                    Collect(part, text, links);
                    text.Clear();
                    if (part.Attachment is { } attachment)
                    {
                        attachments!.Add(attachment.Complete());
                    }

                    var closing = line.TrimEnd() == "--" + boundaries[level] + "--";
                    var from = closing ? level : level + 1;
                    boundaries.RemoveRange(from, boundaries.Count - from);
                    part = closing
                        ? Part.Skipped
                        : await OpenAsync(reader, Part.Of(await reader.ReadHeaderBlockAsync(cancellationToken), boundaries, attachments?.Count < MaxAttachments), boundaries, attachments, forwarded, cancellationToken);
                }
                else
                {
                    if (part.IsText && text.Length < MaxPartChars && reader.Consumed <= MaxLinkBytes)
                    {
                        text.Append(line).Append('\n');
                    }

                    part.Attachment?.Add(line);
                }

                lineStart = reader.Consumed;
            }

            // The file's end ends a forwarded mail no boundary did.
            foreach (var mail in forwarded ?? [])
            {
                mail.End ??= reader.Consumed;
            }
        }
        finally
        {
            Collect(part, text, links); // the part the body ends in, or stops being read in
        }
    }

    /// <summary>
    /// The part to read the lines after <paramref name="part"/>'s header with: <paramref name="part"/> itself, or, when
    /// it is a message forwarded inside this one (<c>message/rfc822</c> as a mail program forwards a mail "as an
    /// attachment", sent as it is), the forwarded message's own body — named as an attachment first when marked as one,
    /// then its header read (and kept in <paramref name="forwarded"/>), so that its text's links and its own
    /// attachments are found as this message's are.
    /// </summary>
    private static async Task<Part> OpenAsync(
        HeaderBlockReader reader, Part part, List<string> boundaries, List<MessageAttachment>? attachments, List<ForwardedMessage>? forwarded, CancellationToken cancellationToken)
    {
        for (var depth = 0; part.IsMessage && depth < MaxDepth; depth++)
        {
            if (part.Attachment is { } named)
            {
                attachments!.Add(named.Complete()); // named, without a hash: its bytes are the lines that follow, as they are
            }

            var start = reader.Consumed;
            var header = await reader.ReadHeaderBlockAsync(cancellationToken);
            forwarded?.Add(new ForwardedMessage(header, start, boundaries.Count));
            part = Part.Of(header, boundaries, attachments: false);
        }

        return part;
    }

    private static void Collect(Part part, StringBuilder text, List<string> links)
    {
        if (!part.IsText || text.Length == 0)
        {
            return;
        }

        var decoded = part.Decode(text.ToString());
        if (part.IsHtml)
        {
            TextLinks.Add(LinkAttribute().Matches(decoded).Select(m => WebUtility.HtmlDecode(m.Groups["double"].Success ? m.Groups["double"].Value : m.Groups["single"].Success ? m.Groups["single"].Value : m.Groups["bare"].Value)), links);
        }
        else
        {
            TextLinks.AddWritten(decoded, links);
        }
    }

    /// <summary>
    /// An attachment's statement, bounded whatever a message says, as an index column must be: a name over
    /// <see cref="MaxFileNameLength"/> characters or holding a control character left out rather than cut, a type RFC
    /// 6838 would not allow stated as <c>application/octet-stream</c> (RFC 2045's default for a type not understood),
    /// and the size only with the <paramref name="sha256"/> of the whole file.
    /// </summary>
    internal static MessageAttachment Stated(string? fileName, string mediaType, long size, byte[]? sha256) => new()
    {
        FileName = fileName is { Length: > 0 and <= MaxFileNameLength } && !fileName.Any(char.IsControl) ? fileName : null,
        ContentType = MediaType().IsMatch(mediaType) ? mediaType : "application/octet-stream",
        Size = sha256 is null ? null : size,
        Sha256 = sha256 is null ? null : Convert.ToHexStringLower(sha256),
    };

    /// <summary>The value of the parameter <paramref name="name"/> of a header field's <paramref name="value"/>, or null.</summary>
    private static string? Parameter(string value, string name)
    {
        var match = ParameterPattern().Matches(value).FirstOrDefault(m => m.Groups["name"].Value.Equals(name, StringComparison.OrdinalIgnoreCase));
        return match is null ? null : match.Groups["quoted"].Success ? match.Groups["quoted"].Value : match.Groups["token"].Value;
    }

    /// <summary>
    /// A file name parameter as mail programs write it: RFC 2231's <c>name*=charset''%XX…</c>, or its continuations
    /// <c>name*0*=</c>, <c>name*1*=</c>…, or a plain <c>name="…"</c>, whose RFC 2047 encoded words (as many programs,
    /// Chinese ones among them, write a name) are decoded; null when the field has none.
    /// </summary>
    private static string? FileNameParameter(string? value, string name)
    {
        if (value is null)
        {
            return null;
        }

        var segments = ParameterPattern().Matches(value)
            .Select(m => (Match: ContinuationName().Match(m.Groups["name"].Value), Value: m.Groups["quoted"].Success ? m.Groups["quoted"].Value : m.Groups["token"].Value))
            .Where(p => p.Match.Success && p.Match.Groups["name"].Value.Equals(name, StringComparison.OrdinalIgnoreCase) && (p.Match.Groups["index"].Success || p.Match.Groups["encoded"].Success))
            .Select(p => (Index: p.Match.Groups["index"].Success ? int.Parse(p.Match.Groups["index"].Value, System.Globalization.CultureInfo.InvariantCulture) : 0, Encoded: p.Match.Groups["encoded"].Success, p.Value))
            .OrderBy(s => s.Index)
            .ToList();
        if (segments.Count == 0)
        {
            return Parameter(value, name) is { } plain ? MessageInfoReader.DecodeWords(plain) : null;
        }

        // RFC 2231: the first segment may name a charset and language ('charset'language'value); encoded segments are %XX bytes in it.
        var first = segments[0].Value.Split('\'', 3);
        var encoding = segments[0].Encoded && first.Length == 3 ? MessageInfoReader.EncodingOf(first[0]) ?? Encoding.UTF8 : Encoding.UTF8;
        var bytes = new List<byte>();
        foreach (var (index, encoded, segment) in segments)
        {
            var text = index == segments[0].Index && encoded && first.Length == 3 ? first[2] : segment;
            bytes.AddRange(encoded ? MimeDecoding.Percent(text) : Encoding.UTF8.GetBytes(text));
        }

        return encoding.GetString([.. bytes]);
    }

    /// <summary>A MIME part as its header describes it: text to read links from, an attachment to measure, a multipart to go into, or something to pass over.</summary>
    private sealed record Part(bool IsText, bool IsHtml, string TransferEncoding, string? Charset, AttachmentPart? Attachment = null, bool IsMessage = false)
    {
        public static Part Skipped { get; } = new(false, false, string.Empty, null);

        public static Part Of(IReadOnlyDictionary<string, string> headers, List<string> boundaries, bool attachments)
        {
            var type = headers.GetValueOrDefault("Content-Type") ?? "text/plain";
            var media = type.Split(';')[0].Trim().ToLowerInvariant();
            var encoding = (headers.GetValueOrDefault("Content-Transfer-Encoding") ?? "7bit").Trim().ToLowerInvariant();
            if (media.StartsWith("multipart/", StringComparison.Ordinal))
            {
                if (Parameter(type, "boundary") is { Length: > 0 } boundary && boundaries.Count < MaxDepth)
                {
                    boundaries.Add(boundary);
                }

                return Skipped; // its preamble
            }

            var disposition = headers.GetValueOrDefault("Content-Disposition");
            if ((disposition ?? string.Empty).TrimStart().StartsWith("attachment", StringComparison.OrdinalIgnoreCase))
            {
                var fileName = FileNameParameter(disposition, "filename") ?? FileNameParameter(type, "name");
                var attachment = attachments ? new AttachmentPart(fileName, media, encoding) : null;

                // An attached web page or text — a fake sign-in page sent as a file, say — is read for links as the message's own text is.
                return media is "text/plain" or "text/html"
                    ? new Part(true, media == "text/html", encoding, Parameter(type, "charset"), attachment)
                    : Skipped with { Attachment = attachment, IsMessage = IsForwarded(media, encoding) };
            }

            return media is "text/plain" or "text/html" ? new Part(true, media == "text/html", encoding, Parameter(type, "charset")) : Skipped with { IsMessage = IsForwarded(media, encoding) };
        }

        /// <summary>A message inside a message, sent as it is (RFC 2046 allows <c>message/rfc822</c> no other transfer encoding; RFC 6532's <c>message/global</c> alike).</summary>
        private static bool IsForwarded(string media, string encoding) =>
            media is "message/rfc822" or "message/global" && encoding is "7bit" or "8bit" or "binary";

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
    }

    /// <summary>
    /// An attachment's lines decoded as they come — base64 a buffer of characters at a time, quoted-printable with its
    /// hard line breaks as CRLF (RFC 2045's canonical form) — into its size and SHA-256; a part sent as it is is only named.
    /// </summary>
    private sealed class AttachmentPart(string? fileName, string contentType, string transferEncoding)
    {
        private const int Base64Chunk = 64 * 1024; // characters, a multiple of four

        private readonly IncrementalHash? _sha256 = transferEncoding is "base64" or "quoted-printable" ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        private char[]? _base64;
        private byte[]? _decoded;
        private int _pending;
        private bool _lineBreakPending;
        private bool _broken;
        private long _size;

        public void Add(string line)
        {
            if (_sha256 is null || _broken)
            {
                return;
            }

            if (transferEncoding == "base64")
            {
                _base64 ??= new char[Base64Chunk];
                foreach (var c in line)
                {
                    if (!char.IsWhiteSpace(c))
                    {
                        if (_pending == _base64.Length)
                        {
                            DecodeBase64();
                            if (_broken)
                            {
                                return; // not base64: nothing more of it is read
                            }
                        }

                        _base64[_pending++] = c;
                    }
                }

                return;
            }

            if (_lineBreakPending)
            {
                Append("\r\n"u8);
            }

            var trimmed = line.TrimEnd(' ', '\t');
            var soft = trimmed.EndsWith('=');
            Append(MimeDecoding.QuotedPrintable(soft ? trimmed[..^1] : trimmed, encodedWord: false));
            _lineBreakPending = !soft;
        }

        public MessageAttachment Complete()
        {
            using var sha256 = _sha256;
            if (_pending > 0 && !_broken)
            {
                DecodeBase64();
            }

            var whole = sha256 is not null && !_broken && _pending == 0;
            return Stated(fileName, contentType, _size, whole ? sha256!.GetHashAndReset() : null);
        }

        /// <summary>Decodes the whole groups of four characters held, keeping the rest; base64 that is not marks the attachment broken: no size or hash rather than a wrong one.</summary>
        private void DecodeBase64()
        {
            var whole = _pending / 4 * 4;
            _decoded ??= new byte[Base64Chunk / 4 * 3];
            if (!Convert.TryFromBase64Chars(_base64.AsSpan(0, whole), _decoded, out var written))
            {
                _broken = true;
                return;
            }

            Append(_decoded.AsSpan(0, written));
            _base64.AsSpan(whole, _pending - whole).CopyTo(_base64);
            _pending -= whole;
        }

        private void Append(ReadOnlySpan<byte> bytes)
        {
            _sha256!.AppendData(bytes);
            _size += bytes.Length;
        }
    }

    /// <summary>Where an HTML part sends its reader: a link's <c>href</c>, or a form's <c>action</c> (where a fake sign-in page posts what is typed into it).</summary>
    [GeneratedRegex(@"\b(?:href|action)\s*=\s*(?:""(?<double>[^""]*)""|'(?<single>[^']*)'|(?<bare>[^\s>""']+))", RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 1000)]
    private static partial Regex LinkAttribute();

    [GeneratedRegex(@";\s*(?<name>[A-Za-z0-9_*-]+)\s*=\s*(?:""(?<quoted>[^""]*)""|(?<token>[^\s;]+))", RegexOptions.None, matchTimeoutMilliseconds: 100)]
    private static partial Regex ParameterPattern();

    /// <summary>A media type as RFC 6838 lets it be named: <c>type/subtype</c>, each at most 127 characters.</summary>
    [GeneratedRegex(@"^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$", RegexOptions.None, matchTimeoutMilliseconds: 100)]
    private static partial Regex MediaType();

    /// <summary>An RFC 2231 parameter name: <c>filename</c>, <c>filename*</c>, <c>filename*0</c>, <c>filename*1*</c>.</summary>
    [GeneratedRegex(@"^(?<name>[A-Za-z0-9_-]+)(?:\*(?<index>[0-9]{1,3}))?(?<encoded>\*)?$", RegexOptions.None, matchTimeoutMilliseconds: 100)]
    private static partial Regex ContinuationName();
}

/// <summary>
/// A mail forwarded inside a message: its header, and where its bytes lie in the file — from its first header line to
/// the boundary of the multipart around it (<paramref name="enclosingBoundaries"/> deep), or to the file's end — so that
/// its own DKIM signatures can be checked on those bytes. <see cref="End"/> stays null when the file stops being read
/// before the mail ends.
/// </summary>
internal sealed class ForwardedMessage(IReadOnlyDictionary<string, string> header, long start, int enclosingBoundaries)
{
    public IReadOnlyDictionary<string, string> Header => header;

    public long Start => start;

    public int EnclosingBoundaries => enclosingBoundaries;

    public long? End { get; set; }
}
