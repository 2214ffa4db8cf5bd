using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml;

namespace EvidenceVault.Evidence;

/// <summary>
/// Reads what an office document or a PDF says about its making (<see cref="DocumentInfo"/>). From an office package:
/// for Office Open XML the core and extended properties parts its package relationships name (<c>docProps/core.xml</c>
/// and <c>docProps/app.xml</c> in every writer seen), for OpenDocument <c>meta.xml</c>; the ZIP's directory sits at
/// its end, so the file is read by position, and reads are bounded (a directory of at most 1 MiB, each part at most
/// 1 MiB, no DTDs, no external entities). From a PDF, its document information (<see cref="PdfInfoReader"/>). Names
/// and programs are kept up to 128 characters without control characters, times only when ISO 8601; a file without
/// these statements, or with malformed ones, gives null, as does one that states nothing.
/// </summary>
public static class DocumentInfoReader
{
    private const int MaxPartBytes = 1024 * 1024;
    private const int MaxTextLength = 128;
    private const int MaxTimeLength = 40;

    private const string PackageRelationships = "http://schemas.openxmlformats.org/package/2006/relationships";
    private const string CorePropertiesType = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties";
    private const string ExtendedPropertiesType = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties";
    private const string CoreProperties = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties";
    private const string ExtendedProperties = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties";
    private const string DublinCore = "http://purl.org/dc/elements/1.1/";
    private const string DublinCoreTerms = "http://purl.org/dc/terms/";
    private const string OpenDocumentMeta = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0";
    private const string OpenDocumentContentTypes = "application/vnd.oasis.opendocument.";

