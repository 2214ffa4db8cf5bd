namespace EvidenceVault.Evidence;

/// <summary>Broad media class of a format; decides which evidence kinds it may be filed as.</summary>
public enum MediaClass
{
    /// <summary>A still image.</summary>
    Image,

    /// <summary>Audio only.</summary>
    Audio,

    /// <summary>A video container (which may also carry audio only, as MediaRecorder's WebM does).</summary>
    Video,

    /// <summary>A saved web page (HTML, MHTML, WARC, WACZ).</summary>
    Page,

    /// <summary>A PDF.</summary>
    Pdf,

    /// <summary>A plain archive.</summary>
    Archive,

    /// <summary>A saved e-mail (<c>.eml</c>, or Outlook's <c>.msg</c>).</summary>
    Message,

    /// <summary>A word-processor document, spreadsheet or presentation (Office Open XML, OpenDocument, or Office 97–2003's binary formats).</summary>
    Office,

    /// <summary>A chat exported as text by the messaging app (WhatsApp's "Export chat").</summary>
    Chat,
}

/// <summary>A file format recognised from its first bytes.</summary>
/// <param name="ContentType">The media type the vault records and serves.</param>
/// <param name="Extension">File extension used in bundles, with the dot.</param>
/// <param name="MediaClass">Broad class, for checking the declared kind.</param>
/// <param name="DefaultKind">The kind recorded when the client names none.</param>
public sealed record EvidenceFormat(string ContentType, string Extension, MediaClass MediaClass, EvidenceKind DefaultKind)
{
    /// <summary>Whether evidence of this format may be filed as <paramref name="kind"/>.</summary>
    public bool Allows(EvidenceKind kind) => kind switch
    {
        EvidenceKind.Document => true,
        EvidenceKind.Screenshot => MediaClass == MediaClass.Image,
        EvidenceKind.Audio => MediaClass is MediaClass.Audio or MediaClass.Video,
        EvidenceKind.Video or EvidenceKind.ScreenRecording => MediaClass == MediaClass.Video,
        EvidenceKind.PageSnapshot => MediaClass is MediaClass.Page or MediaClass.Pdf or MediaClass.Image,
        _ => false,
    };
}
