using EvidenceVault.Api.Uploads;

namespace EvidenceVault.Api.Tests.Uploads;

public sealed class ForwardedChunkTests
{
    [Fact]
    public async Task Every_byte_passes_once_in_order_past_the_observer_in_whole_buffers()
    {
        var bytes = Enumerable.Range(0, 10_000).Select(i => (byte)(i * 7)).ToArray();
        var seen = new List<byte>();
        await using var chunk = new ForwardedChunk(new TrickleStream(bytes, 333), bytes.Length, b => seen.AddRange(b.ToArray()));
        Assert.Equal(0, chunk.Seek(0, SeekOrigin.Begin)); // what the SDK does before it sends
        var buffer = new byte[4096];

        var first = await chunk.ReadAsync(buffer);
        using var copy = new MemoryStream();
        copy.Write(buffer, 0, first);
        await chunk.CopyToAsync(copy);

        Assert.Equal(4096, first); // filled from several reads of the body, not just the first 333 bytes
        Assert.Equal(bytes, copy.ToArray());
        Assert.Equal(bytes, seen);
        Assert.Equal(bytes.Length, chunk.Position);
        Assert.Throws<ForwardedChunk.ReplayRefusedException>(() => chunk.Seek(0, SeekOrigin.Begin)); // a retry cannot replay it
        Assert.False(chunk.BodyFailed);
    }

    [Fact]
    public async Task A_body_that_ends_early_fails_the_chunk_and_the_failure_is_kept()
    {
        await using var chunk = new ForwardedChunk(new MemoryStream(new byte[100]), 150, _ => { });

        var thrown = await Assert.ThrowsAsync<BadHttpRequestException>(() => chunk.CopyToAsync(Stream.Null));

        Assert.Contains("100 of its 150", thrown.Message, StringComparison.Ordinal);
        Assert.True(chunk.BodyFailed);
        Assert.Same(thrown, Assert.Throws<BadHttpRequestException>(chunk.ThrowIfBodyFailed));
    }

    [Fact]
    public async Task The_body_s_own_failure_is_kept_for_the_caller()
    {
        await using var chunk = new ForwardedChunk(new FailingStream(), 10, _ => { });

        await Assert.ThrowsAsync<IOException>(() => chunk.CopyToAsync(Stream.Null));

        Assert.Equal("connection reset", Assert.Throws<IOException>(chunk.ThrowIfBodyFailed).Message);
    }

    [Fact]
    public void A_chunk_that_read_nothing_has_no_failure_to_report()
    {
        using var chunk = new ForwardedChunk(Stream.Null, 10, _ => { });

        chunk.ThrowIfBodyFailed();

        Assert.Equal((10, 0), (chunk.Length, chunk.Position));
    }

    /// <summary>A body that hands out at most a few bytes per read, as a network does.</summary>
    private sealed class TrickleStream(byte[] bytes, int most) : MemoryStream(bytes, writable: false)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, most)], cancellationToken);
    }

    private sealed class FailingStream : MemoryStream
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException<int>(new IOException("connection reset"));
    }
}
