using System.Runtime.ExceptionServices;

namespace EvidenceVault.Api.Uploads;

/// <summary>
/// A PATCH body handed to storage as one block while it arrives. Every byte read is shown to <c>passing</c> (the
/// recognised head) on its way through, and copied into <c>hold</c>, to be shown to <c>hashing</c> (the evidence hash)
/// later: once storage has taken the last byte, <see cref="StoreAsync"/> hashes what is held while storage checks the
/// block, time in which the vault has nothing else to do. A full hold is hashed on the way and starts again, so
/// <c>hashing</c> sees every byte once, in order. A body that ends before its Content-Length fails the block instead
/// of storing it short (400 <c>incomplete-body</c>, as Kestrel reports a body cut off).
/// </summary>
/// <remarks>
/// The storage SDK sends a request body of known length only from a seekable stream, and seeks it back to its start
/// before each attempt. This stream reports its length and allows that seek while nothing has been read; a retry
/// after bytes went through cannot replay them and fails, so a PATCH is stored whole or not at all and the client
/// sends it again. The body's own failure (the client cut off) is kept, so the caller can report it rather than
/// the SDK's view of it. The SDK reuses its buffer after each write, hence the copy.
/// </remarks>
internal sealed class ForwardedChunk(Stream body, long length, Memory<byte> hold, ForwardedChunk.Observer passing, ForwardedChunk.Observer hashing) : Stream
{
    /// <summary>Sees each run of bytes, in order, as they pass.</summary>
    public delegate void Observer(ReadOnlySpan<byte> bytes);

    private readonly TaskCompletionSource _sent = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _read;
    private int _held;
    private ExceptionDispatchInfo? _bodyFailure;

    /// <summary>Whether reading the body failed.</summary>
    public bool BodyFailed => _bodyFailure is not null;

    /// <summary>Rethrows the body's own failure, if reading it failed.</summary>
    public void ThrowIfBodyFailed() => _bodyFailure?.Throw();

    /// <summary>
    /// Waits for <paramref name="storing"/>, the block's upload from this stream; once storage has read the last byte,
    /// hashes what is held while it checks the block. Every byte has been hashed when this returns.
    /// </summary>
    public async Task StoreAsync(Task storing)
    {
        await Task.WhenAny(storing, _sent.Task);
        if (_sent.Task.IsCompleted)
        {
            HashHeld();
        }

        await storing;
    }

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

        passing(buffer.Span[..read]);
        Hold(buffer.Span[..read]);
        _read += read;
        if (_read == length)
        {
            _sent.TrySetResult();
        }

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

    private void Hold(ReadOnlySpan<byte> bytes)
    {
        if (hold.IsEmpty)
        {
            hashing(bytes);
            return;
        }

        while (!bytes.IsEmpty)
        {
            if (_held == hold.Length)
            {
                HashHeld();
            }

            var taken = Math.Min(bytes.Length, hold.Length - _held);
            bytes[..taken].CopyTo(hold.Span[_held..]);
            _held += taken;
            bytes = bytes[taken..];
        }
    }

    private void HashHeld()
    {
        hashing(hold.Span[.._held]);
        _held = 0;
    }

    /// <summary>A second attempt at sending the chunk, after bytes of it went through: the earlier attempt failed.</summary>
    public sealed class ReplayRefusedException() : NotSupportedException("A PATCH body passes through once; it cannot be sent again.");
}
