using System.Buffers.Binary;
using System.IO.Compression;
using EvidenceVault.Evidence;
using EvidenceVault.Testing;

namespace EvidenceVault.Core.Tests.Evidence;

/// <summary>A package is opened for its statement only when its central directory is small, whichever end records give its size.</summary>
public sealed class ZipPackagesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ev-zip-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_package_of_a_few_entries_is_opened()
    {
        await using var zip = await OpenAsync(Zip("small.zip", 3));

        Assert.Equal(3, zip?.Entries.Count);
    }

    [Fact]
    public async Task A_package_whose_directory_is_crafted_large_is_not_opened()
    {
        var crowded = Zip("crowded.zip", 25_000); // about 1.4 MB of directory

        Assert.Null(await OpenAsync(crowded));
        await using var all = await ZipFile.OpenReadAsync(crowded);
        Assert.Equal(25_000, all.Entries.Count); // a ZIP all the same
    }

    [Fact]
    public async Task A_package_whose_classic_end_record_overflows_is_sized_by_its_zip64_end_record()
    {
        // Info-ZIP writes ZIP64 end records on request; the classic record's fields set to their maximum, as writers do
        // when a count or size overflows, leave the ZIP64 record as the only one that gives the directory's size.
        await DebianPackages.EnsureAsync(["zip"], "Writing a ZIP64 package", () => Task.FromResult(DebianPackages.HasCommand("zip")));
        var source = Path.Combine(_folder, "part.txt");
        await File.WriteAllTextAsync(source, "投资协议");
        var path = Path.Combine(_folder, "zip64.zip");
        var zipped = await ExternalTool.RunAsync("zip", _folder, "-q", "-fz", path, "part.txt");
        Assert.True(zipped.ExitCode == 0, zipped.Output);
        var bytes = await File.ReadAllBytesAsync(path);
        var end = bytes.AsSpan().LastIndexOf((ReadOnlySpan<byte>)[0x50, 0x4B, 0x05, 0x06]);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(end + 8), ushort.MaxValue);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(end + 10), ushort.MaxValue);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(end + 12), uint.MaxValue);
        await File.WriteAllBytesAsync(path, bytes);

        await using var zip = await OpenAsync(path);

        Assert.Equal("part.txt", Assert.Single(zip!.Entries).FullName);
    }

    [Theory]
    [InlineData("screenshot-refund-page.png")]
    [InlineData("bad/empty.bin")]
    public async Task A_file_that_is_no_zip_is_not_opened(string fixture) =>
        Assert.Null(await OpenAsync(SampleEvidence.PathOf(fixture)));

    private static async Task<ZipArchive?> OpenAsync(string path)
    {
        var content = new MemoryStream(await File.ReadAllBytesAsync(path), writable: false);
        return await ZipPackages.OpenAsync(content, CancellationToken.None);
    }

    private string Zip(string name, int entries)
    {
        var path = Path.Combine(_folder, name);
        using var archive = new ZipArchive(File.Create(path), ZipArchiveMode.Create);
        for (var i = 0; i < entries; i++)
        {
            archive.CreateEntry($"pad/{i:D5}.txt", CompressionLevel.NoCompression);
        }

        return path;
    }
}
