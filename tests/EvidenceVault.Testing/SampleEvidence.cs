namespace EvidenceVault.Testing;

/// <summary>The real sample evidence in tests/fixtures (made by real encoders and a real browser; see its README).</summary>
public static class SampleEvidence
{
    private static readonly Lazy<string> Folder = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "fixtures");
            if (File.Exists(Path.Combine(candidate, "SHA256SUMS")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/fixtures was not found above " + AppContext.BaseDirectory);
    });

    /// <summary>The fixtures folder.</summary>
    public static string Directory => Folder.Value;

    /// <summary>The repository root.</summary>
    public static string RepositoryRoot => Path.GetFullPath(Path.Combine(Directory, "..", ".."));

    /// <summary>Full path of a fixture, e.g. <c>screenshot-refund-page.png</c> or <c>bad/empty.bin</c>.</summary>
    public static string PathOf(string name)
    {
        var path = Path.Combine(Directory, name);
        return File.Exists(path) ? path : throw new FileNotFoundException("No such fixture.", path);
    }

    /// <summary>Known SHA-256 answers from SHA256SUMS, by file name.</summary>
    public static IReadOnlyDictionary<string, string> KnownSha256 { get; } = new Lazy<IReadOnlyDictionary<string, string>>(() =>
        File.ReadAllLines(Path.Combine(Directory, "SHA256SUMS"))
            .Where(l => l.Length > 66)
            .ToDictionary(l => l[66..].TrimStart('*', ' '), l => l[..64], StringComparer.Ordinal)).Value;

    /// <summary><see cref="Accepted"/> as xunit theory data.</summary>
    public static TheoryData<string, string, string> AcceptedTheoryData()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (file, contentType, kind) in Accepted)
        {
            data.Add(file, contentType, kind);
        }

        return data;
    }

    /// <summary>Every accepted fixture with the content type and kind the vault must record for it.</summary>
    public static IEnumerable<(string File, string ContentType, string Kind)> Accepted { get; } =
    [
        ("screenshot-refund-page.png", "image/png", "screenshot"),
        ("screenshot-refund-page.jpg", "image/jpeg", "screenshot"),
        ("screenshot-refund-page.webp", "image/webp", "screenshot"),
        ("screenshot-refund-page.heic", "image/heic", "screenshot"),
        ("call-recording.wav", "audio/wav", "audio"),
        ("call-recording.m4a", "audio/mp4", "audio"),
        ("call-recording.mp3", "audio/mpeg", "audio"),
        ("call-recording.ogg", "audio/ogg", "audio"),
        ("screen-recording.mp4", "video/mp4", "video"),
        ("screen-recording.mov", "video/quicktime", "video"),
        ("screen-recording.webm", "video/webm", "video"),
        ("page-snapshot-refund.mhtml", "multipart/related", "page-snapshot"),
        ("page-snapshot-refund.html", "text/html", "page-snapshot"),
        ("page-snapshot-refund.pdf", "application/pdf", "document"),
        ("page-snapshot-refund.warc", "application/warc", "page-snapshot"),
    ];
}
