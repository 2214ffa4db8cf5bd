namespace EvidenceVault.Testing;

/// <summary>A file's bytes given at most <paramref name="piece"/> bytes per read, as a slow network gives them.</summary>
public sealed class TricklingStream(byte[] bytes, int piece) : MemoryStream(bytes, writable: false)
{
    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, piece));

    /// <inheritdoc/>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        base.ReadAsync(buffer[..Math.Min(buffer.Length, piece)], cancellationToken);
}
