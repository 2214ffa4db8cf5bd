using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using EvidenceVault.Api.Problems;

namespace EvidenceVault.Api.Uploads;

/// <summary>The tus 1.0.0 resumable upload protocol's names and header grammar (https://tus.io/protocols/resumable-upload).</summary>
internal static class TusProtocol
{
    public const string Version = "1.0.0";
    public const string Extensions = "creation,termination,checksum,expiration";
    public const string ChecksumAlgorithms = "sha1,sha256,md5";
    public const string OffsetContentType = "application/offset+octet-stream";

    public const string TusResumable = "Tus-Resumable";
    public const string TusVersion = "Tus-Version";
    public const string TusExtension = "Tus-Extension";
    public const string TusMaxSize = "Tus-Max-Size";
    public const string TusChecksumAlgorithm = "Tus-Checksum-Algorithm";
    public const string UploadOffset = "Upload-Offset";
    public const string UploadLength = "Upload-Length";
    public const string UploadDeferLength = "Upload-Defer-Length";
    public const string UploadMetadata = "Upload-Metadata";
    public const string UploadChecksum = "Upload-Checksum";
    public const string UploadExpires = "Upload-Expires";

    /// <summary>The vault's own response header on the request that completed an upload: the item it became.</summary>
    public const string EvidenceItemId = "X-Evidence-Item-Id";

    /// <summary>Headers a browser page on an allowed origin may read from the responses.</summary>
    public static readonly string[] ExposedHeaders =
        [TusResumable, TusVersion, TusExtension, TusMaxSize, TusChecksumAlgorithm, UploadOffset, UploadLength, UploadMetadata, UploadExpires, "Location", EvidenceItemId];

    /// <summary>Headers a browser page on an allowed origin may send.</summary>
    public static readonly string[] RequestHeaders =
        [TusResumable, UploadOffset, UploadLength, UploadMetadata, UploadChecksum, "Authorization", "Content-Type", "X-Requested-With", "X-HTTP-Method-Override"];

    /// <summary>A non-negative integer header (<c>Upload-Offset</c>, <c>Upload-Length</c>); null when absent.</summary>
    public static long? NonNegative(IHeaderDictionary headers, string name)
    {
        var values = headers[name];
        if (values.Count == 0)
        {
            return null;
        }

        return values.Count == 1 && values[0] is { Length: > 0 and <= 19 } text && text.All(char.IsAsciiDigit) &&
               long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Malformed($"{name} must be one non-negative integer.");
    }

    /// <summary>
    /// <c>Upload-Metadata</c>: comma-separated <c>key base64value</c> pairs (value optional), keys unique.
    /// Values are decoded as UTF-8.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ParseMetadata(string? header)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(header))
        {
            return metadata;
        }

        foreach (var pair in header.Split(','))
        {
            var parts = pair.Trim().Split(' ');
            if (parts.Length is 0 or > 2 || parts[0].Length == 0 || metadata.ContainsKey(parts[0]))
            {
                throw Malformed("Upload-Metadata must be comma-separated 'key base64value' pairs with unique keys.");
            }

            metadata[parts[0]] = parts.Length == 2 ? DecodeValue(parts[0], parts[1]) : string.Empty;
        }

        return metadata;
    }

    /// <summary><c>Upload-Checksum: &lt;algorithm&gt; &lt;base64 digest&gt;</c>, for sha1, sha256 or md5; null when absent.</summary>
    public static (HashAlgorithmName Algorithm, byte[] Digest)? ParseChecksum(IHeaderDictionary headers)
    {
        var values = headers[UploadChecksum];
        if (values.Count == 0)
        {
            return null;
        }

        var parts = values.Count == 1 ? (values[0] ?? string.Empty).Trim().Split(' ') : [];
        if (parts.Length != 2)
        {
            throw Malformed("Upload-Checksum must be '<algorithm> <base64 digest>'.");
        }

        // SHA-1 (what tus clients send) and MD5 (what storage checks itself) only check that a chunk arrived intact;
        // evidence is identified by SHA-256 only.
        var (algorithm, length) = parts[0].ToLowerInvariant() switch
        {
            "sha1" => (HashAlgorithmName.SHA1, 20),
            "sha256" => (HashAlgorithmName.SHA256, 32),
            "md5" => (HashAlgorithmName.MD5, 16),
            _ => throw new VaultProblemException(ProblemType.ChecksumAlgorithmUnsupported, $"Upload-Checksum algorithm '{parts[0]}' is not supported; use one of {ChecksumAlgorithms}."),
        };
        var digest = new byte[length];
        return Convert.TryFromBase64String(parts[1], digest, out var written) && written == length
            ? (algorithm, digest)
            : throw Malformed($"The Upload-Checksum {parts[0]} digest must be {length} bytes of base64.");
    }

    /// <summary>An HTTP date (RFC 9110), as <c>Upload-Expires</c> takes.</summary>
    public static string HttpDate(DateTimeOffset time) => time.ToUniversalTime().ToString("r", CultureInfo.InvariantCulture);

    private static string DecodeValue(string key, string base64)
    {
        try
        {
            return StrictUtf8.GetString(Convert.FromBase64String(base64));
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            throw Malformed($"Upload-Metadata value of '{key}' must be base64 of UTF-8 text.");
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static VaultProblemException Malformed(string detail) => new(ProblemType.MalformedHeader, detail);
}
