namespace EvidenceVault.Api.Ingest;

/// <summary>
/// A stored blob's read stream as a file statement reader sees it, remembering whether storage itself failed under
/// the reader — so that a storage fault is told from a fault of the reader's own, whatever either throws. Every
/// exception passes on unchanged; the stream it watches stays its owner's to dispose.
/// </summary>
internal sealed class StorageFaultWatch(Stream stored) : Stream
{
    /// <summary>The first exception the stored stream threw of its own, if any.</summary>
    public Exception? Fault { get; private set; }

    public override bool CanRead => stored.CanRead;

    public override bool CanSeek => stored.CanSeek;

    public override bool CanWrite => false;

    public override long Length
    {
        get
        {
            try
            {
                return stored.Length;
            }
            catch (Exception e) when (Observe(e))
            {
                throw;
            }
        }
    }

    public override long Position
    {
        get => stored.Position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        try
        {
            return stored.Read(buffer);
        }
        catch (Exception e) when (Observe(e))
        {
            throw;
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await stored.ReadAsync(buffer, cancellationToken);
        }
        catch (Exception e) when (Observe(e))
        {
            throw;
        }
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        try
        {
            return stored.Seek(offset, origin);
        }
        catch (Exception e) when (Observe(e))
        {
            throw;
        }
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>
    /// Records the first fault of storage's and lets every exception pass on: an exception filter that never catches.
    /// An argument the stream refuses (a seek before the start) or an operation it lacks is the caller's fault.
    /// </summary>
    private bool Observe(Exception fault)
    {
        if (fault is not (ArgumentException or NotSupportedException))
        {
            Fault ??= fault;
        }

        return false;
    }
}
