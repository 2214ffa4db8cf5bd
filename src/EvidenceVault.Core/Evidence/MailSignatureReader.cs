using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace EvidenceVault.Evidence;

/// <summary>
/// Checks the DKIM signatures (RFC 6376) of a saved e-mail (<c>.eml</c>), reading it once from its first byte: the
/// header fields in order, then the body, hashed as each signature canonicalizes it (<c>simple</c> or <c>relaxed</c>,
/// up to its <c>l=</c>). A body hash that matches is then checked with the key the signing domain publishes, asked of
/// <see cref="IMailKeyDirectory"/>. A message saved with bare LF line ends (as mail programs on Linux and macOS save it)
/// is read as the CRLF it travelled with. At most <see cref="MaxSignatures"/> signatures are checked, the topmost
/// first; a message without any states none.
/// </summary>
public static partial class MailSignatureReader
{
    /// <summary>The most signatures of one message checked (a delivered mail rarely has more than two or three).</summary>
    public const int MaxSignatures = 4;

    /// <summary>The longest message whose signatures are checked; a longer one's are stated <see cref="MailSignatureResults.Unchecked"/>.</summary>
    public const long MaxMessageBytes = 64L * 1024 * 1024;

    /// <summary>The longest key record kept and checked with (a 4096-bit RSA key's record is about 800 characters); a longer one is <see cref="MailSignatureResults.Unsupported"/>.</summary>
    public const int MaxKeyChars = 4096;

    private const byte Cr = (byte)'\r';
    private const byte Lf = (byte)'\n';
    private const string SignatureField = "DKIM-Signature";
    private const string Rsa = "rsa";
    private const string Ed25519 = "ed25519";

    /// <summary>The signatures of <paramref name="content"/>, checked; null when it carries none or its header cannot be read.</summary>
    /// <param name="content">The message from its first byte.</param>
    /// <param name="keys">Where the signing domains' keys are asked for.</param>
    /// <param name="cancellationToken">Cancels the reads and the lookups.</param>
    public static Task<IReadOnlyList<MailSignature>?> ReadAsync(Stream content, IMailKeyDirectory keys, CancellationToken cancellationToken = default) =>
        ReadAsync(content, long.MaxValue, keys, cancellationToken);

    /// <summary>The signatures of the message that is the next <paramref name="length"/> bytes of <paramref name="content"/> (a mail forwarded inside another), checked.</summary>
    internal static async Task<IReadOnlyList<MailSignature>?> ReadAsync(Stream content, long length, IMailKeyDirectory keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(keys);
        var source = new Window(content, length);
        var buffer = new byte[64 * 1024];
        var (fields, bodyStart, filled) = await ReadHeaderAsync(source, buffer, cancellationToken);
        if (fields is null)
        {
            return null;
        }

        var signatures = fields.Where(field => field.Name.Equals(SignatureField, StringComparison.OrdinalIgnoreCase)).Take(MaxSignatures).Select(Parse).ToList();
        if (signatures.Count == 0)
        {
            return null;
        }

        var bodies = signatures.Select(signature => signature.Body).OfType<BodyHash>().ToList();
        try
        {
            var readAll = await HashBodiesAsync(source, buffer, bodyStart, filled, bodies, cancellationToken);
            var checkedSignatures = new List<MailSignature>(signatures.Count);
            foreach (var signature in signatures)
            {
                checkedSignatures.Add(signature.Result is { } result ? signature.Statement with { Result = result }
                    : !readAll ? signature.Statement with { Result = MailSignatureResults.Unchecked }
                    : !signature.Body!.Matches() ? signature.Statement with { Result = MailSignatureResults.BodyChanged }
                    : await CheckWithKeyAsync(signature, fields, keys, cancellationToken));
            }

            return checkedSignatures;
        }
        finally
        {
            bodies.ForEach(body => body.Dispose());
        }
    }

