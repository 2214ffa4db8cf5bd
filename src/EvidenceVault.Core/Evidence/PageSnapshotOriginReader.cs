using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace EvidenceVault.Evidence;

/// <summary>
/// Reads what a saved page says about where and when it was captured (<see cref="PageSnapshotOrigin"/>): the
/// MHTML header block of a browser's "save as single file" (<c>Snapshot-Content-Location</c>, <c>Date</c>), the first
/// captured record of a WARC, plain or gzip-compressed (<c>WARC-Target-URI</c>, <c>WARC-Date</c>), a WACZ
/// package's <c>datapackage.json</c> (<c>mainPageUrl</c>, <c>mainPageDate</c>), else its first page in
/// <c>pages/pages.jsonl</c>, or a Safari web archive's main resource (<c>WebResourceURL</c>). Reads are bounded and
/// stop at the first answer; a file whose self-description is missing or malformed gives null — the evidence stands
/// without it.
/// </summary>
public static class PageSnapshotOriginReader
{
    /// <summary>Longest address kept; a longer one is left out rather than cut.</summary>
    public const int MaxUrlLength = 2048;

    // Bounds: the MHTML header block, one WARC record's header, how far into a WARC to look, JSON in a WACZ.
    private const int MaxHeaderBytes = HeaderBlockReader.MaxHeaderBytes;
    private const long MaxWarcScanBytes = 16L * 1024 * 1024;
    private const int MaxWarcRecords = 64;
    private const int MaxJsonBytes = 1024 * 1024;
    private const int MaxPageLines = 1000;

    /// <summary>The origin stated by <paramref name="content"/>, a file of <paramref name="format"/>; null for other formats or none stated.</summary>
    /// <param name="content">The file from its first byte; for a WACZ or a web archive, seekable (a ZIP's directory and a property list's trailer are at their ends).</param>
    /// <param name="format">The recognised format.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    public static async Task<PageSnapshotOrigin?> ReadAsync(Stream content, EvidenceFormat format, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(format);
        try
        {
            switch (format.ContentType)
            {
                case "multipart/related":
                    return await ReadMhtmlAsync(content, cancellationToken);
                case "application/warc":
                    return await ReadWarcAsync(content, cancellationToken);
                case "application/gzip":
                    // GZipStream reads every member of a per-record compressed WARC in turn.
                    await using (var gzip = new GZipStream(content, CompressionMode.Decompress, leaveOpen: true))
                    {
                        return await ReadWarcAsync(gzip, cancellationToken);
                    }

                case "application/wacz":
                    return await ReadWaczAsync(content, cancellationToken);
                case "application/x-webarchive":
                    return await ReadWebArchiveAsync(content, cancellationToken);
                default:
                    return null;
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or JsonException or System.Text.RegularExpressions.RegexMatchTimeoutException)
        {
            return null;
        }
    }

    /// <summary>A Safari web archive: a binary property list whose <c>WebMainResource</c> holds the page and its <c>WebResourceURL</c>.</summary>
    private static async Task<PageSnapshotOrigin?> ReadWebArchiveAsync(Stream content, CancellationToken cancellationToken)
    {
        var plist = await BinaryPropertyList.OpenAsync(new PositionedReads(content), cancellationToken);
        var top = await plist.DictionaryAsync(plist.Top, cancellationToken);
        if (!top.TryGetValue("WebMainResource", out var main) || !(await plist.DictionaryAsync(main, cancellationToken)).TryGetValue("WebResourceURL", out var url))
        {
            return null;
        }

        return Origin(PageSnapshotSources.WebArchive, await plist.StringAsync(url, MaxUrlLength, cancellationToken), capturedAt: null);
    }

    private static async Task<PageSnapshotOrigin?> ReadMhtmlAsync(Stream content, CancellationToken cancellationToken)
    {
        var reader = new HeaderBlockReader(content, MaxHeaderBytes);
        var headers = await reader.ReadHeaderBlockAsync(cancellationToken);
        return Origin(PageSnapshotSources.Mhtml, Header(headers, "Snapshot-Content-Location"), MailDates.Parse(Header(headers, "Date")));
    }

