namespace EvidenceVault.Evidence;

/// <summary>
/// What an office document says about its making, from the properties its office suite writes into it: who wrote it
/// and who last saved it (the names set in that person's office program, which the scammer chose), when, and with which
/// program. Like <see cref="PhotoInfo"/>, a statement of the file that a court expert can read in the file itself
/// (<c>unzip -p</c>), beside the contributor's claim; a writer can set any of it, so it says what the file claims, not
/// who made it.
/// </summary>
public sealed record DocumentInfo
{
    /// <summary>Where it was read (<see cref="DocumentSources"/>).</summary>
    public required string Source { get; init; }

    /// <summary>Who wrote it: Office Open XML's <c>dc:creator</c>, OpenDocument's <c>meta:initial-creator</c>, a 97–2003 file's summary <c>Author</c>.</summary>
    public string? Author { get; init; }

    /// <summary>Who saved it last: Office Open XML's <c>cp:lastModifiedBy</c>, OpenDocument's <c>dc:creator</c>.</summary>
    public string? LastModifiedBy { get; init; }

    /// <summary>
    /// When it was first written, exactly as the file gives it (<c>dcterms:created</c>, <c>meta:creation-date</c>):
    /// Office writes UTC (<c>2026-10-28T01:15:00Z</c>), OpenDocument the writer's clock without a zone.
    /// </summary>
    public string? CreatedAt { get; init; }

    /// <summary>When it was saved last, as the file gives it (<c>dcterms:modified</c>, <c>dc:date</c>).</summary>
    public string? ModifiedAt { get; init; }

    /// <summary>The program that wrote it, as it names itself (<c>Application</c>, <c>meta:generator</c>): <c>Microsoft Office Word</c>, <c>WPS Office</c>.</summary>
    public string? Application { get; init; }

    /// <summary>
    /// The organisation the document names as its own (Office Open XML's <c>Company</c>, a 97–2003 file's document
    /// summary <c>Company</c>, RTF's <c>\*\company</c>, a PDF's <c>/Company</c> as Acrobat's PDFMaker copies it): Office fills it in from the organisation Windows or Office was
    /// registered to, so a fake contract may carry the name of the organisation whose computer wrote it.
    /// </summary>
    public string? Company { get; init; }
}

/// <summary>Where a <see cref="DocumentInfo"/> was read.</summary>
public static class DocumentSources
{
    /// <summary>Office Open XML's core and extended properties (<c>docProps/core.xml</c>, <c>docProps/app.xml</c>).</summary>
    public const string OfficeOpenXml = "ooxml";

    /// <summary>OpenDocument's <c>meta.xml</c>.</summary>
    public const string OpenDocument = "odf";

    /// <summary>A PDF's document information dictionary (<c>/Info</c>).</summary>
    public const string Pdf = "pdf";

    /// <summary>The summary information of a Word, Excel or PowerPoint 97–2003 compound file (<c>\x05SummaryInformation</c>).</summary>
    public const string CompoundFile = "cfb";

    /// <summary>A PDF's XMP metadata stream (<c>/Metadata</c> of its catalog), read when its document information states nothing.</summary>
    public const string Xmp = "xmp";

    /// <summary>A Rich Text Format document's <c>\info</c> group and <c>\*\generator</c>.</summary>
    public const string Rtf = "rtf";
}