    /// <summary>Feeds the body — what of it the header's read left in <paramref name="buffer"/>, then the rest — to each hash; false when the message is longer than <see cref="MaxMessageBytes"/>.</summary>
    private static async Task<bool> HashBodiesAsync(Window content, byte[] buffer, int bodyStart, int filled, List<BodyHash> bodies, CancellationToken cancellationToken)
    {
        foreach (var body in bodies)
        {
            body.Write(buffer.AsSpan(bodyStart, filled - bodyStart));
        }

        var total = (long)filled;
        while (await content.ReadAsync(buffer, cancellationToken) is > 0 and var read)
        {
            total += read;
            if (total > MaxMessageBytes)
            {
                return false;
            }

            foreach (var body in bodies)
            {
                body.Write(buffer.AsSpan(0, read));
            }
        }

        return true;
    }

    /// <summary>Checks a signature whose body hash matched against the key its domain publishes.</summary>
    private static async Task<MailSignature> CheckWithKeyAsync(ParsedSignature signature, List<HeaderField> fields, IMailKeyDirectory keys, CancellationToken cancellationToken)
    {
        var statement = signature.Statement;
        var answer = await keys.FindAsync(statement.Selector!, statement.Domain!, cancellationToken);
        if (!answer.Answered)
        {
            return statement with { Result = MailSignatureResults.KeyUnavailable };
        }

        if (answer.Record is not { } record)
        {
            return statement with { Result = MailSignatureResults.NoKey };
        }

        if (record.Length > MaxKeyChars)
        {
            return statement with { Result = MailSignatureResults.Unsupported };
        }

        var kept = statement with { Key = record };
        if (Tags(record) is not { } tags || (tags.TryGetValue("v", out var version) && version != "DKIM1"))
        {
            return kept with { Result = MailSignatureResults.NoKey };
        }

        var keyType = tags.GetValueOrDefault("k", "rsa").ToLowerInvariant();
        if (keyType is not (Rsa or Ed25519))
        {
            return kept with { Result = MailSignatureResults.Unsupported };
        }

        if (!tags.TryGetValue("p", out var publicKey) || Base64(publicKey) is not { } keyBytes)
        {
            return kept with { Result = MailSignatureResults.NoKey };
        }

        if (!statement.Algorithm!.StartsWith(keyType + "-", StringComparison.Ordinal))
        {
            return kept with { Result = MailSignatureResults.Fail }; // RFC 6376 6.1.3: a key of another type than the signature's cannot have made it
        }

        var signed = SignedHeaderBytes(signature, fields);
        return keyType == Rsa ? VerifiedWithRsa(kept, keyBytes, signed, signature.SignatureBytes) : VerifiedWithEd25519(kept, keyBytes, signed, signature.SignatureBytes);
    }

    /// <summary>An <c>rsa-sha256</c> signature checked: PKCS #1 v1.5 over the SHA-256 of the signed fields.</summary>
    private static MailSignature VerifiedWithRsa(MailSignature kept, byte[] keyBytes, byte[] signed, byte[] signature)
    {
        if (RsaKey(keyBytes) is not { } rsa)
        {
            return kept with { Result = MailSignatureResults.NoKey };
        }

        using (rsa)
        {
            var holds = rsa.VerifyData(signed, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            return kept with { Result = holds ? MailSignatureResults.Pass : MailSignatureResults.Fail };
        }
    }

    /// <summary>An <c>ed25519-sha256</c> signature checked (RFC 8463): Ed25519 over the SHA-256 of the signed fields, the key the bare 32 bytes.</summary>
    private static MailSignature VerifiedWithEd25519(MailSignature kept, byte[] keyBytes, byte[] signed, byte[] signature)
    {
        if (keyBytes.Length != Ed25519PublicKeyParameters.KeySize)
        {
            return kept with { Result = MailSignatureResults.NoKey };
        }

        var verifier = new Ed25519Signer();
        verifier.Init(forSigning: false, new Ed25519PublicKeyParameters(keyBytes));
        var digest = SHA256.HashData(signed);
        verifier.BlockUpdate(digest, 0, digest.Length);
        return kept with { Result = verifier.VerifySignature(signature) ? MailSignatureResults.Pass : MailSignatureResults.Fail };
    }

    /// <summary>The header fields in order, where the body starts in <paramref name="buffer"/> and how much of it is filled; no fields when the header is too long.</summary>
    private static async Task<(List<HeaderField>? Fields, int BodyStart, int Filled)> ReadHeaderAsync(Window content, byte[] buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < buffer.Length && await content.ReadAsync(buffer.AsMemory(filled), cancellationToken) is > 0 and var read)
        {
            filled += read;
        }

        var fields = new List<HeaderField>();
        var position = 0;
        var field = new StringBuilder();
        while (true)
        {
            var end = Array.IndexOf(buffer, Lf, position, filled - position);
            if (end < 0)
            {
                // A header past the buffer is longer than any header read; one that ends without a blank line has no body.
                if (filled == buffer.Length)
                {
                    return (null, 0, 0);
                }

                AddLine(buffer.AsSpan(position, filled - position));
                Flush();
                return (fields, filled, filled);
            }

            var line = buffer.AsSpan(position, end - position);
            line = line.EndsWith([Cr]) ? line[..^1] : line;
            position = end + 1;
            if (line.IsEmpty)
            {
                Flush();
                return (fields, position, filled);
            }

            AddLine(line);
        }

        void AddLine(ReadOnlySpan<byte> line)
        {
            if (line.IsEmpty)
            {
                return;
            }

            if (line[0] is not ((byte)' ' or (byte)'\t'))
            {
                Flush();
            }
            else if (field.Length == 0)
            {
                return; // a continuation with no field before it
            }
            else
            {
                field.Append("\r\n");
            }

            field.Append(Encoding.Latin1.GetString(line));
        }

        void Flush()
        {
            if (field.Length > 0 && field.ToString() is var raw && raw.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon)
            {
                fields.Add(new HeaderField(raw[..colon].TrimEnd(' ', '\t'), raw));
            }

            field.Clear();
        }
    }