    private static async Task<PageSnapshotOrigin?> ReadWarcAsync(Stream content, CancellationToken cancellationToken)
    {
        var reader = new HeaderBlockReader(content, MaxWarcScanBytes);
        for (var record = 0; record < MaxWarcRecords; record++)
        {
            if (await reader.ReadWarcHeaderAsync(cancellationToken) is not { } headers)
            {
                return null;
            }

            var type = Header(headers, "WARC-Type");
            if (type is "response" or "resource" or "request" && Header(headers, "WARC-Target-URI") is { } target)
            {
                return Origin(PageSnapshotSources.Warc, target, ParseIsoDate(Header(headers, "WARC-Date")));
            }

            if (!long.TryParse(Header(headers, "Content-Length"), NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            {
                return null;
            }

            await reader.SkipAsync(length, cancellationToken);
        }

        return null;
    }

    private static async Task<PageSnapshotOrigin?> ReadWaczAsync(Stream content, CancellationToken cancellationToken)
    {
        await using var zip = await ZipPackages.OpenAsync(content, cancellationToken);
        if (zip is null)
        {
            return null;
        }

        string? url = null;
        DateTimeOffset? capturedAt = null;
        if (zip.GetEntry("datapackage.json") is { } package && package.Length <= MaxJsonBytes)
        {
            await using var stream = await package.OpenAsync(cancellationToken);
            using var json = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
            if (json.RootElement.ValueKind == JsonValueKind.Object)
            {
                url = StringProperty(json.RootElement, "mainPageUrl");
                capturedAt = ParseIsoDate(StringProperty(json.RootElement, "mainPageDate"));
            }
        }

        if (url is null && zip.GetEntry("pages/pages.jsonl") is { } pages)
        {
            await using var stream = await pages.OpenAsync(cancellationToken);
            using var lines = new StreamReader(stream, Encoding.UTF8);
            for (var n = 0; n < MaxPageLines && await lines.ReadLineAsync(cancellationToken) is { } line; n++)
            {
                if (line.Length > MaxHeaderBytes || line.Length == 0)
                {
                    continue;
                }

                using var page = JsonDocument.Parse(line);
                // The first line is the list's own header ({"format": "json-pages-1.0", ...}); pages carry url and ts.
                if (page.RootElement.ValueKind == JsonValueKind.Object && StringProperty(page.RootElement, "url") is { } pageUrl)
                {
                    url = pageUrl;
                    capturedAt = ParseIsoDate(StringProperty(page.RootElement, "ts"));
                    break;
                }
            }
        }

        return Origin(PageSnapshotSources.Wacz, url, capturedAt);
    }

    private static PageSnapshotOrigin? Origin(string source, string? url, DateTimeOffset? capturedAt)
    {
        var address = CleanUrl(url);
        return address is null && capturedAt is null ? null : new PageSnapshotOrigin { Source = source, Url = address, CapturedAt = capturedAt };
    }

    /// <summary>The address without control characters, if it is an absolute URI of bounded length.</summary>
    private static string? CleanUrl(string? url)
    {
        if (url is null)
        {
            return null;
        }

        var clean = new string(url.Where(c => !char.IsControl(c)).ToArray()).Trim();
        return clean.Length is > 0 and <= MaxUrlLength && Uri.TryCreate(clean, UriKind.Absolute, out _) ? clean : null;
    }

    private static string? Header(Dictionary<string, string> headers, string name) => headers.GetValueOrDefault(name);

    private static string? StringProperty(JsonElement element, string name)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (property.Name.Equals(name, StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.String)
            {
                return property.Value.GetString();
            }
        }

        return null;
    }

    /// <summary>An ISO 8601 / RFC 3339 date (<c>2026-11-23T22:40:00Z</c>); WARC allows seconds, minutes or days of precision.</summary>
    private static DateTimeOffset? ParseIsoDate(string? value) =>
        value is not null && DateTimeOffset.TryParse(value.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) ? MailDates.Plausible(date) : null;
}
