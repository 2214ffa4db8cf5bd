using System.Security.Cryptography;

namespace EvidenceVault.Testing;

/// <summary>
/// A long screen recording on disk: the real MP4 fixture's bytes followed by random data up to the size asked
/// for (a recording the encoder never finished is still evidence). Written in pieces, deleted on dispose.
/// </summary>
public sealed class LargeRecording : IDisposable
{
    private readonly string _folder;

    private LargeRecording(string folder, string path, long length)
    {
        _folder = folder;
        Path = path;
        Length = length;
    }

    public string Path { get; }

    public long Length { get; }

    public static async Task<LargeRecording> CreateAsync(long length)
    {
        var folder = Directory.CreateTempSubdirectory("ev-recording-").FullName;
        var path = System.IO.Path.Combine(folder, "screen-recording-long.mp4");
        await using (var file = File.Create(path))
        {
            await using (var head = File.OpenRead(SampleEvidence.PathOf("screen-recording.mp4")))
            {
                await head.CopyToAsync(file);
            }

            var buffer = new byte[1024 * 1024];
            while (file.Length < length)
            {
                RandomNumberGenerator.Fill(buffer);
                await file.WriteAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length - file.Length)));
            }
        }

        return new LargeRecording(folder, path, length);
    }

    /// <summary>The file's SHA-256 as the standard tool prints it.</summary>
    public static async Task<string> Sha256SumAsync(string path)
    {
        var result = await ExternalTool.RunAsync("sha256sum", System.IO.Path.GetDirectoryName(path)!, path);
        return result.ExitCode == 0 ? result.Output.Split(' ')[0] : throw new InvalidOperationException(result.Output);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
