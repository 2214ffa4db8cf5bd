using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using EvidenceVault.Serialization;

namespace EvidenceVault.Evidence;

/// <summary>
/// Reads what a saved e-mail says about itself (<see cref="MessageInfo"/>) from its header fields, up to the blank
/// line that ends them (at most <see cref="HeaderBlockReader.MaxHeaderBytes"/>): <c>From</c>, <c>To</c> and
/// <c>Subject</c> with their RFC 2047 encoded words decoded (UTF-8, GB2312, GBK, GB18030, Big5 and the other code pages
/// mail programs use), <c>Date</c>, <c>Message-ID</c>, the top <c>Received</c> field's server and date, the top
/// <c>Delivered-To</c> field, and the web
/// addresses its text points to, the files it carries as attachments and the headers of the mails forwarded inside it
/// (<see cref="MessageBody"/>). A field longer than <see cref="MaxFieldLength"/> is left out rather than cut; a file
/// whose header is malformed states nothing, and the evidence stands without it.
/// </summary>
public static partial class MessageInfoReader
{
    /// <summary>How much one read of a stored message should bring: an <c>.eml</c> is read on through its attachments, up to 64 MiB.</summary>
    public const int ReadBufferBytes = 1024 * 1024;

    /// <summary>Longest field kept, in characters once decoded.</summary>
    public const int MaxFieldLength = 998; // RFC 5322's line limit

    /// <summary>How many of the mails forwarded inside one message have their DKIM signatures checked, the first ones.</summary>
    public const int MaxForwardedSigned = 8;

    /// <summary>The most characters of JSON the headers of the mails forwarded inside one message are stated in.</summary>
    public const int MaxForwardedChars = 16 * 1024;

    /// <summary>The statement of <paramref name="content"/>, a file of <paramref name="format"/>, its signatures unchecked; null for other formats or none stated.</summary>
    /// <param name="content">The file from its first byte.</param>
    /// <param name="format">The recognised format.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    public static Task<MessageInfo?> ReadAsync(Stream content, EvidenceFormat format, CancellationToken cancellationToken = default) =>
        ReadAsync(content, format, null, cancellationToken);

    /// <summary>
    /// The statement of <paramref name="content"/>, a file of <paramref name="format"/>; null for other formats or none
    /// stated. With <paramref name="keys"/>, an <c>.eml</c> that can be read again from its start (a seekable stream)
    /// is read a second time for its DKIM signatures (<see cref="MailSignatureReader"/>).
    /// </summary>
    /// <param name="content">The file from its first byte.</param>
    /// <param name="format">The recognised format.</param>
    /// <param name="keys">Where signing domains' keys are asked for; null to leave signatures unchecked.</param>
    /// <param name="cancellationToken">Cancels the reads and lookups.</param>
    public static async Task<MessageInfo?> ReadAsync(Stream content, EvidenceFormat format, IMailKeyDirectory? keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(format);
        try
        {
            if (format.ContentType == EvidenceFormatDetector.OutlookMessageContentType)
            {
                return await ReadOutlookMessageAsync(content, cancellationToken);
            }

            return format.ContentType == EvidenceFormatDetector.MessageContentType ? await ReadSavedMailAsync(content, keys, cancellationToken) : null;
        }
        catch (Exception e) when (Unreadable(e))
        {
            return null;
        }
    }