    /// <summary>A signature field's tags read, or its result when it cannot be checked.</summary>
    private static ParsedSignature Parse(HeaderField field)
    {
        var value = field.Raw[(field.Raw.IndexOf(':', StringComparison.Ordinal) + 1)..];
        var tags = Tags(value);
        string? Tag(string name) => tags?.GetValueOrDefault(name);
        var domain = Tag("d");
        var selector = Tag("s");
        var algorithm = Tag("a");
        var signedHeaders = Tag("h") is { } h ? MimeDecoding.Whitespace().Replace(h, string.Empty) : null;
        var statement = new MailSignature
        {
            Domain = Name(domain),
            Selector = Name(selector),
            Algorithm = Bounded(algorithm),
            SignedHeaders = Bounded(signedHeaders),
            SignedAt = long.TryParse(Tag("t"), NumberStyles.None, CultureInfo.InvariantCulture, out var t) && t <= 253402300799 ? DateTimeOffset.FromUnixTimeSeconds(t) : null,
            BodyLength = long.TryParse(Tag("l"), NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : null,
            Result = MailSignatureResults.Malformed,
        };
        var canonicalization = (Tag("c") ?? "simple/simple").Split('/');
        var headerCanonicalization = canonicalization[0];
        var bodyCanonicalization = canonicalization.Length > 1 ? canonicalization[1] : "simple";
        var bodyHash = Base64(Tag("bh"));
        var signatureBytes = Base64(Tag("b"));
        if (tags is null || Tag("v") != "1" || statement.Domain is null || statement.Selector is null || signedHeaders is null || bodyHash is null || signatureBytes is null ||
            (Tag("l") is not null && statement.BodyLength is null) ||
            !signedHeaders.Split(':').Contains("from", StringComparer.OrdinalIgnoreCase) || !IdentityWithin(Tag("i"), statement.Domain) ||
            canonicalization.Length > 2)
        {
            return new ParsedSignature(statement, MailSignatureResults.Malformed);
        }

        // RFC 8301: rsa-sha1 must not be used to verify — a SHA-1 signature can be forged — so it is left unchecked.
        if (algorithm is not (Rsa + "-sha256" or Ed25519 + "-sha256") || headerCanonicalization is not ("simple" or "relaxed") || bodyCanonicalization is not ("simple" or "relaxed"))
        {
            return new ParsedSignature(statement, MailSignatureResults.Unsupported);
        }

        return new ParsedSignature(statement, null)
        {
            Field = field,
            RelaxedHeaders = headerCanonicalization == "relaxed",
            HeaderNames = signedHeaders.Split(':'),
            SignatureBytes = signatureBytes,
            Body = new BodyHash(bodyCanonicalization == "relaxed", statement.BodyLength, bodyHash),
        };
    }

    /// <summary>
    /// The bytes the signature signs: each field <c>h=</c> names, the bottom-most not yet used first (a name with none
    /// left adds nothing), canonicalized, then the signature field itself with its <c>b=</c> value removed and no line end.
    /// </summary>
    private static byte[] SignedHeaderBytes(ParsedSignature signature, List<HeaderField> fields)
    {
        // Each name's fields with the bottom-most on top, so a name signed again takes the next one up — found at once
        // however many names h= lists or fields the header holds, so a crafted header costs no more than a real one.
        var unused = new Dictionary<string, Stack<HeaderField>>(StringComparer.OrdinalIgnoreCase);
        foreach (var field in fields)
        {
            (unused.TryGetValue(field.Name, out var named) ? named : unused[field.Name] = new Stack<HeaderField>()).Push(field);
        }

        var text = new StringBuilder();
        foreach (var name in signature.HeaderNames)
        {
            if (unused.TryGetValue(name.Trim(), out var named) && named.TryPop(out var field))
            {
                text.Append(Canonical(field.Raw, signature.RelaxedHeaders)).Append("\r\n");
            }
        }

        text.Append(Canonical(SignatureValue().Replace(signature.Field!.Raw, "$1"), signature.RelaxedHeaders));
        return Encoding.Latin1.GetBytes(text.ToString());
    }

    /// <summary>A header field as a canonicalization gives it, without its line end.</summary>
    private static string Canonical(string raw, bool relaxed)
    {
        if (!relaxed)
        {
            return raw;
        }

        var colon = raw.IndexOf(':', StringComparison.Ordinal);
        var name = raw[..colon].TrimEnd(' ', '\t').ToLowerInvariant();
        var value = Blanks().Replace(raw[(colon + 1)..].Replace("\r\n", string.Empty, StringComparison.Ordinal), " ").Trim(' ');
        return name + ":" + value;
    }

    /// <summary>A tag list's tags (<c>v=1; a=rsa-sha256; …</c>), whitespace around names and values dropped; null when a tag repeats or one is not a tag.</summary>
    private static Dictionary<string, string>? Tags(string value)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        var parts = value.Split(';');
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            if (string.IsNullOrWhiteSpace(part))
            {
                if (i == parts.Length - 1)
                {
                    break; // a trailing ';'
                }

                return null;
            }

            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                return null;
            }

