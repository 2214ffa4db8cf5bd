using System.Buffers.Binary;
using EvidenceVault.Evidence;
using EvidenceVault.Testing;

namespace EvidenceVault.Core.Tests.Evidence;

/// <summary>
/// What real recordings (the shared samples, made by ffmpeg, LAME and libopus) say about their length and making. The
/// call was encoded from one WAV, whose length is its data over its byte rate, and every other encoding of it states
/// the same length to the millisecond (MP3 once the encoder's delay and padding are taken off); the screen recording's
/// MP4 and QuickTime files agree with each other, its WebM states its own.
/// </summary>
public sealed class RecordingInfoReaderTests : IDisposable
{
    private const double Call = SampleRecordings.CallSeconds;
    private const double Screen = SampleRecordings.ScreenSeconds;

    private readonly string _folder = Directory.CreateTempSubdirectory("ev-recording-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("call-recording.wav", RecordingSources.Wave, Call, 0.0)]
    [InlineData("call-recording.m4a", RecordingSources.IsoMedia, Call, 0.0)]
    [InlineData("call-recording.ogg", RecordingSources.Ogg, Call, 0.0)]
    [InlineData("call-recording.mp3", RecordingSources.Mpeg, Call, 0.0)]
    [InlineData("screen-recording.mp4", RecordingSources.IsoMedia, Screen, 0.0)]
    [InlineData("screen-recording.mov", RecordingSources.IsoMedia, Screen, 0.0)]
    [InlineData("screen-recording.webm", RecordingSources.WebM, 8.008, 0.0)] // the segment's own figure: its last video frame, not the AAC padding MP4 counts
    public async Task ReadAsync_RealRecordings_GiveTheirLength(string fixture, string source, double seconds, double tolerance)
    {
        var info = await ReadFileAsync(SampleEvidence.PathOf(fixture));

        Assert.NotNull(info);
        Assert.Equal(source, info.Source);
        Assert.InRange(info.DurationSeconds!.Value, seconds - tolerance, seconds + tolerance);
        Assert.Null(info.RecordedAt); // ffmpeg writes no creation time unless told to
    }

    [Fact]
    public async Task ReadAsync_AMovieHeaderWithACreationTime_GivesItInUtc()
    {
        var recorded = new DateTimeOffset(2026, 11, 20, 6, 3, 17, TimeSpan.Zero);
        var path = SampleRecordings.PhoneMovie(Path.Combine(_folder, "phone.mov"), recorded);

        var info = await ReadFileAsync(path);

        Assert.Equal(new RecordingInfo { Source = RecordingSources.IsoMedia, DurationSeconds = Screen, RecordedAt = recorded }, info);
    }

    [Fact]
    public async Task ReadAsync_AWaveWhoseRecorderNeverWroteTheSize_GivesTheRestOfTheFile()
    {
        var bytes = await File.ReadAllBytesAsync(SampleEvidence.PathOf("call-recording.wav"));
        var data = bytes.AsSpan().IndexOf("data"u8);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(data + 4), uint.MaxValue);
        var path = Path.Combine(_folder, "stopped.wav");
        await File.WriteAllBytesAsync(path, bytes);

        var info = await ReadFileAsync(path);

        Assert.Equal(Call, info?.DurationSeconds);
    }

    [Fact]
    public async Task ReadAsync_AFlacStreamInformationBlock_GivesItsSamplesOverItsRate()
    {
        // fLaC, then STREAMINFO (last block, 34 bytes): 44.1 kHz, 2 channels, 16 bits, 441,000 samples — ten seconds.
        var streamInfo = new byte[34];
        var packed = (44_100UL << 44) | (1UL << 41) | (15UL << 36) | 441_000UL;
        BinaryPrimitives.WriteUInt64BigEndian(streamInfo.AsSpan(10), packed);
        var path = Path.Combine(_folder, "call.flac");
        await File.WriteAllBytesAsync(path, [.. "fLaC"u8, 0x80, 0, 0, 34, .. streamInfo, .. new byte[64]]);

        var info = await ReadFileAsync(path);

        Assert.Equal(new RecordingInfo { Source = RecordingSources.Flac, DurationSeconds = 10 }, info);
    }

    [Theory]
    [InlineData("call-recording.m4a", 4096)]
    [InlineData("call-recording.ogg", 200)]
    [InlineData("screen-recording.webm", 100)]
    [InlineData("call-recording.wav", 20)]
    public async Task ReadAsync_ATruncatedRecording_GivesNothingRatherThanAGuess(string fixture, int keep)
    {
        var bytes = await File.ReadAllBytesAsync(SampleEvidence.PathOf(fixture));
        var path = Path.Combine(_folder, "cut" + Path.GetExtension(fixture));
        await File.WriteAllBytesAsync(path, bytes[..keep]);

        Assert.Null(await ReadFileAsync(path));
    }

    [Theory]
    [InlineData("screenshot-refund-page.png")]
    [InlineData("page-snapshot-refund.mhtml")]
    public async Task ReadAsync_AFileThatIsNoRecording_GivesNothing(string fixture) =>
        Assert.Null(await ReadFileAsync(SampleEvidence.PathOf(fixture)));

    private static Task<RecordingInfo?> ReadFileAsync(string path) => EvidenceFiles.ReadAsync(path, RecordingInfoReader.ReadAsync);
}
