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
    /// The shared call recording as WeChat and QQ save a voice message: SILK v3 behind Tencent's 0x02 byte, by the
    /// SILK codec itself (silk-wasm, pinned in <c>tests/clients/silk-node</c>, run by Node), written to
    /// <paramref name="folder"/> as <paramref name="fileName"/> — WeChat names its voice files <c>.amr</c>, whatever they hold.
    /// </summary>
    public static async Task<string> WeChatVoiceAsync(string folder, string fileName = "msg_2d3a1f0e5b7c4a9d.amr")
    {
        var path = System.IO.Path.Combine(folder, fileName);
        var encoded = await ExternalTool.RunAsync("node", SilkCodecFolder, "codec.mjs", "encode", SampleEvidence.PathOf("call-recording.wav"), path);
        return encoded.ExitCode == 0 ? path : throw new InvalidOperationException(encoded.Output);
    }

    /// <summary>How long the SILK codec's decoding of the voice message at <paramref name="path"/> plays, in seconds: the length a listener hears.</summary>
    public static async Task<double> DecodedSilkSecondsAsync(string path)
    {
        var decoded = await ExternalTool.RunAsync("node", SilkCodecFolder, "codec.mjs", "decode", path, "24000");
        return decoded.ExitCode == 0
            ? double.Parse(decoded.Output.Trim(), System.Globalization.CultureInfo.InvariantCulture) / 1000
            : throw new InvalidOperationException(decoded.Output);
    }

    private static string SilkCodecFolder => System.IO.Path.Combine(SampleEvidence.RepositoryRoot, "tests", "clients", "silk-node");

    /// <summary>
    /// The shared QuickTime screen recording as an iPhone writes it: <paramref name="recordedAt"/> in its movie header,
    /// and a QuickTime <c>meta</c> atom (Apple's plain atom: no version and flags) at the end of the movie box whose
    /// <c>keys</c> and <c>ilst</c> name the phone's creation date with its zone (<c>2026-11-20T14:03:17+0800</c>), its
    /// maker and its model. The movie box is the file's last, so no media offset moves. Written to <paramref name="path"/>.
    /// </summary>
    public static string IPhoneMovie(string path, DateTimeOffset recordedAt, string creationDate, string make, string model)
    {
        PhoneMovie(path, recordedAt);
        var bytes = File.ReadAllBytes(path);
        var moov = bytes.AsSpan().IndexOf("moov"u8) - 4;
        if (moov + BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(moov)) != bytes.Length)
        {
            throw new InvalidOperationException("The sample's movie box is not its last.");
        }

        (string Key, string Value)[] tags = [("com.apple.quicktime.creationdate", creationDate), ("com.apple.quicktime.make", make), ("com.apple.quicktime.model", model)];
        byte[] handler = [.. new byte[8], .. "mdta"u8, .. new byte[13]];
        byte[] keys = [.. new byte[4], .. BigEndian((uint)tags.Length), .. tags.SelectMany(tag => Atom("mdta", [.. System.Text.Encoding.UTF8.GetBytes(tag.Key)]))];
        var items = tags.SelectMany((tag, i) => Atom(BigEndian((uint)i + 1), Atom("data", [0, 0, 0, 1, 0, 0, 0, 0, .. System.Text.Encoding.UTF8.GetBytes(tag.Value)])));
        byte[] meta = Atom("meta", [.. Atom("hdlr", handler), .. Atom("keys", keys), .. Atom("ilst", [.. items])]);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(moov), checked((uint)(bytes.Length - moov + meta.Length)));
        File.WriteAllBytes(path, [.. bytes, .. meta]);
        return path;

        static byte[] BigEndian(uint value)
        {
            var bytes = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
            return bytes;
        }

        static byte[] Atom(object type, byte[] body) =>
            [.. BigEndian((uint)(8 + body.Length)), .. type is string name ? System.Text.Encoding.ASCII.GetBytes(name) : (byte[])type, .. body];
    }

    /// <summary>
    /// The shared QuickTime screen recording with the same keys written by FFmpeg itself (<c>-movflags
    /// use_metadata_tags</c>: its <c>meta</c> is a full box, with version and flags). Installs FFmpeg when missing.
    /// </summary>
    public static async Task<string> FfmpegTaggedMovieAsync(string path, string creationDate, string make, string model)
    {
        await DebianPackages.EnsureAsync(["ffmpeg"], "Tagging a movie as an iPhone does", () => Task.FromResult(DebianPackages.HasCommand("ffmpeg")));
        var tagged = await ExternalTool.RunAsync(
            "ffmpeg", System.IO.Path.GetDirectoryName(path)!, "-v", "error", "-y", "-i", SampleEvidence.PathOf("screen-recording.mov"), "-c", "copy", "-map_metadata", "-1",
            "-movflags", "use_metadata_tags", "-metadata", $"com.apple.quicktime.creationdate={creationDate}", "-metadata", $"com.apple.quicktime.make={make}",
            "-metadata", $"com.apple.quicktime.model={model}", path);
        return tagged.ExitCode == 0 ? path : throw new InvalidOperationException(tagged.Output);
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
