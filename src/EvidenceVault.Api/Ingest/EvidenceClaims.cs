using System.Text.RegularExpressions;
using EvidenceVault.Api.Problems;
using EvidenceVault.Custody;
using EvidenceVault.Evidence;
using EvidenceVault.Hashing;

namespace EvidenceVault.Api.Ingest;

/// <summary>
/// What the client says about an upload, from its headers. These are claims: the vault records them beside
/// its own facts (hash, size, format, receipt time) and only the declared digest is enforced.
/// </summary>
/// <param name="Kind">Declared kind (<c>X-Evidence-Kind</c>), if any.</param>
/// <param name="FileName">Original file name (<c>X-File-Name</c>, UTF-8 percent-encoded), if any.</param>
/// <param name="CapturedAt">When the victim says it was captured (<c>X-Captured-At</c>), if any.</param>
/// <param name="SourceUrl">The page it came from (<c>X-Source-Url</c>), if any.</param>
/// <param name="DeclaredDigest">SHA-256 from <c>Repr-Digest</c> or <c>Content-Digest</c> (RFC 9530), if any.</param>
/// <param name="Note">The victim's note (<c>X-Evidence-Note</c>, UTF-8 percent-encoded), if any.</param>
/// <param name="CapturedByVault">
/// Set only by the vault's own page capture (<see cref="OfCapture"/>), never from a request: the file is a WACZ the
/// vault made, which the custody line, the index and the blob's metadata then say.
/// </param>
/// <param name="CapturedSites">
/// Also only from the vault's own capture: the sites it reached over HTTPS and the certificates it checked there (at
/// most <see cref="CaptureDetails.MaxSites"/>), which the custody line and the index then record.
/// </param>
internal sealed partial record EvidenceClaims(
    EvidenceKind? Kind,
    string? FileName,
    DateTimeOffset? CapturedAt,
    string? SourceUrl,
    Sha256Digest? DeclaredDigest,
    string? Note = null,
    bool CapturedByVault = false,
    IReadOnlyList<CapturedSite>? CapturedSites = null)
{
    public const int MaxFileNameLength = 255;
    public const int MaxSourceUrlLength = 2048;
    public const int MaxNoteLength = 1000;

    public static EvidenceClaims FromHeaders(IHeaderDictionary headers)
    {
        EvidenceKind? kind = null;
        if (Single(headers, "X-Evidence-Kind") is { } kindText)
        {
            kind = EvidenceKinds.TryParse(kindText, out var parsed)
                ? parsed
                : throw Malformed($"X-Evidence-Kind must be one of {string.Join(", ", EvidenceKinds.Names)}.");
        }

        return new EvidenceClaims(
            kind,
            ParseFileName(Single(headers, "X-File-Name")),
            ParseCapturedAt(Single(headers, "X-Captured-At")),
            ParseSourceUrl(Single(headers, "X-Source-Url")),
            ParseDigest(headers, "Repr-Digest") ?? ParseDigest(headers, "Content-Digest"),
            Single(headers, "X-Evidence-Note") is { } note ? CheckNote(PercentDecodeUtf8(note.Trim()) ?? throw Malformed("X-Evidence-Note must be UTF-8, percent-encoded.")) : null);
    }

    /// <summary>
    /// Claims from a resumable upload's <c>Upload-Metadata</c> (already base64-decoded): <c>filename</c> (or
    /// <c>name</c>), <c>kind</c>, <c>capturedAt</c>, <c>sourceUrl</c> and <c>sha256</c> (64 hex digits). Other keys are ignored.
    /// </summary>
    public static EvidenceClaims FromMetadata(IReadOnlyDictionary<string, string> metadata)
    {
        EvidenceKind? kind = null;
        if (metadata.GetValueOrDefault("kind") is { Length: > 0 } kindText)
        {
            kind = EvidenceKinds.TryParse(kindText, out var parsed)
                ? parsed
                : throw Malformed($"Upload-Metadata kind must be one of {string.Join(", ", EvidenceKinds.Names)}.");
        }

        Sha256Digest? declared = null;
        if (metadata.GetValueOrDefault("sha256") is { Length: > 0 } hex)
        {
            declared = Sha256Digest.TryParseHex(hex, out var digest) ? digest : throw Malformed("Upload-Metadata sha256 must be 64 hexadecimal digits.");
        }

        var fileName = metadata.GetValueOrDefault("filename") ?? metadata.GetValueOrDefault("name");
        return new EvidenceClaims(
            kind,
            string.IsNullOrWhiteSpace(fileName) ? null : CheckFileName(fileName.Trim()),
            ParseCapturedAt(EmptyAsNull(metadata.GetValueOrDefault("capturedAt"))),
            ParseSourceUrl(EmptyAsNull(metadata.GetValueOrDefault("sourceUrl"))),
            declared,
            EmptyAsNull(metadata.GetValueOrDefault("note")) is { } note ? CheckNote(note) : null);
    }

    /// <summary>The claims of a page the vault captured itself: the file it made, the address asked for and the member's note.</summary>
    /// <remarks>
    /// <paramref name="sourceUrl"/> is one <see cref="TryParsePageUrl"/> accepted, kept as the member gave it, and
    /// <paramref name="note"/> one <see cref="TryNormaliseNote"/> accepted: the request was checked before the fetch.
    /// </remarks>
    public static EvidenceClaims OfCapture(string fileName, Uri sourceUrl, string? note, IReadOnlyList<CapturedSite> sites) =>
        new(null, CheckFileName(fileName), null, sourceUrl.OriginalString, null, note, CapturedByVault: true, [.. sites.Take(CaptureDetails.MaxSites)]);

    /// <summary>
    /// A note as the vault keeps it: trimmed (null when nothing is left), at most <see cref="MaxNoteLength"/>
    /// characters, no control characters but line breaks. False for a note it does not keep.
    /// </summary>
    public static bool TryNormaliseNote(string? text, out string? note)
    {
        note = text?.Trim();
        if (string.IsNullOrEmpty(note))
        {
            note = null;
            return true;
        }

        return note.Length <= MaxNoteLength && !note.Any(c => char.IsControl(c) && c is not '\n' and not '\r') && !note.Contains('\uFFFD', StringComparison.Ordinal);
    }

    private static string? CheckNote(string note) =>
        TryNormaliseNote(note, out var kept) ? kept : throw Malformed(NoteRule);

    /// <summary>What a note must be, for the problem detail that refuses one.</summary>
    public static string NoteRule => $"The note must be at most {MaxNoteLength} printable characters.";

    /// <summary>A file name from a header or a multipart part: percent-decoded, path stripped, checked.</summary>
    public static string? ParseFileName(string? raw) =>
        string.IsNullOrWhiteSpace(raw)
            ? null
            : CheckFileName(PercentDecodeUtf8(raw.Trim().Trim('"')) ?? throw Malformed("X-File-Name must be UTF-8, percent-encoded."));

    private static string CheckFileName(string name)
    {
        name = name[(name.LastIndexOfAny(['/', '\\']) + 1)..];
        return name.Length is 0 or > MaxFileNameLength || name.Any(char.IsControl) || name.Contains('\uFFFD', StringComparison.Ordinal)
            ? throw Malformed($"The file name must be 1 to {MaxFileNameLength} printable characters.")
            : name;
    }

    private static string? EmptyAsNull(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>Strict percent-decoding: every % starts a two-digit escape, and the bytes are valid UTF-8.</summary>
    private static string? PercentDecodeUtf8(string text)
    {
        var bytes = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '%')
            {
                if (i + 2 >= text.Length || !char.IsAsciiHexDigit(text[i + 1]) || !char.IsAsciiHexDigit(text[i + 2]))
                {
                    return null;
                }

                bytes.Add(Convert.ToByte(text.Substring(i + 1, 2), 16));
                i += 2;
            }
            else if (text[i] > 0x7F)
            {
                return null; // Header values are ASCII: non-ASCII must arrive percent-encoded.
            }
            else
            {
                bytes.Add((byte)text[i]);
            }
        }

        try
        {
            return StrictUtf8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes));
        }
        catch (System.Text.DecoderFallbackException)
        {
            return null;
        }
    }

    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static DateTimeOffset? ParseCapturedAt(string? raw)
    {
        if (raw is null)
        {
            return null;
        }

        // An ISO 8601 time with its offset: a time without a zone cannot be placed on the court's timeline.
        return Iso8601WithOffset().IsMatch(raw) &&
               DateTimeOffset.TryParse(raw, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var value)
            ? value.ToUniversalTime()
            : throw Malformed("The capture time (X-Captured-At, capturedAt) must be ISO 8601 with a zone, e.g. 2026-11-23T22:39:31+08:00.");
    }

    private static string? ParseSourceUrl(string? raw) =>
        raw is null ? null
        : TryParsePageUrl(raw, out var uri) ? uri.OriginalString
        : throw Malformed($"The source URL (X-Source-Url, sourceUrl) must be an absolute http(s) URL of at most {MaxSourceUrlLength} characters.");

    /// <summary>
    /// Whether <paramref name="raw"/> is a page's address as the vault takes one — a claimed source URL or a page to
    /// capture: an absolute http(s) URL of at most <see cref="MaxSourceUrlLength"/> characters.
    /// </summary>
    public static bool TryParsePageUrl(string? raw, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Uri? url)
    {
        url = null;
        return raw is { Length: <= MaxSourceUrlLength } && Uri.TryCreate(raw, UriKind.Absolute, out url) &&
               (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps);
    }

    /// <summary>Reads the sha-256 member of an RFC 9530 digest field (<c>sha-256=:base64:</c>); other algorithms are ignored.</summary>
    internal static Sha256Digest? ParseDigest(IHeaderDictionary headers, string name)
    {
        if (Single(headers, name) is not { } field)
        {
            return null;
        }

        foreach (var member in field.Split(','))
        {
            var equals = member.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw Malformed($"{name} must be a structured-field dictionary such as sha-256=:<base64>:.");
            }

            if (!member[..equals].Trim().Equals("sha-256", StringComparison.Ordinal))
            {
                continue;
            }

            var value = member[(equals + 1)..].Trim();
            return value.Length > 2 && value[0] == ':' && value[^1] == ':' && Sha256Digest.TryParseBase64(value[1..^1], out var digest)
                ? digest
                : throw Malformed($"The sha-256 value of {name} must be 32 bytes of base64 between colons.");
        }

        return null;
    }

    private static string? Single(IHeaderDictionary headers, string name)
    {
        var values = headers[name];
        return values.Count switch
        {
            0 => null,
            1 => values[0],
            _ => throw Malformed($"{name} is given more than once."),
        };
    }

    private static VaultProblemException Malformed(string detail) => new(ProblemType.MalformedHeader, detail);

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Iso8601WithOffset();
}