            var name = part[..equals].Trim(' ', '\t', '\r', '\n');
            if (!TagName().IsMatch(name) || !tags.TryAdd(name, part[(equals + 1)..].Trim(' ', '\t', '\r', '\n')))
            {
                return null;
            }
        }

        return tags;
    }

    /// <summary>The identity (<c>i=</c>) names the signing domain or one under it.</summary>
    private static bool IdentityWithin(string? identity, string domain)
    {
        if (identity is null)
        {
            return true;
        }

        var at = identity.LastIndexOf('@');
        var identityDomain = at >= 0 ? identity[(at + 1)..] : string.Empty;
        return identityDomain.Equals(domain, StringComparison.OrdinalIgnoreCase) || identityDomain.EndsWith("." + domain, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A domain or selector fit to ask the name service about (letters, digits, <c>-</c> and <c>_</c> in dot-separated labels); null otherwise.</summary>
    private static string? Name(string? value) => value is { Length: > 0 and <= 200 } && DomainName().IsMatch(value) ? value.ToLowerInvariant() : null;

    private static string? Bounded(string? value) => value is { Length: > 0 and <= 998 } ? value : null;

    private static byte[]? Base64(string? value) => value is not null && MimeDecoding.Base64(value) is { Length: > 0 } bytes ? bytes : null;

    /// <summary>The RSA key a record's <c>p=</c> holds (a SubjectPublicKeyInfo, as RFC 6376 says, or a bare RSAPublicKey as some domains publish); null when none can be read.</summary>
    private static RSA? RsaKey(byte[] der)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportSubjectPublicKeyInfo(der, out _);
            return rsa;
        }
        catch (CryptographicException)
        {
            try
            {
                rsa.ImportRSAPublicKey(der, out _);
                return rsa;
            }
            catch (CryptographicException)
            {
                rsa.Dispose();
                return null;
            }
        }
    }

    [GeneratedRegex(@"[ \t]+", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Blanks();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_]*$", RegexOptions.None, matchTimeoutMilliseconds: 100)]
    private static partial Regex TagName();

    [GeneratedRegex(@"^(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.)*[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$", RegexOptions.None, matchTimeoutMilliseconds: 100)]
    private static partial Regex DomainName();

    // The b= tag's value with the whitespace around it, wherever the tag stands (not bh=).
    [GeneratedRegex(@"((?:^[^:]*:|;)[ \t\r\n]*b[ \t\r\n]*=)[^;]*", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex SignatureValue();

    /// <summary>At most <paramref name="length"/> bytes of a stream, from where it stands.</summary>
    private sealed class Window(Stream stream, long length)
    {
        private long _left = length;

        public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            var read = _left <= 0 ? 0 : await stream.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _left)], cancellationToken);
            _left -= read;
            return read;
        }
    }

    /// <summary>A header field: its name, and the whole field as written (folded lines joined by CRLF), read as Latin-1 so each byte is one character.</summary>
    private sealed record HeaderField(string Name, string Raw);

    /// <summary>A signature as read: its statement, and its result when it cannot be checked, or what checking it needs.</summary>
    private sealed record ParsedSignature(MailSignature Statement, string? Result)
    {
        public HeaderField? Field { get; init; }

        public bool RelaxedHeaders { get; init; }

        public string[] HeaderNames { get; init; } = [];

        public byte[] SignatureBytes { get; init; } = [];

        public BodyHash? Body { get; init; }
    }

    /// <summary>
    /// The hash of a body as a canonicalization gives it, fed the body's bytes as they are read: lines end in CRLF (a
    /// bare LF ends one too), empty lines at the end are dropped and a last line without its end gets one; relaxed also
    /// drops whitespace at each line's end and makes each run of it one space. Only the first <c>limit</c> bytes, when
    /// given, are hashed.
    /// </summary>
    private sealed class BodyHash(bool relaxed, long? limit, byte[] expected) : IDisposable
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private readonly byte[] _out = new byte[16 * 1024];
        private int _outCount;
        private long _length;
        private long _emptyLines;
        private bool _lineHasContent;
        private bool _blank;
        private bool _cr;

        public void Write(ReadOnlySpan<byte> bytes)
        {
            foreach (var b in bytes)
            {
                Step(b);
            }
        }

        /// <summary>Ends the body; true when its hash is the one signed.</summary>
        public bool Matches()
        {
            if (_cr)
            {
                _cr = false;
                EndLine();
            }

            if (_lineHasContent)
            {
                EndLine();
            }

            if (!relaxed && _length == 0)
            {
                Emit(Cr);
                Emit(Lf);
            }

            Flush();
            var digest = _hash.GetHashAndReset();
            return (limit is null || limit <= _length) && CryptographicOperations.FixedTimeEquals(digest, expected);
        }

        public void Dispose() => _hash.Dispose();

        private void Step(byte b)
        {
            if (_cr)
            {
                _cr = false;
                if (b == Lf)
                {
                    EndLine();
                    return;
                }

                Content(Cr);
            }

            switch (b)
            {
                case Cr:
                    _cr = true;
                    break;
                case Lf:
                    EndLine();
                    break;
                case (byte)' ' or (byte)'\t' when relaxed:
                    _blank = true;
                    break;
                default:
                    Content(b);
                    break;
            }
        }

        private void Content(byte b)
        {
            if (!_lineHasContent)
            {
                for (; _emptyLines > 0; _emptyLines--)
                {
                    Emit(Cr);
                    Emit(Lf);
                }

                _lineHasContent = true;
            }

            if (_blank)
            {
                Emit((byte)' ');
                _blank = false;
            }

            Emit(b);
        }

        private void EndLine()
        {
            _blank = false;
            if (_lineHasContent)
            {
                Emit(Cr);
                Emit(Lf);
                _lineHasContent = false;
            }
            else
            {
                _emptyLines++;
            }
        }

        private void Emit(byte b)
        {
            if (limit is null || _length < limit)
            {
                _out[_outCount++] = b;
                if (_outCount == _out.Length)
                {
                    Flush();
                }
            }

            _length++;
        }

        private void Flush()
        {
            _hash.AppendData(_out, 0, _outCount);
            _outCount = 0;
        }
    }
}
