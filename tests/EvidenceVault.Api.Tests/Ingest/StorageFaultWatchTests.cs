using EvidenceVault.Api.Ingest;

namespace EvidenceVault.Api.Tests.Ingest;

/// <summary>
/// What tells a storage fault under a file statement reader from the reader's own: the watch over the stored stream
/// passes every byte and every exception on unchanged, and remembers only those the stored stream threw of its own.
/// </summary>
public sealed class StorageFaultWatchTests
{
    [Fact]
    public async Task Bytes_pass_unchanged_and_a_reader_that_reads_past_nothing_leaves_no_fault()
    {
        var bytes = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();
        await using var watch = new StorageFaultWatch(new MemoryStream(bytes));

        watch.Position = 990;
        var tail = new byte[20];
        var read = await watch.ReadAsync(tail);
        watch.Seek(-1000, SeekOrigin.End);
        var head = new byte[10];
        watch.ReadExactly(head);

        Assert.Equal((10, 1000L, 10L), (read, watch.Length, watch.Position));
        Assert.Equal(bytes[990..], tail[..10]);
        Assert.Equal(bytes[..10], head);
        Assert.Null(watch.Fault);
    }

    [Fact]
    public async Task A_connection_lost_under_the_reader_is_remembered_as_storages_and_passes_on_unchanged()
    {
        var lost = new IOException("The connection was reset.");
        await using var watch = new StorageFaultWatch(new BrokenStoredStream(lost));

        var thrown = await Assert.ThrowsAsync<IOException>(async () => await watch.ReadExactlyAsync(new byte[16]));
        Assert.Throws<IOException>(() => watch.ReadExactly(new byte[16]));

        Assert.Same(lost, thrown);
        Assert.Same(lost, watch.Fault);
    }

    [Fact]
    public async Task A_position_the_stream_refuses_is_the_readers_fault_not_storages()
    {
        await using var watch = new StorageFaultWatch(new BrokenStoredStream(new IOException("unused")));

        Assert.Throws<ArgumentOutOfRangeException>(() => watch.Seek(-1, SeekOrigin.Begin));
        Assert.Throws<NotSupportedException>(() => watch.Write([1], 0, 1));

        Assert.Null(watch.Fault);
    }

    /// <summary>A stored stream whose reads fail as a dropped connection does, and which refuses a seek before its start.</summary>
    private sealed class BrokenStoredStream(Exception readFault) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => 1000;

        public override long Position { get; set; }

        public override int Read(byte[] buffer, int offset, int count) => throw readFault;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromException<int>(readFault);

        public override long Seek(long offset, SeekOrigin origin) =>
            origin == SeekOrigin.Begin && offset >= 0 ? Position = offset : throw new ArgumentOutOfRangeException(nameof(offset));

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
