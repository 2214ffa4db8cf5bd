using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace EvidenceVault.WebArchives;

/// <summary>Where a record sits in a <c>.warc.gz</c> file: the offset of its gzip member and the member's length.</summary>
/// <param name="Offset">Bytes before the record's gzip member.</param>
/// <param name="Length">The compressed length of the member.</param>
public readonly record struct WarcRecordLocation(long Offset, long Length);

/// <summary>
/// Writes WARC 1.1 records (ISO 28500:2017), each compressed as its own gzip member so a reader can start at any
/// record, to a file. The writer adds <c>Content-Type</c>, <c>Content-Length</c>, <c>WARC-Block-Digest</c> and, for HTTP
/// messages, <c>WARC-Payload-Digest</c> (SHA-256, lowercase hex, as in the bundle's manifests).
/// </summary>
/// <param name="output">The <c>.warc.gz</c> file, written from its start; seekable, so each record's offset is known.</param>
public sealed class WarcWriter(FileStream output)
{
    private static readonly byte[] RecordEnd = "\r\n\r\n"u8.ToArray();

    /// <summary>WARC's date form: UTC, to the second.</summary>
    public static string FormatDate(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// A URL as WARC records and indexes name it: ASCII only (an international host in its punycode form, the path
    /// and query percent-encoded), without a fragment, which is never sent to a server.
    /// </summary>
    public static string TargetUri(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return new UriBuilder(url) { Host = url.IdnHost, Fragment = string.Empty }.Uri.AbsoluteUri;
    }

    /// <summary>A new record id: a random UUID URN in angle brackets.</summary>
    public static string NewRecordId() => "<urn:uuid:" + Guid.NewGuid().ToString("D") + ">";

    /// <summary>
    /// Writes one record: <paramref name="fields"/> (<c>WARC-Type</c>, <c>WARC-Record-ID</c>, <c>WARC-Date</c> first,
    /// then any others, in order), then the block. Field values are single lines.
    /// </summary>
    public async Task<WarcRecordLocation> WriteAsync(
        IReadOnlyList<KeyValuePair<string, string>> fields, string contentType, WarcBlock block, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(block);
        var header = new StringBuilder("WARC/1.1\r\n");
        foreach (var (name, value) in fields)
        {
            AppendField(header, name, value);
        }

        AppendField(header, "Content-Type", contentType);
        AppendField(header, "Content-Length", block.Length.ToString(CultureInfo.InvariantCulture));
        AppendField(header, "WARC-Block-Digest", "sha256:" + block.BlockDigest.Hex);
        if (block.PayloadDigest is { } payload)
        {
            AppendField(header, "WARC-Payload-Digest", "sha256:" + payload.Hex);
        }

        header.Append("\r\n");
        var offset = output.Position;
        await using (var member = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            await member.WriteAsync(Encoding.UTF8.GetBytes(header.ToString()), cancellationToken);
            await block.CopyToAsync(member, cancellationToken);
            await member.WriteAsync(RecordEnd, cancellationToken);
        }

        return new WarcRecordLocation(offset, output.Position - offset);
    }

    private static void AppendField(StringBuilder header, string name, string value)
    {
        if (name.Length == 0 || name.Any(c => c is ':' or '\r' or '\n' || char.IsWhiteSpace(c)) || value.Any(c => c is '\r' or '\n'))
        {
            throw new ArgumentException($"A WARC field is one line: '{name}'.", nameof(name));
        }

        header.Append(name).Append(": ").Append(value).Append("\r\n");
    }
}
