using System.Text;
using EvidenceVault.Hashing;
using EvidenceVault.Testing;

namespace EvidenceVault.Core.Tests.Hashing;

public sealed class EvidenceHasherTests
{
    [Theory]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    public async Task HashAsync_NistVector_MatchesKnownAnswer(string message, string expected)
    {
        using var stream = new MemoryStream(Encoding.ASCII.GetBytes(message));

        var hashed = await EvidenceHasher.HashAsync(stream);

        Assert.Equal(expected, hashed.Digest.Hex);
        Assert.Equal(message.Length, hashed.Length);
    }

    [Fact]
    public async Task HashAsync_OneMillionA_SpansSeveralBuffersAndMatchesKnownAnswer()
    {
        // FIPS 180-2 vector; read in odd-sized pieces so buffer boundaries fall mid-block.
        using var stream = new TrickleStream(new MemoryStream(Encoding.ASCII.GetBytes(new string('a', 1_000_000))), 777);

        var hashed = await EvidenceHasher.HashAsync(stream);

        Assert.Equal("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", hashed.Digest.Hex);
        Assert.Equal(1_000_000, hashed.Length);
    }

    [Theory]
    [InlineData("screenshot-refund-page.png")]
    [InlineData("call-recording.wav")]
    [InlineData("screen-recording.webm")]
    [InlineData("page-snapshot-refund.pdf")]
    public async Task CopyAndHashAsync_SampleEvidence_CopiesExactBytesAndMatchesSha256Sums(string file)
    {
        await using var source = File.OpenRead(SampleEvidence.PathOf(file));
        using var copy = new MemoryStream();

        var hashed = await EvidenceHasher.CopyAndHashAsync(source, copy);

        Assert.Equal(SampleEvidence.KnownSha256[file], hashed.Digest.Hex);
        Assert.Equal(new FileInfo(SampleEvidence.PathOf(file)).Length, copy.Length);
        Assert.Equal(hashed.Digest, Sha256Digest.Of(copy.GetBuffer().AsSpan(0, (int)copy.Length)));
    }

    [Fact]
    public void Sha256Digest_Base64RoundTrip_MatchesRfc9530Form()
    {
        var digest = Sha256Digest.ParseHex("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD");

        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", digest.Hex);
        Assert.Equal("ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=", digest.Base64);
        Assert.True(Sha256Digest.TryParseBase64(digest.Base64, out var back));
        Assert.Equal(digest, back);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("zz7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015")]
    public void Sha256Digest_TryParseHex_RejectsNonDigests(string text) =>
        Assert.False(Sha256Digest.TryParseHex(text, out _));

    [Theory]
    [InlineData("AAAA")]
    [InlineData("not base64!")]
    public void Sha256Digest_TryParseBase64_RejectsWrongLengthOrAlphabet(string text) =>
        Assert.False(Sha256Digest.TryParseBase64(text, out _));

    private sealed class TrickleStream(Stream inner, int maxRead) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override void Flush() => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, maxRead));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(buffer[..Math.Min(buffer.Length, maxRead)], cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
