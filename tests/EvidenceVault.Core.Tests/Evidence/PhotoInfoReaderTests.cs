using EvidenceVault.Evidence;
using EvidenceVault.Testing;

namespace EvidenceVault.Core.Tests.Evidence;

/// <summary>What a photo's EXIF block says of its taking, in either byte order and where each format keeps it; and nothing from files that have none.</summary>
public sealed class PhotoInfoReaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ev-photo-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ReadAsync_AJpegWithACamerasExif_GivesTheTimeItsClockReadItsOffsetAndTheDevice(bool littleEndian)
    {
        var path = SamplePhotos.Jpeg(Path.Combine(_folder, "photo.jpg"), SamplePhotos.Exif(littleEndian, "Apple", "iPhone 15", "2026:11:20 14:03:17", "+08:00"));

        var info = await ReadFileAsync(path);

        Assert.Equal(new PhotoInfo { Source = "exif", TakenAt = "2026-11-20T14:03:17", UtcOffset = "+08:00", Device = "Apple iPhone 15" }, info);
    }

    [Fact]
    public async Task ReadAsync_APngWithAnExifChunk_GivesItsStatementAndAModelThatNamesItsMakeOnce()
    {
        var path = SamplePhotos.Png(Path.Combine(_folder, "photo.png"), SamplePhotos.Exif(littleEndian: false, "Canon", "Canon EOS R6", "2026:11:19 09:15:00", offset: null));

        var info = await ReadFileAsync(path);

        Assert.Equal(new PhotoInfo { Source = "exif", TakenAt = "2026-11-19T09:15:00", Device = "Canon EOS R6" }, info);
    }

    [Fact]
    public async Task ReadAsync_ACameraThatDidNotKnowTheTime_GivesOnlyTheDevice()
    {
        var path = SamplePhotos.Jpeg(Path.Combine(_folder, "photo.jpg"), SamplePhotos.Exif(littleEndian: true, "HUAWEI", "ELS-AN00", "0000:00:00 00:00:00", "+08:00"));

        var info = await ReadFileAsync(path);

        Assert.Equal(new PhotoInfo { Source = "exif", Device = "HUAWEI ELS-AN00" }, info); // no time, so no offset of one
    }

    [Fact]
    public async Task ReadAsync_AnExifBlockCutShort_GivesNothingRatherThanAGuess()
    {
        var tiff = SamplePhotos.Exif(littleEndian: true, "Apple", "iPhone 15", "2026:11:20 14:03:17", "+08:00");
        var path = SamplePhotos.Jpeg(Path.Combine(_folder, "photo.jpg"), tiff[..20]);

        Assert.Null(await ReadFileAsync(path));
    }

    [Theory]
    [InlineData("screenshot-refund-page.png")]
    [InlineData("screenshot-refund-page.jpg")]
    [InlineData("screenshot-refund-page.webp")]
    [InlineData("screenshot-refund-page.heic")]
    [InlineData("call-recording.m4a")]
    public async Task ReadAsync_FilesWithoutExif_GiveNothing(string fixture) =>
        Assert.Null(await ReadFileAsync(SampleEvidence.PathOf(fixture)));

    private static Task<PhotoInfo?> ReadFileAsync(string path) => EvidenceFiles.ReadAsync(path, PhotoInfoReader.ReadAsync);
}
