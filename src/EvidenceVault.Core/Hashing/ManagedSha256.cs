using System.Buffers.Binary;
using System.Numerics;

namespace EvidenceVault.Hashing;

/// <summary>SHA-256 (FIPS 180-4) in managed code: the portable engine of <see cref="ResumableSha256"/>.</summary>
internal sealed class ManagedSha256 : ResumableSha256
{
    private static readonly uint[] K =
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    private readonly uint[] _words = (uint[])InitialWords.Clone();
    private readonly byte[] _pending = new byte[64];
    private long _length;

    public override long Length => _length;

    public override void Append(ReadOnlySpan<byte> data)
    {
        var pendingCount = (int)(_length % 64);
        _length += data.Length;
        if (pendingCount > 0)
        {
            var take = Math.Min(64 - pendingCount, data.Length);
            data[..take].CopyTo(_pending.AsSpan(pendingCount));
            data = data[take..];
            if (pendingCount + take < 64)
            {
                return;
            }

            Compress(_words, _pending);
        }

        while (data.Length >= 64)
        {
            Compress(_words, data[..64]);
            data = data[64..];
        }

        data.CopyTo(_pending);
    }

    /// <summary>Pads and compresses the final blocks; the engine is spent afterwards.</summary>
    internal Sha256Digest Complete()
    {
        var bitLength = (ulong)_length * 8;
        Span<byte> padding = stackalloc byte[72];
        padding.Clear();
        padding[0] = 0x80;
        var padLength = (int)((55 - (_length % 64) + 64) % 64) + 1;
        BinaryPrimitives.WriteUInt64BigEndian(padding[padLength..], bitLength);
        Append(padding[..(padLength + 8)]);

        var digest = new byte[32];
        for (var i = 0; i < 8; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(digest.AsSpan(4 * i), _words[i]);
        }

        return Sha256Digest.FromBytes(digest);
    }

    private protected override SavedState Snapshot() =>
        new((uint[])_words.Clone(), _length, _pending.AsSpan(0, (int)(_length % 64)).ToArray());

    private protected override void Load(SavedState state)
    {
        state.Words.CopyTo(_words, 0);
        _length = state.Length;
        state.Pending.CopyTo(_pending, 0);
    }

    private static void Compress(uint[] words, ReadOnlySpan<byte> block)
    {
        Span<uint> w = stackalloc uint[64];
        for (var t = 0; t < 16; t++)
        {
            w[t] = BinaryPrimitives.ReadUInt32BigEndian(block[(4 * t)..]);
        }

        for (var t = 16; t < 64; t++)
        {
            var s0 = BitOperations.RotateRight(w[t - 15], 7) ^ BitOperations.RotateRight(w[t - 15], 18) ^ (w[t - 15] >> 3);
            var s1 = BitOperations.RotateRight(w[t - 2], 17) ^ BitOperations.RotateRight(w[t - 2], 19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }

        uint a = words[0], b = words[1], c = words[2], d = words[3], e = words[4], f = words[5], g = words[6], h = words[7];
        for (var t = 0; t < 64; t++)
        {
            var t1 = h + (BitOperations.RotateRight(e, 6) ^ BitOperations.RotateRight(e, 11) ^ BitOperations.RotateRight(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t];
            var t2 = (BitOperations.RotateRight(a, 2) ^ BitOperations.RotateRight(a, 13) ^ BitOperations.RotateRight(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }

        words[0] += a;
        words[1] += b;
        words[2] += c;
        words[3] += d;
        words[4] += e;
        words[5] += f;
        words[6] += g;
        words[7] += h;
    }
}