    /// <summary>
    /// A saved e-mail's (<c>.eml</c>) statement, read from <paramref name="content"/> from its first byte; with
    /// <paramref name="keys"/>, and a stream that can be read again (a seekable one), its DKIM signatures and those of the
    /// mails forwarded inside it are then checked on their bytes (<see cref="MailSignatureReader"/>).
    /// </summary>
    internal static async Task<MessageInfo?> ReadSavedMailAsync(Stream content, IMailKeyDirectory? keys, CancellationToken cancellationToken)
    {
        keys = keys is null ? null : new AskedOnce(keys);
        try
        {
            var reader = new HeaderBlockReader(content, MessageBody.MaxMessageBytes);
            var headers = await reader.ReadHeaderBlockAsync(cancellationToken);
            var links = new List<string>();
            var attachments = new List<MessageAttachment>();
            var forwarded = new List<ForwardedMessage>();
            await ReadBodyAsync(reader, headers, links, attachments, forwarded, cancellationToken);
            var forwardedStatements = new List<MessageInfo?>();
            foreach (var (mail, i) in forwarded.Select((mail, i) => (mail, i)))
            {
                var said = Statement(MessageSources.Eml, mail.Header, [], [], null, null);
                forwardedStatements.Add(i < MaxForwardedSigned ? await SignedAsync(said, mail.Start, mail.End) : said);
            }

            return await SignedAsync(Statement(MessageSources.Eml, headers, links, attachments, null, null, Forwarded(forwardedStatements)), 0, long.MaxValue);

            // The statement with the DKIM signatures of the message whose bytes lie from start to end, when they can be read again and checked.
            async Task<MessageInfo?> SignedAsync(MessageInfo? statement, long start, long? end)
            {
                if (keys is null || !content.CanSeek || end is not { } last)
                {
                    return statement;
                }

                content.Position = start;
                return await MailSignatureReader.ReadAsync(content, last - start, keys, cancellationToken) is { } signatures
                    ? (statement ?? new MessageInfo { Source = MessageSources.Eml }) with { Signatures = signatures }
                    : statement;
            }
        }
        catch (Exception e) when (Unreadable(e))
        {
            return null;
        }
    }

    /// <summary>Whether <paramref name="e"/> says the file cannot be read as the mail it claims to be, so that it states nothing.</summary>
    private static bool Unreadable(Exception e) => e is InvalidDataException or RegexMatchTimeoutException or EndOfStreamException or ArgumentOutOfRangeException;

    /// <summary>An Outlook <c>.msg</c>: its Internet header (or the fields its properties give) read as a saved e-mail's, the links from its plain-text body and its HTML and those of the messages embedded in it, and its attachments.</summary>
    private static async Task<MessageInfo?> ReadOutlookMessageAsync(Stream content, CancellationToken cancellationToken)
    {
        if (await OutlookMessageReader.ReadAsync(content, cancellationToken) is not { } message)
        {
            return null;
        }

        var headers = await HeaderAsync(message);
        var links = new List<string>();
        foreach (var (text, type) in Texts(message))
        {
            if (text is not null)
            {
                var part = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = type + "; charset=utf-8" };
                await ReadBodyAsync(new HeaderBlockReader(new MemoryStream(Encoding.UTF8.GetBytes(text)), MessageBody.MaxLinkBytes), part, links, null, null, cancellationToken);
            }
        }

        var forwarded = new List<MessageInfo?>();
        foreach (var embedded in Embedded(message))
        {
            forwarded.Add(Statement(MessageSources.Msg, await HeaderAsync(embedded), [], [], embedded.SubmittedAt, embedded.DeliveredAt));
        }

        return Statement(MessageSources.Msg, headers, links, [.. message.Attachments], message.SubmittedAt, message.DeliveredAt, Forwarded(forwarded));

        // Its plain text and HTML, then those of each message embedded in it, in order.
        static IEnumerable<(string? Text, string Type)> Texts(OutlookMessage message) =>
            [(message.Body, "text/plain"), (message.Html, "text/html"), .. message.Embedded.SelectMany(Texts)];

        // The messages embedded in it, each before those embedded in it, in order.
        static IEnumerable<OutlookMessage> Embedded(OutlookMessage message) => message.Embedded.SelectMany(inner => (IEnumerable<OutlookMessage>)[inner, .. Embedded(inner)]);

