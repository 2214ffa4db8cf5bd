using System.Buffers.Binary;

namespace EvidenceVault.Testing;

/// <summary>Recordings built from the shared samples, for statements the samples do not make themselves.</summary>
public static class SampleRecordings
{
    /// <summary>Length of the shared screen recording in its MP4 and QuickTime files, in seconds.</summary>
    public const double ScreenSeconds = 8.064;

    /// <summary>Length of the shared call recording (its WAV: 361,056 bytes of 16-bit 8 kHz mono), in seconds.</summary>
    public const double CallSeconds = 22.566;

    /// <summary>
    /// The shared call recording as many Android phones record calls, by real encoders: AMR at 12.2 kbit/s (<c>.amr</c>;
    /// opencore-amrnb, the encoder Android ships, through SoX) or AAC in ADTS (<c>.aac</c>; FFmpeg's encoder). Installs
    /// SoX and FFmpeg with apt-get when missing (see <see cref="DebianPackages"/>). Written to <paramref name="folder"/>.
    /// </summary>
    public static async Task<string> AndroidCallAsync(string folder, string extension)
    {
        await DebianPackages.EnsureAsync(["sox", "ffmpeg"], "Encoding the call as Android phones record it", () => Task.FromResult(DebianPackages.HasCommand("sox") && DebianPackages.HasCommand("ffmpeg")));
        var wav = SampleEvidence.PathOf("call-recording.wav");
        var path = System.IO.Path.Combine(folder, "call" + extension);
        var encoded = extension switch
        {
            ".amr" => await ExternalTool.RunAsync("sox", folder, wav, "-C", "7", "-t", "amr-nb", path),
            ".aac" => await ExternalTool.RunAsync("ffmpeg", folder, "-v", "error", "-i", wav, "-c:a", "aac", "-b:a", "32k", "-f", "adts", path),
            _ => throw new ArgumentOutOfRangeException(nameof(extension), extension, "AMR (.amr) or AAC in ADTS (.aac)."),
        };
        return encoded.ExitCode == 0 ? path : throw new InvalidOperationException(encoded.Output);
    }

    /// <summary>
    /// The shared QuickTime screen recording as a phone writes it, with <paramref name="recordedAt"/> in its movie
    /// header (version 0: seconds since 1904-01-01 UTC), where ffmpeg leaves zero. Written to <paramref name="path"/>.
    /// </summary>
    public static string PhoneMovie(string path, DateTimeOffset recordedAt)
    {
        var bytes = File.ReadAllBytes(SampleEvidence.PathOf("screen-recording.mov"));
        var mvhd = bytes.AsSpan().IndexOf("mvhd"u8);
        var seconds = (recordedAt - new DateTimeOffset(1904, 1, 1, 0, 0, 0, TimeSpan.Zero)).TotalSeconds;
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(mvhd + 8), checked((uint)seconds));
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
