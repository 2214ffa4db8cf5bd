using System.IO.Compression;
using System.Text;
using EvidenceVault.Bundles;
using EvidenceVault.Hashing;

namespace EvidenceVault.Core.Tests.Bundles;

public sealed class BagItZipWriterTests
{
    private const string Abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    private const string Empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    [Fact]
    public async Task CompleteAsync_KnownPayload_WritesKnownManifestsAndOxum()
    {
        var files = await WriteBagAsync(new AsyncOnlySink());

        Assert.Equal("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n", files["bag/bagit.txt"]);
        Assert.Equal($"{Abc}  data/a.txt\n{Empty}  data/empty.txt\n", files["bag/manifest-sha256.txt"]);
        var bagInfo = files["bag/bag-info.txt"];
        Assert.Contains("Payload-Oxum: 3.2\n", bagInfo, StringComparison.Ordinal);
        Assert.Contains("External-Identifier: CASE-1\n", bagInfo, StringComparison.Ordinal);
        Assert.Contains("Bagging-Date: 2026-11-23\n", bagInfo, StringComparison.Ordinal);
        Assert.Contains("External-Description: two lines\n", bagInfo, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompleteAsync_TagManifest_ListsEveryTagFileWithItsSha256()
    {
        var files = await WriteBagAsync(new AsyncOnlySink());

        var expected = new[] { "VERIFY.md", "bag-info.txt", "bagit.txt", "manifest-sha256.txt" }
            .Select(name => $"{Sha256Digest.Of(Encoding.UTF8.GetBytes(files["bag/" + name])).Hex}  {name}\n");
        Assert.Equal(string.Concat(expected), files["bag/tagmanifest-sha256.txt"]);
    }

    [Fact]
    public async Task CreateAsync_AsyncOnlySink_WritesAValidStoredZip()
    {
        var sink = new AsyncOnlySink();
        await WriteBagAsync(sink);

        using var zip = new ZipArchive(new MemoryStream(sink.Bytes), ZipArchiveMode.Read);
        Assert.All(zip.Entries, e => Assert.Equal(e.Length, e.CompressedLength));
        Assert.Equal("bag/bagit.txt", zip.Entries[0].FullName);
        Assert.Equal("bag/tagmanifest-sha256.txt", zip.Entries[^1].FullName);
    }

    [Theory]
    [InlineData("bagit.txt")]
    [InlineData("data/../escape.txt")]
    [InlineData("/data/abs.txt")]
    [InlineData("data\\win.txt")]
    public async Task AddPayloadFileAsync_PathOutsideData_Throws(string path)
    {
        await using var bag = await BagItZipWriter.CreateAsync(new AsyncOnlySink(), "bag");

        await Assert.ThrowsAsync<ArgumentException>(() => bag.AddPayloadFileAsync(path, "x"));
    }

    [Fact]
    public void FormatManifest_PathWithNewlineAndPercent_IsPercentEncoded() =>
        Assert.Equal(
            $"{Abc}  data/a%25b%0Ac.txt\n",
            BagItZipWriter.FormatManifest([("data/a%b\nc.txt", Sha256Digest.ParseHex(Abc))]));

    private static async Task<Dictionary<string, string>> WriteBagAsync(AsyncOnlySink sink)
    {
        await using (var bag = await BagItZipWriter.CreateAsync(sink, "bag"))
        {
            await bag.AddPayloadFileAsync("data/a.txt", "abc");
            await bag.AddPayloadFileAsync("data/empty.txt", string.Empty);
            await bag.CompleteAsync(
                new BagInfo("CASE-1", "two\nlines", new DateTimeOffset(2026, 11, 23, 23, 0, 0, TimeSpan.Zero), []),
                [new("VERIFY.md", "# verify\n")]);
        }

        using var zip = new ZipArchive(new MemoryStream(sink.Bytes), ZipArchiveMode.Read);
        return zip.Entries.ToDictionary(e => e.FullName, e => new StreamReader(e.Open(), Encoding.UTF8).ReadToEnd());
    }

    /// <summary>Like an HTTP response body: forward-only, and synchronous writes are an error.</summary>
    private sealed class AsyncOnlySink : Stream
    {
        private readonly MemoryStream _bytes = new();

        public byte[] Bytes => _bytes.GetBuffer()[..(int)_bytes.Length];

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => throw new InvalidOperationException("synchronous flush");

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override void Write(byte[] buffer, int offset, int count) => throw new InvalidOperationException("synchronous write");

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            _bytes.WriteAsync(buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            _bytes.WriteAsync(buffer, offset, count, cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
