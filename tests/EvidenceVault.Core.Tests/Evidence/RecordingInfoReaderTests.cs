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
    public async Task ReadAsync_AnIPhoneMovie_GivesThePhonesClockWithItsZoneAndThePhoneFromItsQuickTimeKeys()
    {
        var recorded = new DateTimeOffset(2026, 11, 20, 6, 3, 17, TimeSpan.Zero);
        var path = SampleRecordings.IPhoneMovie(Path.Combine(_folder, "IMG_0413.MOV"), recorded, "2026-11-20T14:03:17+0800", "Apple", "iPhone 15");

        var info = await ReadFileAsync(path);

        var expected = new RecordingInfo
        {
            Source = RecordingSources.IsoMedia, DurationSeconds = Screen, RecordedAt = recorded, LocalTime = "2026-11-20T14:03:17", UtcOffset = "+08:00", Device = "Apple iPhone 15",
        };
        Assert.Equal(expected, info);
    }

    [Theory]
    [InlineData("2026-11-20 14:03:17")] // no zone: not the form iPhones write
    [InlineData("0000-00-00T00:00:00+0000")]
    public async Task ReadAsync_ACreationDateOfAnotherForm_IsNotStated_AndTheMovieHeaderStandsBesideIt(string creationDate)
    {
        var path = SampleRecordings.IPhoneMovie(Path.Combine(_folder, "odd.mov"), new DateTimeOffset(2026, 11, 20, 6, 3, 17, TimeSpan.Zero), creationDate, "Apple", "iPhone 15");

        var info = await ReadFileAsync(path);

        Assert.Equal((Screen, null, null, "Apple iPhone 15"), (info?.DurationSeconds, info?.LocalTime, info?.UtcOffset, info?.Device));
    }

    [Fact]
    public async Task ReadAsync_AMovieWhoseKeysAreMalformed_StillStatesItsMovieHeader()
    {
        var path = SampleRecordings.IPhoneMovie(Path.Combine(_folder, "broken.mov"), new DateTimeOffset(2026, 11, 20, 6, 3, 17, TimeSpan.Zero), "2026-11-20T14:03:17+0800", "Apple", "iPhone 15");
        var bytes = await File.ReadAllBytesAsync(path);
        var key = bytes.AsSpan().IndexOf("mdtacom.apple.quicktime.creationdate"u8) - 4;
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(key), 4096); // a key that runs past its box
        await File.WriteAllBytesAsync(path, bytes);

        var info = await ReadFileAsync(path);

        Assert.Equal(new RecordingInfo { Source = RecordingSources.IsoMedia, DurationSeconds = Screen, RecordedAt = new DateTimeOffset(2026, 11, 20, 6, 3, 17, TimeSpan.Zero) }, info);
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

    [Fact]
    public async Task ReadAsync_AnAmrFile_GivesTwentyMillisecondsForEveryFrameItHolds()
    {
        // Speech at 12.2 kbit/s (type 7, 32 bytes), comfort noise (type 8, 6 bytes) and "no data" (type 15, 1 byte): all play 20 ms.
        byte[][] frames = [.. Enumerable.Repeat(AmrFrame(7, 32), 140), .. Enumerable.Repeat(AmrFrame(8, 6), 3), .. Enumerable.Repeat(AmrFrame(15, 1), 7)];
        var path = await WriteAsync("call.amr", [.. "#!AMR\n"u8, .. frames.SelectMany(frame => frame)]);

        var info = await ReadFileAsync(path);

        Assert.Equal(new RecordingInfo { Source = RecordingSources.Amr, DurationSeconds = 3.0 }, info);
    }

    [Fact]
    public async Task ReadAsync_AnAmrWidebandFile_CountsItsOwnFrameSizes()
    {
        // 23.85 kbit/s (type 8, 61 bytes) and speech lost (type 14, 1 byte); at AMR's sizes these would not line up.
        byte[][] frames = [.. Enumerable.Repeat(AmrFrame(8, 61), 99), AmrFrame(14, 1)];
        var path = await WriteAsync("call.awb", [.. "#!AMR-WB\n"u8, .. frames.SelectMany(frame => frame)]);

        var info = await ReadFileAsync(path);

        Assert.Equal(new RecordingInfo { Source = RecordingSources.Amr, DurationSeconds = 2.0 }, info);
    }

    [Fact]
    public async Task ReadAsync_AnAmrFileCutOffInItsLastFrame_CountsTheWholeFramesOnly()
    {
        var path = await WriteAsync("cut.amr", [.. "#!AMR\n"u8, .. Enumerable.Repeat(AmrFrame(7, 32), 50).SelectMany(frame => frame), .. AmrFrame(7, 32)[..20]]);

        Assert.Equal(1.0, (await ReadFileAsync(path))?.DurationSeconds);
    }

    [Theory]
    [InlineData(0x4C)] // a frame type no file holds (9)
    [InlineData(0xBC)] // the padding bit set
    public async Task ReadAsync_AnAmrFileWithSomethingElseAmongItsFrames_GivesNothingRatherThanAGuess(byte stray)
    {
        byte[][] frames = [.. Enumerable.Repeat(AmrFrame(7, 32), 10), [stray], .. Enumerable.Repeat(AmrFrame(7, 32), 10)];
        var path = await WriteAsync("odd.amr", [.. "#!AMR\n"u8, .. frames.SelectMany(frame => frame)]);

        Assert.Null(await ReadFileAsync(path));
    }

    [Fact]
    public async Task ReadAsync_AWeChatVoiceMessage_GivesTheLengthTheSilkDecoderPlays()
    {
        var path = await SampleRecordings.WeChatVoiceAsync(_folder);

        var info = await ReadFileAsync(path);

        // The codec's own decoding of the file plays as long as its packets say; both cover the 22.566 s call in whole 20 ms frames.
        Assert.Equal(new RecordingInfo { Source = RecordingSources.Silk, DurationSeconds = await SampleRecordings.DecodedSilkSecondsAsync(path) }, info);
        Assert.InRange(info!.DurationSeconds!.Value, SampleRecordings.CallSeconds, SampleRecordings.CallSeconds + 0.02);
    }

    [Theory]
    [InlineData(true, false)] // as WeChat and QQ write it
    [InlineData(false, true)] // as the SILK SDK's encoder writes it: no 0x02 byte, and a count of -1 after the last packet
    public async Task ReadAsync_ASilkFile_GivesTwentyMillisecondsForEveryPacket_EmptyOnesIncluded_AndNotACutOffLastOne(bool tencent, bool terminated)
    {
        byte[] Packet(int size, byte fill = 0x5A) => [(byte)size, (byte)(size >> 8), .. Enumerable.Repeat(fill, size)];
        byte[][] packets = [.. Enumerable.Repeat(Packet(60), 140), .. Enumerable.Repeat(Packet(0), 9), Packet(300, 0xFF)]; // the last ends in bytes that would read as -1
        byte[] head = tencent ? [0x02, .. "#!SILK_V3"u8] : [.. "#!SILK_V3"u8];
        byte[] tail = terminated ? [0xFF, 0xFF] : Packet(60)[..30];
        var path = await WriteAsync("voice.silk", [.. head, .. packets.SelectMany(packet => packet), .. tail]);

        Assert.Equal(new RecordingInfo { Source = RecordingSources.Silk, DurationSeconds = 3.0 }, await ReadFileAsync(path));
    }

    [Fact]
    public async Task ReadAsync_ASilkFileWithANegativeCountAmongItsPackets_GivesNothingRatherThanAGuess()
    {
        var path = await WriteAsync("odd.silk", [0x02, .. "#!SILK_V3"u8, 4, 0, 1, 2, 3, 4, 0xFE, 0xFF, 4, 0, 1, 2, 3, 4]);

        Assert.Null(await ReadFileAsync(path));
    }

    [Fact]
    public async Task ReadAsync_AnAdtsStream_GivesItsFramesSamplesOverItsRate_AcrossReadWindowsAndPastATrailingTag()
    {
        // 44.1 kHz, frames of 1,000 to 1,300 bytes (some with a CRC, one carrying two raw data blocks), well past one read window.
        var bytes = new List<byte>();
        long samples = 0;
        for (var n = 0; bytes.Count < (RecordingInfoReader.FrameWindowBytes * 2) + 5000; n++)
        {
            var blocks = n == 7 ? 2 : 1;
            bytes.AddRange(AdtsFrame(rateIndex: 4, length: 1000 + (n * 37 % 300), blocks, crc: n % 5 == 0));
            samples += blocks * 1024;
        }

        var path = await WriteAsync("call.aac", [.. bytes, .. "TAG"u8, .. new byte[125]]);

        var info = await ReadFileAsync(path);

        Assert.Equal(new RecordingInfo { Source = RecordingSources.Adts, DurationSeconds = Math.Round(samples / 44_100.0, 3) }, info);
    }

    [Fact]
    public async Task ReadAsync_AnAdtsStreamThatChangesRate_GivesNothingRatherThanAGuess()
    {
        var path = await WriteAsync("odd.aac", [.. AdtsFrame(11, 200, 1, false), .. AdtsFrame(11, 200, 1, false), .. AdtsFrame(8, 200, 1, false)]);

        Assert.Null(await ReadFileAsync(path));
    }

    [Fact]
    public async Task ReadAsync_AFramedRecordingLargerThanTheWalkAllows_GivesNothing()
    {
        var path = await WriteAsync("long.amr", [.. "#!AMR\n"u8, .. AmrFrame(7, 32)]);
        await using (var file = File.OpenWrite(path))
        {
            file.SetLength(RecordingInfoReader.MaxFramedBytes + 1); // zeros: type 0 frames of 13 bytes, were it walked
        }

        Assert.Null(await ReadFileAsync(path));
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

    private async Task<string> WriteAsync(string name, byte[] bytes)
    {
        var path = Path.Combine(_folder, name);
        await File.WriteAllBytesAsync(path, bytes);
        return path;
    }

    /// <summary>An AMR frame of <paramref name="type"/>: its header byte (quality bit set) and silent speech bits.</summary>
    private static byte[] AmrFrame(int type, int bytes)
    {
        var frame = new byte[bytes];
        frame[0] = (byte)((type << 3) | 0x04);
        return frame;
    }

    /// <summary>An ADTS frame of AAC-LC mono at the rate of <paramref name="rateIndex"/>, <paramref name="length"/> bytes with its header.</summary>
    private static byte[] AdtsFrame(int rateIndex, int length, int blocks, bool crc)
    {
        var frame = new byte[length];
        frame[0] = 0xFF;
        frame[1] = (byte)(crc ? 0xF0 : 0xF1);
        frame[2] = (byte)((1 << 6) | (rateIndex << 2));
        frame[3] = (byte)((1 << 6) | (length >> 11));
        frame[4] = (byte)(length >> 3);
        frame[5] = (byte)(((length & 0x07) << 5) | 0x1F);
        frame[6] = (byte)(0xFC | (blocks - 1));
        return frame;
    }
}
