using System.Net;
using EvidenceVault.Api.Tests.Infrastructure;
using EvidenceVault.Api.Tests.Uploads;
using EvidenceVault.Custody;
using EvidenceVault.Evidence;
using EvidenceVault.Serialization;
using EvidenceVault.Testing;

namespace EvidenceVault.Api.Tests.Ingest;

/// <summary>
/// A recording's own statement of its length and making is read from the stored bytes — after a single request or a
/// resumable upload alike —, kept beside the victim's claim, chained into the custody log with the receipt of the
/// bytes, and carried into the bundle, where a catalog that says otherwise is caught.
/// </summary>
[Collection(VaultOnAzurite.Name)]
public sealed class RecordingTests(VaultApp app) : IClassFixture<VaultApp>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ev-recordings-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_call_recording_states_its_length_apart_from_the_victims_claim_of_when_it_was_made()
    {
        using var vault = await app.CreateCaseAsync();

        using var response = await vault.UploadAsync("call-recording.m4a", r => r.Headers.Add("X-Captured-At", "2026-11-20T21:05:00+08:00"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var item = (await response.Content.ReadFromJsonAsync<EvidenceItemRecord>(VaultJson.Compact))!;
        var expected = new RecordingInfo { Source = RecordingSources.IsoMedia, DurationSeconds = SampleRecordings.CallSeconds };
        Assert.Equal(expected, item.Recording);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 13, 5, 0, TimeSpan.Zero), item.CapturedAt); // the claim stays the victim's
        await AssertIndexedAndChainedAsync(vault, item, expected);
    }

    [Fact]
    public async Task A_phone_movie_sent_resumably_states_when_it_was_made_and_the_bundle_cannot_be_recatalogued_to_say_otherwise()
    {
        using var vault = await app.CreateCaseAsync();
        var recordedAt = new DateTimeOffset(2026, 11, 20, 6, 3, 17, TimeSpan.Zero);
        var movie = await File.ReadAllBytesAsync(SampleRecordings.PhoneMovie(Path.Combine(_folder, "phone.mov"), recordedAt));
        var tus = new TusClient(vault.Client, vault.CaseId);
        var upload = await tus.OpenAsync(movie.Length, new Dictionary<string, string> { ["filename"] = "屏幕录制.mov" });

        using (var last = await tus.SendRestAsync(upload, movie, chunkSize: 64 * 1024))
        {
            Assert.Equal(HttpStatusCode.NoContent, last.StatusCode);
        }

        var item = Assert.Single(await vault.ListItemsAsync());
        var expected = new RecordingInfo { Source = RecordingSources.IsoMedia, DurationSeconds = SampleRecordings.ScreenSeconds, RecordedAt = recordedAt };
        Assert.Equal(expected, item.Recording);
        await AssertIndexedAndChainedAsync(vault, item, expected);

        // The bundle: items.json and items.csv carry it, the report shows the length and the file's own time.
        var bag = await vault.DownloadBagAsync(_folder);
        var html = await File.ReadAllTextAsync(Path.Combine(bag, "data", "report.html"));
        Assert.Contains("<br>时长 Length 0:08.064</td>", html, StringComparison.Ordinal);
        Assert.Contains("文件自述 The file says (MP4): 录制于 recorded 2026-11-20T06:03:17.000Z (UTC)", html, StringComparison.Ordinal);
        var row = Assert.Single(ItemsCsvFile.Read(Path.Combine(bag, "data", "items.csv")));
        Assert.Equal(("mp4", "8.064", "2026-11-20T06:03:17.000Z"), (row["recording_source"], row["recording_duration_seconds"], row["recording_recorded_at_utc"]));

        // ffprobe, run as the guide says, reads the same length and time from the bundle's copy.
        await ExpertTools.EnsureAsync();
        var probed = await ExpertTools.RunGuideCommandAsync(bag, "ffprobe -hide_banner", EvidenceVault.Bundles.EvidenceBundleWriter.EvidencePath(item));
        Assert.Contains("duration=8.064000", probed, StringComparison.Ordinal);
        Assert.Contains("TAG:creation_time=2026-11-20T06:03:17.000000Z", probed, StringComparison.Ordinal);

        // Re-catalogued to a longer recording, it no longer agrees with its custody line.
        await BagForgery.AssertRecataloguingCaughtAsync(bag, "\"durationSeconds\": 8.064", "\"durationSeconds\": 9.064", "what the recording says");
    }

    [Fact]
    public async Task A_movie_tagged_as_an_iphone_tags_it_states_the_phones_clock_and_the_phone_as_ffprobe_reads_them_and_the_bundle_cannot_say_otherwise()
    {
        using var vault = await app.CreateCaseAsync();
        var movie = await SampleRecordings.FfmpegTaggedMovieAsync(Path.Combine(_folder, "IMG_0413.MOV"), "2026-11-20T14:03:17+0800", "Apple", "iPhone 15");
        var expected = new RecordingInfo { Source = RecordingSources.IsoMedia, DurationSeconds = SampleRecordings.ScreenSeconds, LocalTime = "2026-11-20T14:03:17", UtcOffset = "+08:00", Device = "Apple iPhone 15" };

        var item = await vault.UploadNewItemAsync(movie);

        Assert.Equal(expected, item.Recording);
        await AssertIndexedAndChainedAsync(vault, item, expected);

        var bag = await vault.DownloadBagAsync(_folder);
        var html = await File.ReadAllTextAsync(Path.Combine(bag, "data", "report.html"));
        Assert.Contains("文件自述 The file says (MP4): 手机时钟 phone clock 2026-11-20 14:03:17 (UTC+08:00) · 设备 device Apple iPhone 15", html, StringComparison.Ordinal);
        var row = Assert.Single(ItemsCsvFile.Read(Path.Combine(bag, "data", "items.csv")));
        Assert.Equal(("2026-11-20T14:03:17", "'+08:00", "Apple iPhone 15"), (row["recording_local_time"], row["recording_utc_offset"], row["recording_device"]));

        // ffprobe, run as the guide says, reads the same tags from the bundle's copy.
        await ExpertTools.EnsureAsync();
        var probed = await ExpertTools.RunGuideCommandAsync(bag, "ffprobe -hide_banner", EvidenceVault.Bundles.EvidenceBundleWriter.EvidencePath(item));
        Assert.Contains("TAG:com.apple.quicktime.creationdate=2026-11-20T14:03:17+0800", probed, StringComparison.Ordinal);
        Assert.Contains("TAG:com.apple.quicktime.model=iPhone 15", probed, StringComparison.Ordinal);

        await BagForgery.AssertRecataloguingCaughtAsync(bag, "\"device\": \"Apple iPhone 15\"", "\"device\": \"Apple iPhone 16\"", "what the recording says");
    }

    [Theory]
    [InlineData("call-recording.wav", 0.0)]
    [InlineData("call-recording.m4a", 0.0)]
    [InlineData("screen-recording.mp4", 0.0)]
    [InlineData("screen-recording.mov", 0.0)]
    [InlineData("screen-recording.webm", 0.0)]
    [InlineData("call-recording.ogg", 312 / 48_000.0)] // ffprobe counts Opus's pre-skip (RFC 7845), which a decoder drops
    [InlineData("call-recording.mp3", (576 + 912) / 8_000.0)] // and the LAME tag's encoder delay and padding, which a gapless player drops
    public async Task Ffprobe_reads_the_same_length_but_for_what_an_encoder_adds_and_says_it_added(string fixture, double added)
    {
        await ExpertTools.EnsureAsync();
        var path = SampleEvidence.PathOf(fixture);
        var probe = await ExternalTool.RunAsync("ffprobe", Path.GetDirectoryName(path)!, "-v", "error", "-show_entries", "format=duration", "-of", "default=noprint_wrappers=1:nokey=1", path);
        Assert.True(probe.ExitCode == 0, probe.Output);

        var info = await EvidenceFiles.ReadAsync(path, RecordingInfoReader.ReadAsync);

        Assert.Equal(Math.Round(double.Parse(probe.Output.Trim(), System.Globalization.CultureInfo.InvariantCulture) - added, 3), info!.DurationSeconds);
    }

    [Theory]
    [InlineData(".amr", RecordingSources.Amr, 0.02)] // AMR: every frame 20 ms
    [InlineData(".aac", RecordingSources.Adts, 1024 + 1024)] // AAC: frames of 1,024 samples, the first the encoder's priming
    public async Task An_android_call_recording_in_amr_or_aac_states_the_length_of_its_frames_as_ffprobe_counts_them(string extension, string source, double beyondTheCall)
    {
        using var vault = await app.CreateCaseAsync();
        var path = await SampleRecordings.AndroidCallAsync(_folder, extension);

        var item = await vault.UploadNewItemAsync(path);

        Assert.Equal(source, item.Recording?.Source);
        var seconds = item.Recording!.DurationSeconds!.Value;
        Assert.InRange(seconds, SampleRecordings.CallSeconds, SampleRecordings.CallSeconds + (extension == ".amr" ? beyondTheCall : beyondTheCall / 8_000)); // whole frames of the 22.566 s call
        await AssertIndexedAndChainedAsync(vault, item, item.Recording);

        // The guide's frame count, run on the bundle's copy, gives the same length.
        await ExpertTools.EnsureAsync();
        var bag = await vault.DownloadBagAsync(_folder);
        var counted = (await ExpertTools.RunGuideCommandAsync(bag, "ffprobe -v error -count_packets", EvidenceVault.Bundles.EvidenceBundleWriter.EvidencePath(item)))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(line => line.Split('=')).Where(pair => pair.Length == 2).ToDictionary(pair => pair[0], pair => double.Parse(pair[1], System.Globalization.CultureInfo.InvariantCulture));
        var perFrame = extension == ".amr" ? 0.02 : 1024 / counted["sample_rate"];
        Assert.Equal(Math.Round(counted["nb_read_packets"] * perFrame, 3), seconds);
    }

    [Fact]
    public async Task A_wechat_voice_message_named_amr_is_filed_as_silk_and_states_the_length_perl_counts_in_the_bundle()
    {
        using var vault = await app.CreateCaseAsync();
        var path = await SampleRecordings.WeChatVoiceAsync(_folder); // msg_….amr, as WeChat names it

        var item = await vault.UploadNewItemAsync(path);

        // Filed by its bytes as what it is: a voice message, under SILK's own extension in the bundle.
        Assert.Equal(("audio/silk", "audio"), (item.ContentType, item.Kind));
        var expected = new RecordingInfo { Source = RecordingSources.Silk, DurationSeconds = await SampleRecordings.DecodedSilkSecondsAsync(path) };
        Assert.Equal(expected, item.Recording);
        await AssertIndexedAndChainedAsync(vault, item, expected);

        var bag = await vault.DownloadBagAsync(_folder);
        var file = EvidenceVault.Bundles.EvidenceBundleWriter.EvidencePath(item);
        Assert.EndsWith(".silk", file, StringComparison.Ordinal);
        var counted = await ExpertTools.RunGuideCommandAsync(bag, "perl -0777 -ne '$p", file);
        Assert.Equal($"{expected.DurationSeconds / 0.02:0} packets, {expected.DurationSeconds:0.000} s", counted.Trim());
        await BagForgery.AssertRecataloguingCaughtAsync(bag, "\"durationSeconds\": 22.58", "\"durationSeconds\": 12.58", "what the recording says");
    }

    [Theory]
    [InlineData("screenshot-refund-page.png")]
    [InlineData("page-snapshot-refund.mhtml")]
    public async Task Evidence_that_is_no_recording_states_no_length(string fixture)
    {
        using var vault = await app.CreateCaseAsync();

        await FileStatementAssert.NoneAsync(vault, fixture, i => i.Recording, RecordingDetails.From);
    }

    private static Task AssertIndexedAndChainedAsync(TestCase vault, EvidenceItemRecord item, RecordingInfo expected) =>
        FileStatementAssert.IndexedAndChainedAsync(vault, item, expected, i => i.Recording, RecordingDetails.From);
}
