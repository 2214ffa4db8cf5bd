using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using EvidenceVault.Hashing;
using EvidenceVault.Serialization;

namespace EvidenceVault.WebArchives;

/// <summary>A page of a WACZ (<c>pages/pages.jsonl</c>): where it was, when it was captured and its title, if it has one.</summary>
public sealed record WaczPage(Uri Url, DateTimeOffset CapturedAt, string? Title);

/// <summary>
/// One line of the WACZ's CDXJ index: a response record and where it sits in <c>archive/data.warc.gz</c>. Lines are
/// written as warcio's <c>cdx-index</c> writes them for the same records (the SURT key, a 14-digit timestamp, the
/// payload digest in hex), so a reader of either finds the same records.
/// </summary>
/// <param name="Url">The record's <c>WARC-Target-URI</c>.</param>
/// <param name="CapturedAt">Its <c>WARC-Date</c>.</param>
/// <param name="MediaType">The response's media type, if it gave one.</param>
/// <param name="Status">The HTTP status.</param>
/// <param name="PayloadDigest">SHA-256 of the payload.</param>
/// <param name="Location">The record's gzip member in the WARC.</param>
public sealed record WaczIndexEntry(Uri Url, DateTimeOffset CapturedAt, string? MediaType, int Status, Sha256Digest PayloadDigest, WarcRecordLocation Location);

/// <summary>What <c>datapackage.json</c> says of the whole package.</summary>
/// <param name="Title">A title for people.</param>
/// <param name="Software">What made it.</param>
/// <param name="Created">When it was made.</param>
/// <param name="MainPage">The page it was made for (<c>mainPageUrl</c>, <c>mainPageDate</c>).</param>
public sealed record WaczDescription(string Title, string Software, DateTimeOffset Created, WaczPage MainPage);

/// <summary>
/// Packs a finished <c>.warc.gz</c> as a WACZ 1.1.1 (Web Archive Collection Zipped): <c>archive/data.warc.gz</c>,
/// <c>indexes/index.cdx</c> (CDXJ), <c>pages/pages.jsonl</c>, <c>datapackage.json</c> (each file's SHA-256 and size)
/// and <c>datapackage-digest.json</c> (the SHA-256 of <c>datapackage.json</c>). Entries are stored, not deflated,
/// so replay tools can read records by range, and the archive comes first, which is how the vault recognises a WACZ.
/// </summary>
public static class WaczPackage
{
    /// <summary>The WACZ version written.</summary>
    public const string Version = "1.1.1";

    /// <summary>The archive's path in the package.</summary>
    public const string ArchivePath = "archive/data.warc.gz";

    /// <summary>The media type of a WACZ package.</summary>
    public const string ContentType = "application/wacz";

    /// <summary>Writes the package to <paramref name="output"/>; <paramref name="warc"/> is read once from its current position.</summary>
    public static async Task WriteAsync(
        Stream output, Stream warc, IReadOnlyList<WaczIndexEntry> index, IReadOnlyList<WaczPage> pages, WaczDescription description, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(warc);
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(pages);
        ArgumentNullException.ThrowIfNull(description);
        var resources = new JsonArray();
        await using (var zip = await ZipArchive.CreateAsync(output, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: Encoding.UTF8, cancellationToken))
        {
            HashedLength archive;
            await using (var entry = await zip.CreateEntry(ArchivePath, CompressionLevel.NoCompression).OpenAsync(cancellationToken))
            {
                archive = await EvidenceHasher.CopyAndHashAsync(warc, entry, cancellationToken);
            }

            resources.Add(Resource(ArchivePath, archive));
            resources.Add(Resource("indexes/index.cdx", await AddTextAsync(zip, "indexes/index.cdx", Cdxj(index), cancellationToken)));
            resources.Add(Resource("pages/pages.jsonl", await AddTextAsync(zip, "pages/pages.jsonl", PagesJsonl(pages), cancellationToken)));
            var package = new JsonObject
            {
                ["profile"] = "data-package",
                ["wacz_version"] = Version,
                ["title"] = description.Title,
                ["software"] = description.Software,
                ["created"] = VaultJson.FormatUtc(description.Created),
                ["mainPageUrl"] = WarcWriter.TargetUri(description.MainPage.Url),
                ["mainPageDate"] = VaultJson.FormatUtc(description.MainPage.CapturedAt),
                ["resources"] = resources,
            };
            var packageFile = await AddTextAsync(zip, "datapackage.json", package.ToJsonString(VaultJson.Indented), cancellationToken);
            var digest = new JsonObject { ["path"] = "datapackage.json", ["hash"] = "sha256:" + packageFile.Digest.Hex };
            await AddTextAsync(zip, "datapackage-digest.json", digest.ToJsonString(VaultJson.Indented), cancellationToken);
        }
    }

