using System.Buffers.Binary;

namespace EvidenceVault.Hashing;

/// <summary>
/// SHA-256 whose running state can be saved and restored, so the hash of a resumable upload continues on any
/// instance, after any restart, from the state stored beside the upload's offset — and the digest is known before
/// anything is committed. The platform's hash objects cannot export their state; this one can.
/// </summary>
/// <remarks>
/// The saved state is FIPS 180-4's own: the eight working words, the byte count and the 0–63 bytes not yet
/// compressed (<see cref="MaxStateSize"/> bytes at most). It is computed by OpenSSL's SHA-256 (hardware-accelerated)
/// where libcrypto is loaded, as on Linux; elsewhere by a managed implementation. Both read and write the same format.
/// </remarks>
public abstract class ResumableSha256
{
    /// <summary>Largest saved state: version, 8 words, length, pending count and up to 63 pending bytes.</summary>
    public const int MaxStateSize = 1 + 32 + 8 + 1 + 63;

    private const byte StateVersion = 1;

    private protected static readonly uint[] InitialWords =
    [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ];

    /// <summary>Bytes hashed so far.</summary>
    public abstract long Length { get; }

    /// <summary>A fresh hash.</summary>
    public static ResumableSha256 Create() => Create(preferNative: true);

    /// <summary>A hash continuing from <paramref name="state"/> (from <see cref="SaveState"/>).</summary>
    /// <exception cref="FormatException">The state is not one this class saved.</exception>
    public static ResumableSha256 Restore(ReadOnlySpan<byte> state) => Restore(state, preferNative: true);

    internal static ResumableSha256 Restore(ReadOnlySpan<byte> state, bool preferNative)
    {
        var hash = Create(preferNative);
        hash.Load(Parse(state));
        return hash;
    }

    internal static ResumableSha256 Create(bool preferNative) =>
        preferNative && OpenSslSha256.IsAvailable ? new OpenSslSha256() : new ManagedSha256();

    /// <summary>Adds bytes.</summary>
    public abstract void Append(ReadOnlySpan<byte> data);

    /// <summary>The state to continue from later (at most <see cref="MaxStateSize"/> bytes).</summary>
    public byte[] SaveState()
    {
        var (words, length, pending) = Snapshot();
        var state = new byte[1 + 32 + 8 + 1 + pending.Length];
        state[0] = StateVersion;
        for (var i = 0; i < 8; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(state.AsSpan(1 + (4 * i)), words[i]);
        }

        BinaryPrimitives.WriteInt64BigEndian(state.AsSpan(33), length);
        state[41] = (byte)pending.Length;
        pending.CopyTo(state.AsSpan(42));
        return state;
    }

    /// <summary>The digest of everything appended; the hash itself is left as it was.</summary>
    public Sha256Digest Finish()
    {
        var (words, length, pending) = Snapshot();
        var finisher = new ManagedSha256();
        finisher.Load(new SavedState(words, length, pending));
        return finisher.Complete();
    }

    private protected abstract SavedState Snapshot();

    private protected abstract void Load(SavedState state);

    private static SavedState Parse(ReadOnlySpan<byte> state)
    {
        if (state.Length < 42 || state[0] != StateVersion || state[41] > 63 || state.Length != 42 + state[41])
        {
            throw new FormatException("Not a saved SHA-256 state.");
        }

        var words = new uint[8];
        for (var i = 0; i < 8; i++)
        {
            words[i] = BinaryPrimitives.ReadUInt32BigEndian(state[(1 + (4 * i))..]);
        }

        var length = BinaryPrimitives.ReadInt64BigEndian(state[33..]);
        return length < 0 || length % 64 != state[41]
            ? throw new FormatException("The saved SHA-256 state is inconsistent.")
            : new SavedState(words, length, state[42..].ToArray());
    }

    /// <summary>The state between blocks: working words, bytes hashed, bytes not yet compressed.</summary>
    private protected sealed record SavedState(uint[] Words, long Length, byte[] Pending);
}
