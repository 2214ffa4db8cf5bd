using EvidenceVault.Api.Tests.Infrastructure;
using EvidenceVault.Custody;
using EvidenceVault.Evidence;
using EvidenceVault.Testing;

namespace EvidenceVault.Api.Tests.Ingest;

/// <summary>
/// A photo's EXIF statement of when and with what it was taken is read from the stored bytes — what ExifTool reads
/// from the bundle's copy with the guide's command —, chained into the custody log, and carried into the bundle, where
/// a catalog that says otherwise is caught.
/// </summary>
[Collection(VaultOnAzurite.Name)]
public sealed class PhotoTests(VaultApp app) : IClassFixture<VaultApp>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ev-photos-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_camera_photo_states_when_its_clock_says_it_was_taken_and_with_which_phone_and_the_bundle_cannot_say_otherwise()
    {
        using var vault = await app.CreateCaseAsync();
        var photo = SamplePhotos.Jpeg(Path.Combine(_folder, "IMG_0412.jpg"), SamplePhotos.Exif(littleEndian: true, "Apple", "iPhone 15", "2026:11:20 14:03:17", "+08:00"));
        var expected = new PhotoInfo { Source = "exif", TakenAt = "2026-11-20T14:03:17", UtcOffset = "+08:00", Device = "Apple iPhone 15" };

        var item = await vault.UploadNewItemAsync(photo, r => r.Headers.Add("X-Captured-At", "2026-11-20T14:05:00+08:00"));

        Assert.Equal(expected, item.Photo);
        await FileStatementAssert.IndexedAndChainedAsync(vault, item, expected, i => i.Photo, PhotoDetails.From);

        // The bundle: items.csv and the report carry it, beside the victim's claim.
        var bag = await vault.DownloadBagAsync(_folder);
        var html = await File.ReadAllTextAsync(Path.Combine(bag, "data", "report.html"));
        Assert.Contains("文件自述 The file says (EXIF): 拍摄于 taken 2026-11-20 14:03:17 (UTC+08:00) · 设备 device Apple iPhone 15", html, StringComparison.Ordinal);
        var row = Assert.Single(ItemsCsvFile.Read(Path.Combine(bag, "data", "items.csv")));
        Assert.Equal(("2026-11-20T14:03:17", "'+08:00", "Apple iPhone 15"), (row["photo_taken_at"], row["photo_utc_offset"], row["photo_device"])); // a leading + is marked as text, so a spreadsheet runs no formula

        // ExifTool, run as the guide says, reads the same tags from the bundle's copy.
        await ExpertTools.EnsureAsync();
        var tags = await ExpertTools.RunGuideCommandAsync(bag, "exiftool -DateTimeOriginal", EvidenceVault.Bundles.EvidenceBundleWriter.EvidencePath(item));
        Assert.Matches(@"Date/Time Original\s+: 2026:11:20 14:03:17\n", tags);
        Assert.Matches(@"Offset Time Original\s+: \+08:00\n", tags);
        Assert.Matches(@"Make\s+: Apple\n", tags);
        Assert.Matches(@"Camera Model Name\s+: iPhone 15\n", tags);

        // Re-catalogued to another phone, it no longer agrees with its custody line.
        await BagForgery.AssertRecataloguingCaughtAsync(bag, "\"device\": \"Apple iPhone 15\"", "\"device\": \"Apple iPhone 16\"", "what the photo says");
    }

    [Theory]
    [InlineData("screenshot-refund-page.jpg")]
    [InlineData("screenshot-refund-page.png")]
    [InlineData("screenshot-refund-page.webp")]
    [InlineData("screenshot-refund-page.heic")] // as an iPhone's camera saves its photos
    public async Task What_ExifTool_writes_into_a_photo_the_vault_reads_where_each_format_keeps_it(string fixture)
    {
        await ExpertTools.EnsureAsync();
        var photo = Path.Combine(_folder, fixture);
        File.Copy(SampleEvidence.PathOf(fixture), photo);
        var write = await ExternalTool.RunAsync(
            "exiftool", _folder, "-q", "-overwrite_original", "-DateTimeOriginal=2026:11:20 14:03:17", "-OffsetTimeOriginal=+08:00", "-Make=Xiaomi", "-Model=23049RAD8C", photo);
        Assert.True(write.ExitCode == 0, write.Output);

        var info = await EvidenceFiles.ReadAsync(photo, PhotoInfoReader.ReadAsync);

        Assert.Equal(new PhotoInfo { Source = "exif", TakenAt = "2026-11-20T14:03:17", UtcOffset = "+08:00", Device = "Xiaomi 23049RAD8C" }, info);
    }

    [Theory]
    [InlineData("screenshot-refund-page.png")]
    [InlineData("screenshot-refund-page.webp")]
    [InlineData("call-recording.m4a")]
    public async Task Evidence_without_exif_states_nothing_of_its_taking(string fixture)
    {
        using var vault = await app.CreateCaseAsync();

        await FileStatementAssert.NoneAsync(vault, fixture, i => i.Photo, PhotoDetails.From);
    }
}