    /// <summary>The statement of <paramref name="content"/>, a file of <paramref name="format"/>; null for other formats or none stated.</summary>
    /// <param name="content">The file, seekable, from its first byte.</param>
    /// <param name="format">The recognised format.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    public static async Task<DocumentInfo?> ReadAsync(Stream content, EvidenceFormat format, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(format);
        try
        {
            var written = format.MediaClass switch
            {
                MediaClass.Office when CompoundFiles.All.Contains(format) => await CompoundFileInfoReader.ReadAsync(content, cancellationToken),
                MediaClass.Office when format.ContentType == EvidenceFormatDetector.RtfContentType => await RtfInfoReader.ReadAsync(content, cancellationToken),
                MediaClass.Office => await ReadPackageAsync(content, format, cancellationToken),
                MediaClass.Pdf => await PdfInfoReader.ReadAsync(content, cancellationToken),
                _ => null,
            };
            var info = written is null ? null : written with
            {
                Author = Text(written.Author),
                LastModifiedBy = Text(written.LastModifiedBy),
                CreatedAt = Time(written.CreatedAt),
                ModifiedAt = Time(written.ModifiedAt),
                Application = Text(written.Application),
                Company = Text(written.Company),
            };
            return StatesSomething(info) ? info : null;
        }
        catch (Exception e) when (e is InvalidDataException or XmlException or EndOfStreamException or FormatException or OverflowException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static async Task<DocumentInfo?> ReadPackageAsync(Stream content, EvidenceFormat format, CancellationToken cancellationToken)
    {
        await using var package = await ZipPackages.OpenAsync(content, cancellationToken);
        return package is null ? null
            : format.ContentType.StartsWith(OpenDocumentContentTypes, StringComparison.Ordinal) ? await ReadOpenDocumentAsync(package, cancellationToken)
            : await ReadOfficeOpenXmlAsync(package, cancellationToken);
    }

    private static async Task<DocumentInfo> ReadOfficeOpenXmlAsync(ZipArchive package, CancellationToken cancellationToken)
    {
        var targets = new Dictionary<string, string>(StringComparer.Ordinal);
        await ReadPartAsync(
            package,
            "_rels/.rels",
            reader =>
            {
                if (reader is { NamespaceURI: PackageRelationships, LocalName: "Relationship" } && reader.GetAttribute("Type") is { } type && reader.GetAttribute("Target") is { } target)
                {
                    targets.TryAdd(type, target.TrimStart('/'));
                }
            },
            texts: null,
            cancellationToken);

        var core = new Dictionary<(string, string), string>();
        await ReadTextsAsync(package, targets.GetValueOrDefault(CorePropertiesType, "docProps/core.xml"), core, cancellationToken);
        await ReadTextsAsync(package, targets.GetValueOrDefault(ExtendedPropertiesType, "docProps/app.xml"), core, cancellationToken);
        return new DocumentInfo
        {
            Source = DocumentSources.OfficeOpenXml,
            Author = core.GetValueOrDefault((DublinCore, "creator")),
            LastModifiedBy = core.GetValueOrDefault((CoreProperties, "lastModifiedBy")),
            CreatedAt = core.GetValueOrDefault((DublinCoreTerms, "created")),
            ModifiedAt = core.GetValueOrDefault((DublinCoreTerms, "modified")),
            Application = core.GetValueOrDefault((ExtendedProperties, "Application")),
            Company = core.GetValueOrDefault((ExtendedProperties, "Company")),
        };
    }

    private static async Task<DocumentInfo> ReadOpenDocumentAsync(ZipArchive package, CancellationToken cancellationToken)
    {
        var meta = new Dictionary<(string, string), string>();
        await ReadTextsAsync(package, "meta.xml", meta, cancellationToken);
        return new DocumentInfo
        {
            Source = DocumentSources.OpenDocument,
            Author = meta.GetValueOrDefault((OpenDocumentMeta, "initial-creator")),
            LastModifiedBy = meta.GetValueOrDefault((DublinCore, "creator")),
            CreatedAt = meta.GetValueOrDefault((OpenDocumentMeta, "creation-date")),
            ModifiedAt = meta.GetValueOrDefault((DublinCore, "date")),
            Application = meta.GetValueOrDefault((OpenDocumentMeta, "generator")),
        };
    }

    /// <summary>The text of each element of <paramref name="part"/> that holds only text, by namespace and name; the first of each kept.</summary>
    private static Task ReadTextsAsync(ZipArchive package, string part, Dictionary<(string, string), string> texts, CancellationToken cancellationToken) =>
        ReadPartAsync(package, part, onElement: null, texts, cancellationToken);

    /// <summary>
    /// Walks <paramref name="part"/> once, when the package holds it: every element goes to <paramref name="onElement"/>
    /// (its attributes readable), and the text of every element without child elements into <paramref name="texts"/>.
    /// </summary>
    private static async Task ReadPartAsync(
        ZipArchive package, string part, Action<XmlReader>? onElement, Dictionary<(string, string), string>? texts, CancellationToken cancellationToken)
    {
        if (package.GetEntry(part) is not { Length: <= MaxPartBytes } entry)
        {
            return;
        }

        await using var stream = await entry.OpenAsync(cancellationToken);
        var settings = StatementXml(MaxPartBytes);
        settings.Async = true;
        using var reader = XmlReader.Create(stream, settings);
        (string Ns, string Name)? open = null;
        var text = new StringBuilder();
        while (await reader.ReadAsync())
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element:
                    onElement?.Invoke(reader);
                    open = reader.IsEmptyElement ? null : (reader.NamespaceURI, reader.LocalName);
                    text.Clear();
                    break;
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace when open is not null:
                    text.Append(reader.Value);
                    break;
                case XmlNodeType.EndElement:
                    // Only the innermost element is still open here: a parent's end finds none.
                    if (open is { } element && texts is not null)
                    {
                        texts.TryAdd(element, text.ToString());
                    }

                    open = null;
                    break;
            }
        }
    }

    /// <summary>
    /// How a file's XML statement is read: no DTDs, nothing resolved, comments and processing instructions passed over,
    /// at most <paramref name="maxCharacters"/> characters.
    /// </summary>
    internal static XmlReaderSettings StatementXml(long maxCharacters) => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = maxCharacters,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
    };

    /// <summary>Whether <paramref name="info"/> states any of what a document may say of its making.</summary>
    internal static bool StatesSomething([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] DocumentInfo? info) =>
        info is not null and not { Author: null, LastModifiedBy: null, CreatedAt: null, ModifiedAt: null, Application: null, Company: null };

    private static string? Text(string? value) => StatementText.Plain(value, MaxTextLength);

    /// <summary>A time exactly as written, when it is an ISO 8601 date and time (with or without a zone).</summary>
    private static string? Time(string? value)
    {
        var text = value?.Trim();
        return text is { Length: > 0 and <= MaxTimeLength } && text.Contains('T', StringComparison.Ordinal) &&
            DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _)
            ? text
            : null;
    }
}
