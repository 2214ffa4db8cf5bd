using System.IO.Compression;
using System.Text;

namespace EvidenceVault.Testing;

/// <summary>
/// Page snapshots packaged the way other tools write them, built from the real WARC fixture: a WACZ (Webrecorder's
/// ZIP package, which the fixtures do not carry) and gzip-compressed WARCs, whole-file or one member per record.
/// </summary>
public static class SamplePackages
{
    /// <summary>The WARC fixture's page address and capture time (its first <c>response</c> record).</summary>
    public const string WarcTargetUri = "https://refund-center.example/order/114-3941689-8772232/refund";

    /// <summary>The WARC fixture's <c>WARC-Date</c> of that record.</summary>
    public static readonly DateTimeOffset WarcDate = new(2026, 11, 23, 22, 40, 0, TimeSpan.Zero);

    /// <summary>
    /// A WACZ with <c>datapackage.json</c> (as given, or none when null), <c>pages/pages.jsonl</c> (as given, or none)
    /// and the WARC fixture as <c>archive/data.warc</c>, written to <paramref name="path"/>.
    /// </summary>
    public static string Wacz(string path, string? datapackage, string? pagesJsonl = null)
    {
        using (var archive = new ZipArchive(File.Create(path), ZipArchiveMode.Create))
        {
            if (datapackage is not null)
            {
                Write(archive, "datapackage.json", datapackage);
            }

            using (var warc = archive.CreateEntry("archive/data.warc").Open())
            using (var sample = File.OpenRead(SampleEvidence.PathOf("page-snapshot-refund.warc")))
            {
                sample.CopyTo(warc);
            }

            if (pagesJsonl is not null)
            {
                Write(archive, "pages/pages.jsonl", pagesJsonl);
            }
        }

        return path;
    }

    /// <summary>The WARC fixture gzip-compressed, as one member or one member per record (as warcio writes <c>.warc.gz</c>).</summary>
    public static string GzippedWarc(string path, bool memberPerRecord)
    {
        var warc = File.ReadAllText(SampleEvidence.PathOf("page-snapshot-refund.warc"));
        string[] records = memberPerRecord
            ? [.. warc.Split("WARC/1.1\r\n", StringSplitOptions.RemoveEmptyEntries).Select(r => "WARC/1.1\r\n" + r)]
            : [warc];
        using var file = File.Create(path);
        foreach (var record in records)
        {
            using var gzip = new GZipStream(file, CompressionLevel.Optimal, leaveOpen: true);
            gzip.Write(Encoding.UTF8.GetBytes(record));
        }

        return path;
    }

    /// <summary>
    /// The saved page fixture as Safari saves a page (<c>.webarchive</c>): a binary property list, written by Python's
    /// own <c>plistlib</c>, whose <c>WebMainResource</c> holds the page's HTML, its MIME type, encoding and
    /// <c>WebResourceURL</c> <paramref name="url"/> (written as UTF-16 when it is not ASCII, as plistlib and Apple's
    /// writer do), and whose <c>WebSubresources</c> hold the screenshot fixture as an image it showed.
    /// </summary>
    public static async Task<string> WebArchiveAsync(string path, string url = WarcTargetUri)
    {
        const string Script = """
            import plistlib, sys
            html, image, url, out = sys.argv[1:5]
            main = {"WebResourceData": open(html, "rb").read(), "WebResourceFrameName": "", "WebResourceMIMEType": "text/html",
                    "WebResourceTextEncodingName": "UTF-8", "WebResourceURL": url}
            image = {"WebResourceData": open(image, "rb").read(), "WebResourceMIMEType": "image/png",
                     "WebResourceURL": url.rsplit("/", 1)[0] + "/logo.png"}
            with open(out, "wb") as f:
                plistlib.dump({"WebMainResource": main, "WebSubresources": [image]}, f, fmt=plistlib.FMT_BINARY, sort_keys=False)
            """;
        var written = await ExternalTool.RunAsync("python3", Path.GetDirectoryName(Path.GetFullPath(path))!, "-c", Script,
            SampleEvidence.PathOf("page-snapshot-refund.html"), SampleEvidence.PathOf("screenshot-refund-page.png"), url, path);
        return written.ExitCode == 0 ? path : throw new InvalidOperationException(written.Output);
    }

    private static void Write(ZipArchive archive, string name, string text)
    {
        using var writer = new StreamWriter(archive.CreateEntry(name).Open(), new UTF8Encoding(false));
        writer.Write(text);
    }
}
