using EvidenceVault.Testing;

namespace EvidenceVault.Api.Tests.Ingest;

/// <summary>The tools a court expert reads a file's own statements with — ffprobe (FFmpeg) and ExifTool — and the guide's commands for them.</summary>
internal static class ExpertTools
{
    public static Task EnsureAsync() =>
        DebianPackages.EnsureAsync(["ffmpeg", "libimage-exiftool-perl"], "The checks with a court expert's tools", () => Task.FromResult(DebianPackages.HasCommand("ffprobe") && DebianPackages.HasCommand("exiftool")));

    /// <summary>Runs the bag's <c>VERIFY.md</c> command that starts with <paramref name="start"/> (the tool and its first options) on <paramref name="file"/> (a path in the bag), as an expert would.</summary>
    public static async Task<string> RunGuideCommandAsync(string bag, string start, string file)
    {
        var guide = await File.ReadAllLinesAsync(Path.Combine(bag, "VERIFY.md"));
        var command = Assert.Single(guide, line => line.StartsWith(start + " ", StringComparison.Ordinal));
        var placeholder = command[command.IndexOf("data/evidence/<item>", StringComparison.Ordinal)..].Split(' ')[0];
        var run = await ExternalTool.RunAsync("bash", bag, "-c", command.Replace(placeholder, file, StringComparison.Ordinal));
        Assert.True(run.ExitCode == 0, run.Output);
        return run.Output;
    }
}