    /// <summary>
    /// The SURT form of a URL that CDXJ indexes sort by: host labels reversed and comma-joined (without <c>www.</c>),
    /// a port only when it is not the scheme's default, then <c>)</c> and the path and query, all lower case.
    /// </summary>
    public static string SurtOf(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var labels = url.IdnHost.ToLowerInvariant().Split('.');
        var host = string.Join(',', labels.Reverse().Where((label, i) => !(i == labels.Length - 1 && label == "www" && labels.Length > 2)));
        var port = url.IsDefaultPort ? string.Empty : ":" + url.Port.ToString(CultureInfo.InvariantCulture);
        return host + port + ")" + url.PathAndQuery.ToLowerInvariant();
    }

    private static JsonObject Resource(string path, HashedLength file) => new()
    {
        ["name"] = Path.GetFileName(path),
        ["path"] = path,
        ["hash"] = "sha256:" + file.Digest.Hex,
        ["bytes"] = file.Length,
    };

    private static string Cdxj(IReadOnlyList<WaczIndexEntry> index)
    {
        var lines = index.Select(entry =>
        {
            var fields = new JsonObject
            {
                ["url"] = WarcWriter.TargetUri(entry.Url),
                ["mime"] = entry.MediaType,
                ["status"] = entry.Status.ToString(CultureInfo.InvariantCulture),
                ["digest"] = entry.PayloadDigest.Hex,
                ["length"] = entry.Location.Length.ToString(CultureInfo.InvariantCulture),
                ["offset"] = entry.Location.Offset.ToString(CultureInfo.InvariantCulture),
                ["filename"] = Path.GetFileName(ArchivePath),
            };
            if (entry.MediaType is null)
            {
                fields.Remove("mime"); // as warcio leaves it out for a response without Content-Type
            }

            var timestamp = entry.CapturedAt.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
            return SurtOf(entry.Url) + " " + timestamp + " " + fields.ToJsonString(VaultJson.Compact);
        });
        return string.Concat(lines.Order(StringComparer.Ordinal).Select(line => line + "\n"));
    }

    private static string PagesJsonl(IReadOnlyList<WaczPage> pages)
    {
        var text = new StringBuilder(new JsonObject { ["format"] = "json-pages-1.0", ["id"] = "pages", ["title"] = "All Pages" }.ToJsonString(VaultJson.Compact)).Append('\n');
        foreach (var page in pages)
        {
            var line = new JsonObject { ["id"] = Guid.NewGuid().ToString("N"), ["url"] = WarcWriter.TargetUri(page.Url), ["ts"] = VaultJson.FormatUtc(page.CapturedAt) };
            if (!string.IsNullOrWhiteSpace(page.Title))
            {
                line["title"] = page.Title;
            }

            text.Append(line.ToJsonString(VaultJson.Compact)).Append('\n');
        }

        return text.ToString();
    }

    private static async Task<HashedLength> AddTextAsync(ZipArchive zip, string path, string text, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(Encoding.UTF8.GetBytes(text), writable: false);
        await using var entry = await zip.CreateEntry(path, CompressionLevel.NoCompression).OpenAsync(cancellationToken);
        return await EvidenceHasher.CopyAndHashAsync(content, entry, cancellationToken);
    }
}