        async Task<Dictionary<string, string>> HeaderAsync(OutlookMessage message) =>
            await new HeaderBlockReader(new MemoryStream(Encoding.UTF8.GetBytes(message.Header.TrimEnd() + "\r\n\r\n")), MessageBody.MaxLinkBytes)
                .ReadHeaderBlockAsync(cancellationToken);
    }

    private static async Task ReadBodyAsync(
        HeaderBlockReader reader,
        IReadOnlyDictionary<string, string> headers,
        List<string> links,
        List<MessageAttachment>? attachments,
        List<ForwardedMessage>? forwarded,
        CancellationToken cancellationToken)
    {
        try
        {
            await MessageBody.ReadAsync(reader, headers, links, attachments, forwarded, cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or RegexMatchTimeoutException or EndOfStreamException)
        {
            // The links and whole attachments found before a line too long to read, or before the end of what is read, stand.
        }
    }

    /// <summary>
    /// The statement of a header and the links, attachments and forwarded mails' headers found; the times given stand
    /// in for a header without <c>Date</c> or <c>Received</c>.
    /// </summary>
    private static MessageInfo? Statement(
        string source,
        IReadOnlyDictionary<string, string> headers,
        List<string> links,
        List<MessageAttachment> attachments,
        DateTimeOffset? sentAt,
        DateTimeOffset? deliveredAt,
        List<MessageInfo>? forwarded = null)
    {
        var received = headers.GetValueOrDefault("Received") is { } field ? MailDates.Comment().Replace(field, " ") : null;
        var (authenticatedBy, authenticationResults) = Authentication(headers.GetValueOrDefault("Authentication-Results"));
        var info = new MessageInfo
        {
            Source = source,
            From = Field(DecodeWords(headers.GetValueOrDefault("From"))),
            To = Field(DecodeWords(headers.GetValueOrDefault("To"))),
            Cc = Field(DecodeWords(headers.GetValueOrDefault("Cc"))),
            Subject = Field(DecodeWords(headers.GetValueOrDefault("Subject"))),
            SentAt = MailDates.Parse(headers.GetValueOrDefault("Date")) ?? sentAt,
            MessageId = Field(headers.GetValueOrDefault("Message-ID")),
            DeliveredAt = (received?.LastIndexOf(';') is >= 0 and var semicolon ? MailDates.Parse(received[(semicolon + 1)..]) : null) ?? deliveredAt,
            DeliveredBy = received is not null && ByServer().Match(received) is { Success: true } by ? Field(by.Groups[1].Value) : null,
            DeliveredTo = Field(DecodeWords(headers.GetValueOrDefault("Delivered-To"))),
            AuthenticatedBy = authenticatedBy,
            AuthenticationResults = authenticationResults,
            Links = links.Count > 0 ? links : null,
            Attachments = attachments.Count > 0 ? attachments : null,
            Forwarded = forwarded is { Count: > 0 } ? forwarded : null,
        };
        return info is { From: null, To: null, Cc: null, Subject: null, SentAt: null, MessageId: null, DeliveredAt: null, DeliveredBy: null, DeliveredTo: null, AuthenticatedBy: null, AuthenticationResults: null, Links: null, Attachments: null, Forwarded: null } ? null : info;
    }

    /// <summary>
    /// An <c>Authentication-Results</c> field (RFC 8601: <c>authserv-id [version]; method=result …; …</c>): the service
    /// it names, and its results with their comments left out, joined by <c>; </c> (<c>none</c> when it found none).
    /// </summary>
    private static (string? By, string? Results) Authentication(string? field)
    {
        if (field is null)
        {
            return (null, null);
        }

        var parts = MailDates.Comment().Replace(field, " ").Split(';').Select(part => MimeDecoding.Whitespace().Replace(part, " ").Trim()).ToList();
        var by = parts[0].Split(' ')[0];
        var results = string.Join("; ", parts.Skip(1).Where(part => part.Length > 0));
        return by.Length == 0 ? (null, null) : (Field(by), Field(results));
    }

    /// <summary>
    /// The headers of the mails forwarded inside a message that state anything, in order, as many as keep the list
    /// within <see cref="MaxForwardedChars"/> of JSON — the bound of the index column and custody detail they go into.
    /// </summary>
    private static List<MessageInfo> Forwarded(IEnumerable<MessageInfo?> statements)
    {
        var kept = new List<MessageInfo>();
        var length = "[]".Length;
        foreach (var statement in statements.OfType<MessageInfo>())
        {
            // The list's JSON is its entries' own, comma-separated, in brackets: each entry is serialized once.
            length += JsonSerializer.Serialize(statement, VaultJson.Compact).Length + (kept.Count > 0 ? 1 : 0);
            if (length > MaxForwardedChars)
            {
                break;
            }

            kept.Add(statement);
        }

        return kept;
    }

    /// <summary>The field with its control characters made spaces, trimmed; null when empty or longer than <see cref="MaxFieldLength"/>.</summary>
    private static string? Field(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var text = string.Create(value.Length, value, (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? ' ' : source[i];
            }
        }).Trim();
        return text.Length is > 0 and <= MaxFieldLength ? text : null;
    }

    /// <summary>
    /// RFC 2047: <c>=?charset?B?…?=</c> (base64) and <c>=?charset?Q?…?=</c> (quoted-printable, <c>_</c> a space)
    /// decoded; whitespace between two encoded words dropped, and the bytes of adjacent words in one charset joined
    /// before decoding, since mail programs split a character across them. A word in an unknown charset stays as written.
    /// </summary>
    internal static string? DecodeWords(string? value)
    {
        if (value is null || !value.Contains("=?", StringComparison.Ordinal))
        {
            return value;
        }

        var text = new StringBuilder();
        var pending = new List<byte>();
        Encoding? pendingEncoding = null;
        var last = 0;
        var previousDecoded = false;
        foreach (Match word in EncodedWord().Matches(value))
        {
            var between = value[last..word.Index];
            var encoding = EncodingOf(word.Groups["charset"].Value);
            var bytes = encoding is null ? null : WordBytes(word.Groups["encoding"].Value, word.Groups["text"].Value);
            var adjacent = previousDecoded && bytes is not null && string.IsNullOrWhiteSpace(between);
            if (!adjacent || encoding!.CodePage != pendingEncoding?.CodePage)
            {
                Flush();
                text.Append(adjacent ? string.Empty : between);
            }

            if (bytes is null)
            {
                text.Append(word.Value);
            }
            else
            {
                pendingEncoding = encoding;
                pending.AddRange(bytes);
            }

            previousDecoded = bytes is not null;
            last = word.Index + word.Length;
        }

        Flush();
        text.Append(value[last..]);
        return text.ToString();

        void Flush()
        {
            if (pendingEncoding is not null)
            {
                text.Append(pendingEncoding.GetString([.. pending]));
                pending.Clear();
                pendingEncoding = null;
            }
        }
    }

    /// <summary>The encoding a mail names (<c>utf-8</c>, <c>gb2312</c>, <c>GBK</c>, <c>big5</c>…), or null for one .NET does not know.</summary>
    internal static Encoding? EncodingOf(string charset)
    {
        // RFC 2231 lets a charset carry a language after '*'.
        var name = charset.Split('*')[0];
        try
        {
            return System.Text.CodePagesEncodingProvider.Instance.GetEncoding(name) ?? Encoding.GetEncoding(name);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static byte[]? WordBytes(string encoding, string text) =>
        encoding is "B" or "b" ? MimeDecoding.Base64(text) : MimeDecoding.QuotedPrintable(text, encodedWord: true);

    [GeneratedRegex(@"=\?(?<charset>[^?\s]+)\?(?<encoding>[BbQq])\?(?<text>[^?\s]*)\?=", RegexOptions.None, matchTimeoutMilliseconds: 100)]
    private static partial Regex EncodedWord();

    [GeneratedRegex(@"(?:^|\s)by\s+([^\s;]+)", RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 100)]
    private static partial Regex ByServer();

    /// <summary>
    /// One message's key lookups: each name asked once, and none asked once the name service has failed to answer, so
    /// that a name service that is down costs one wait per message, not one per signature.
    /// </summary>
    private sealed class AskedOnce(IMailKeyDirectory keys) : IMailKeyDirectory
    {
        private readonly Dictionary<(string, string), MailKeyAnswer> _answers = [];
        private bool _unanswered;

        public async Task<MailKeyAnswer> FindAsync(string selector, string domain, CancellationToken cancellationToken)
        {
            if (_unanswered)
            {
                return MailKeyAnswer.Unavailable;
            }

            if (!_answers.TryGetValue((selector, domain), out var answer))
            {
                answer = await keys.FindAsync(selector, domain, cancellationToken);
                _answers[(selector, domain)] = answer;
                _unanswered = !answer.Answered;
            }

            return answer;
        }
    }
}
