using EvidenceVault.Testing;

namespace EvidenceVault.Api.Tests.Ingest;

/// <summary>The tools a court expert reads a file's own statements with — ffprobe (FFmpeg) and ExifTool — and the guide's commands for them.</summary>
internal static class ExpertTools
{
    public static Task EnsureAsync() =>
        DebianPackages.EnsureAsync(["ffmpeg", "libimage-exiftool-perl"], "The checks with a court expert's tools", () => Task.FromResult(DebianPackages.HasCommand("ffprobe") && DebianPackages.HasCommand("exiftool")));

    /// <summary>
    /// Runs the bag's <c>VERIFY.md</c> command that starts with <paramref name="start"/> (the tool and its first options)
    /// on <paramref name="file"/> (a path in the bag), as an expert would: its other <paramref name="placeholders"/>
    /// (<c>'&lt;key&gt;'</c>) filled in, and <paramref name="path"/>, when given, searched first for its tools.
    /// </summary>
    public static async Task<string> RunGuideCommandAsync(string bag, string start, string file, IReadOnlyDictionary<string, string>? placeholders = null, string? path = null)
    {
        var guide = await File.ReadAllLinesAsync(Path.Combine(bag, "VERIFY.md"));
        var command = Assert.Single(guide, line => line.StartsWith(start + " ", StringComparison.Ordinal));
        var placeholder = command[command.IndexOf("data/evidence/<item>", StringComparison.Ordinal)..].Split(' ')[0];
        command = command.Replace(placeholder, file, StringComparison.Ordinal);
        foreach (var (name, value) in placeholders ?? new Dictionary<string, string>())
        {
            Assert.Contains(name, command, StringComparison.Ordinal);
            command = command.Replace(name, value, StringComparison.Ordinal);
        }

        var environment = path is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["PATH"] = path + ":" + Environment.GetEnvironmentVariable("PATH") };
        var run = await ExternalTool.RunAsync("bash", bag, environment, "-c", command);
        Assert.True(run.ExitCode == 0, run.Output);
        return run.Output;
    }

    /// <summary>The <c>Tag Name : value</c> lines ExifTool prints, in order, each split at its first colon and trimmed.</summary>
    public static IReadOnlyList<(string Tag, string Value)> ExifToolFields(string output) =>
        [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(':', 2)).Select(pair => (pair[0].Trim(), pair[1].Trim()))];

    /// <summary>An EXIF-style time as ExifTool prints it (<c>2026:10:28 09:15:00</c>, maybe with a zone) in ISO 8601 form (<c>2026-10-28T09:15:00</c>).</summary>
    public static string IsoTime(string exif) => $"{exif[..4]}-{exif[5..7]}-{exif[8..10]}T{exif[11..]}";
}
