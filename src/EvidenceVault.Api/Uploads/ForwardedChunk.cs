using System.Runtime.ExceptionServices;

namespace EvidenceVault.Api.Uploads;

/// <summary>
/// A PATCH body handed to storage as one block while it arrives: every byte read is shown to an observer (the
/// evidence hash, the recognised head) on its way through, and a body that ends before its Content-Length fails the
/// block instead of storing it short (400 <c>incomplete-body</c>, as Kestrel reports a body cut off).
/// </summary>
/// <remarks>
/// The storage SDK sends a request body of known length only from a seekable stream, and seeks it back to its start
/// before each attempt. This stream reports its length and allows that seek while nothing has been read; a retry
/// after bytes went through cannot replay them and fails, so a PATCH is stored whole or not at all and the client
/// sends it again. The body's own failure (the client cut off) is kept, so the caller can report it rather than
/// the SDK's view of it.
/// </remarks>
internal sealed class ForwardedChunk(Stream body, long length, ForwardedChunk.Observer observe) : Stream
{
    /// <summary>Sees each run of bytes, in order, as they pass.</summary>
    public delegate void Observer(ReadOnlySpan<byte> bytes);

    private long _read;
    private ExceptionDispatchInfo? _bodyFailure;

    /// <summary>Whether reading the body failed.</summary>
    public bool BodyFailed => _bodyFailure is not null;

    /// <summary>Rethrows the body's own failure, if reading it failed.</summary>
    public void ThrowIfBodyFailed() => _bodyFailure?.Throw();

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _read;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _read + offset,
            _ => length + offset,
        };
        return target == _read ? _read : throw new ReplayRefusedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var wanted = (int)Math.Min(buffer.Length, length - _read);
        if (wanted == 0)
        {
            return 0;
        }

        // Whole buffers, as the SDK's copy asks for them: storage then receives full writes, not every few kilobytes
        // the network happened to deliver.
        var read = 0;
        while (read < wanted)
        {
            int got;
            try
            {
                got = await body.ReadAsync(buffer[read..wanted], cancellationToken);
            }
            catch (Exception e)
            {
                _bodyFailure = ExceptionDispatchInfo.Capture(e);
                throw;
            }

            if (got == 0)
            {
                var cutOff = new BadHttpRequestException($"The PATCH body ended after {_read + read} of its {length} bytes.");
                _bodyFailure = ExceptionDispatchInfo.Capture(cutOff);
                throw cutOff;
            }

            read += got;
        }

        observe(buffer.Span[..read]);
        _read += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("A PATCH body is read asynchronously.");

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>A second attempt at sending the chunk, after bytes of it went through: the earlier attempt failed.</summary>
    public sealed class ReplayRefusedException() : NotSupportedException("A PATCH body passes through once; it cannot be sent again.");
}
