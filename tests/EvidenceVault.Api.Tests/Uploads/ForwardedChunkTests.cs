using EvidenceVault.Api.Uploads;

namespace EvidenceVault.Api.Tests.Uploads;

public sealed class ForwardedChunkTests
{
    private static readonly byte[] Bytes = [.. Enumerable.Range(0, 10_000).Select(i => (byte)(i * 7))];

    [Theory]
    [InlineData(3_000, 9_000)] // a longer chunk: each full hold hashed on the way, the last 1,000 bytes while storage checks
    [InlineData(10_000, 0)] // the whole chunk held, all of it hashed while storage checks
    [InlineData(0, 10_000)] // no hold: every byte hashed on its way
    public async Task Every_byte_passes_once_in_order_in_whole_buffers_and_is_hashed_in_order_by_the_time_it_is_stored(int hold, int hashedOnTheWay)
    {
        var (passed, hashed) = (new List<byte>(), new List<byte>());
        ForwardedChunk? chunk = null;
        var hashedBeforeAllWereSent = 0;
        void Hash(ReadOnlySpan<byte> bytes)
        {
            hashed.AddRange(bytes.ToArray());
            hashedBeforeAllWereSent += chunk!.Position < Bytes.Length ? bytes.Length : 0;
        }

        chunk = new ForwardedChunk(new TrickleStream(Bytes, 333), Bytes.Length, new byte[hold], b => passed.AddRange(b.ToArray()), Hash);
        Assert.Equal(0, chunk.Seek(0, SeekOrigin.Begin)); // what the SDK does before it sends
        var buffer = new byte[4096];
        using var stored = new MemoryStream();

        async Task SendAsync()
        {
            int read;
            while ((read = await chunk.ReadAsync(buffer)) > 0)
            {
                Assert.True(read == buffer.Length || stored.Length + read == Bytes.Length); // filled from several reads of the body
                stored.Write(buffer, 0, read);
            }
        }

        await chunk.StoreAsync(SendAsync());

        Assert.Equal(hashedOnTheWay, hashedBeforeAllWereSent); // the rest was hashed once storage had every byte
        Assert.Equal(Bytes, stored.ToArray());
        Assert.Equal(Bytes, passed);
        Assert.Equal(Bytes, hashed);
        Assert.Equal(Bytes.Length, chunk.Position);
        Assert.Throws<ForwardedChunk.ReplayRefusedException>(() => chunk.Seek(0, SeekOrigin.Begin)); // a retry cannot replay it
        Assert.False(chunk.BodyFailed);
    }

    [Fact]
    public async Task A_store_that_takes_exactly_the_length_without_asking_for_more_still_has_every_byte_hashed()
    {
        var hashed = new List<byte>();
        await using var chunk = new ForwardedChunk(new MemoryStream(Bytes), Bytes.Length, new byte[Bytes.Length], _ => { }, b => hashed.AddRange(b.ToArray()));
        var stored = new byte[Bytes.Length];

        await chunk.StoreAsync(chunk.ReadExactlyAsync(stored).AsTask());

        Assert.Equal(Bytes, stored);
        Assert.Equal(Bytes, hashed);
    }

    [Fact]
    public async Task A_store_that_fails_before_the_end_is_reported_as_it_failed()
    {
        var hashed = 0;
        await using var chunk = new ForwardedChunk(new MemoryStream(Bytes), Bytes.Length, new byte[3_000], _ => { }, b => hashed += b.Length);

        async Task FailMidwayAsync()
        {
            Assert.Equal(4096, await chunk.ReadAsync(new byte[4096]));
            throw new IOException("storage went away");
        }

        var thrown = await Assert.ThrowsAsync<IOException>(() => chunk.StoreAsync(FailMidwayAsync()));

        Assert.Equal("storage went away", thrown.Message);
        Assert.Equal(3_000, hashed); // only the full hold; nothing counts from a failed chunk anyway
    }

    [Fact]
    public async Task A_body_that_ends_early_fails_the_chunk_and_the_failure_is_kept()
    {
        await using var chunk = new ForwardedChunk(new MemoryStream(new byte[100]), 150, new byte[64], _ => { }, _ => { });

        var thrown = await Assert.ThrowsAsync<BadHttpRequestException>(() => chunk.StoreAsync(chunk.CopyToAsync(Stream.Null)));

        Assert.Contains("100 of its 150", thrown.Message, StringComparison.Ordinal);
        Assert.True(chunk.BodyFailed);
        Assert.Same(thrown, Assert.Throws<BadHttpRequestException>(chunk.ThrowIfBodyFailed));
    }

    [Fact]
    public async Task The_body_s_own_failure_is_kept_for_the_caller()
    {
        await using var chunk = new ForwardedChunk(new FailingStream(), 10, new byte[64], _ => { }, _ => { });

        await Assert.ThrowsAsync<IOException>(() => chunk.CopyToAsync(Stream.Null));

        Assert.Equal("connection reset", Assert.Throws<IOException>(chunk.ThrowIfBodyFailed).Message);
    }

    [Fact]
    public void A_chunk_that_read_nothing_has_no_failure_to_report()
    {
        using var chunk = new ForwardedChunk(Stream.Null, 10, new byte[64], _ => { }, _ => { });

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
