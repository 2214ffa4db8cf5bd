namespace EvidenceVault.Evidence;

/// <summary>What a piece of evidence is, in the victim's words.</summary>
public enum EvidenceKind
{
    /// <summary>A screenshot or photo.</summary>
    Screenshot,

    /// <summary>An audio recording, typically of the scam call.</summary>
    Audio,

    /// <summary>A video.</summary>
    Video,

    /// <summary>A recording of the phone's screen.</summary>
    ScreenRecording,

    /// <summary>A saved web page: MHTML, HTML, WARC/WACZ, PDF or an image of it.</summary>
    PageSnapshot,

    /// <summary>Any other accepted file (a PDF statement, an archive).</summary>
    Document,
}

/// <summary>The wire names of <see cref="EvidenceKind"/> (<c>screen-recording</c>, <c>page-snapshot</c>, …).</summary>
public static class EvidenceKinds
{
    private static readonly Dictionary<string, EvidenceKind> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["screenshot"] = EvidenceKind.Screenshot,
        ["audio"] = EvidenceKind.Audio,
        ["video"] = EvidenceKind.Video,
        ["screen-recording"] = EvidenceKind.ScreenRecording,
        ["page-snapshot"] = EvidenceKind.PageSnapshot,
        ["document"] = EvidenceKind.Document,
    };

    /// <summary>Every wire name, in declaration order.</summary>
    public static IReadOnlyCollection<string> Names => ByName.Keys;

    /// <summary>The wire name of a kind.</summary>
    public static string ToWireName(this EvidenceKind kind) => kind switch
    {
        EvidenceKind.Screenshot => "screenshot",
        EvidenceKind.Audio => "audio",
        EvidenceKind.Video => "video",
        EvidenceKind.ScreenRecording => "screen-recording",
        EvidenceKind.PageSnapshot => "page-snapshot",
        EvidenceKind.Document => "document",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Parses a wire name (case-insensitive).</summary>
    public static bool TryParse(string? name, out EvidenceKind kind)
    {
        kind = default;
        return name is not null && ByName.TryGetValue(name.Trim(), out kind);
    }
}
