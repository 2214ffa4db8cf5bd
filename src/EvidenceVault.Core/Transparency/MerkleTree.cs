using System.Numerics;
using System.Security.Cryptography;
using EvidenceVault.Hashing;

namespace EvidenceVault.Transparency;

/// <summary>
/// The Merkle tree of the vault log, as RFC 9162 §2.1 (Certificate Transparency 2.0) defines it: a leaf hashes as
/// <c>SHA-256(0x00 ‖ leaf)</c>, a node as <c>SHA-256(0x01 ‖ left ‖ right)</c>, and a tree of <c>n</c> leaves splits
/// at the largest power of two below <c>n</c>. Proofs are produced from the hashes of aligned subtrees, which the
/// log stores as it grows, and checked with the iterative algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2, so any
/// other implementation of that RFC agrees with these roots and proofs.
/// </summary>
public static class MerkleTree
{
    /// <summary>Reads the hash of the complete, aligned subtree of <c>2^level</c> leaves starting at leaf <c>index · 2^level</c>.</summary>
    public delegate ValueTask<Sha256Digest> SubtreeReader(int level, long index, CancellationToken cancellationToken);

    /// <summary>The root of the empty tree: SHA-256 of nothing.</summary>
    public static Sha256Digest EmptyRoot { get; } = Sha256Digest.Of([]);

    /// <summary><c>SHA-256(0x00 ‖ leaf)</c>.</summary>
    public static Sha256Digest LeafHash(ReadOnlySpan<byte> leaf)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData([0x00]);
        hash.AppendData(leaf);
        return Finish(hash);
    }

    /// <summary><c>SHA-256(0x01 ‖ left ‖ right)</c>.</summary>
    public static Sha256Digest NodeHash(Sha256Digest left, Sha256Digest right)
    {
        Span<byte> buffer = stackalloc byte[1 + (2 * 32)];
        buffer[0] = 0x01;
        Convert.FromHexString(left.Hex, buffer.Slice(1, 32), out _, out _);
        Convert.FromHexString(right.Hex, buffer.Slice(33, 32), out _, out _);
        return Sha256Digest.Of(buffer);
    }

    /// <summary>
    /// The complete subtrees a tree of <paramref name="size"/> leaves is made of, largest (leftmost) first, as
    /// (level, index): one per bit set in the size. Appending a leaf needs only their hashes.
    /// </summary>
    public static IEnumerable<(int Level, long Index)> Frontier(long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        var start = 0L;
        for (var level = 62; level >= 0; level--)
        {
            var width = 1L << level;
            if ((size & width) != 0)
            {
                yield return (level, start >> level);
                start += width;
            }
        }
    }

    /// <summary>The root of a tree from the hashes of its frontier, largest subtree first.</summary>
    public static Sha256Digest RootOfFrontier(IReadOnlyList<Sha256Digest> frontier)
    {
        ArgumentNullException.ThrowIfNull(frontier);
        if (frontier.Count == 0)
        {
            return EmptyRoot;
        }

        var root = frontier[^1];
        for (var i = frontier.Count - 2; i >= 0; i--)
        {
            root = NodeHash(frontier[i], root);
        }

        return root;
    }

    /// <summary>The root of the first <paramref name="size"/> leaves.</summary>
    public static async ValueTask<Sha256Digest> RootAsync(long size, SubtreeReader read, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(read);
        return size == 0 ? EmptyRoot : await RangeAsync(0, size, read, cancellationToken);
    }

    /// <summary>RFC 9162 §2.1.3.1: the audit path of leaf <paramref name="index"/> in the tree of <paramref name="size"/> leaves.</summary>
    public static async ValueTask<IReadOnlyList<Sha256Digest>> InclusionProofAsync(long index, long size, SubtreeReader read, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(read);
        if (index < 0 || index >= size)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"Leaf {index} is not in a tree of {size}.");
        }

        var proof = new List<Sha256Digest>();
        await PathAsync(index, 0, size, read, proof, cancellationToken);
        return proof;
    }

    /// <summary>RFC 9162 §2.1.4.1: the proof that the tree of <paramref name="size1"/> leaves is a prefix of the tree of <paramref name="size2"/>.</summary>
    public static async ValueTask<IReadOnlyList<Sha256Digest>> ConsistencyProofAsync(long size1, long size2, SubtreeReader read, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(read);
        if (size1 <= 0 || size1 > size2)
        {
            throw new ArgumentOutOfRangeException(nameof(size1), $"No consistency proof from {size1} to {size2}.");
        }

        var proof = new List<Sha256Digest>();
        await SubproofAsync(size1, 0, size2, true, read, proof, cancellationToken);
        return proof;
    }

    /// <summary>Reads a proof written as hex hashes (a bundle's audit path, a vault's consistency proof); false when any is not a SHA-256.</summary>
    public static bool TryParseProof(IEnumerable<string>? hex, out List<Sha256Digest> proof)
    {
        proof = [];
        foreach (var hash in hex ?? [])
        {
            if (!Sha256Digest.TryParseHex(hash, out var digest))
            {
                return false;
            }

            proof.Add(digest);
        }

        return hex is not null;
    }

    /// <summary>RFC 9162 §2.1.3.2: whether <paramref name="proof"/> leads from the leaf to <paramref name="root"/>.</summary>
    public static bool VerifyInclusion(long index, long size, Sha256Digest leafHash, IReadOnlyList<Sha256Digest> proof, Sha256Digest root)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (index < 0 || index >= size)
        {
            return false;
        }

        var fn = index;
        var sn = size - 1;
        var r = leafHash;
        foreach (var p in proof)
        {
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                r = NodeHash(p, r);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                r = NodeHash(r, p);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && r.FixedTimeEquals(root);
    }

    /// <summary>RFC 9162 §2.1.4.2: whether <paramref name="proof"/> shows the first tree is a prefix of the second.</summary>
    public static bool VerifyConsistency(long size1, long size2, Sha256Digest root1, Sha256Digest root2, IReadOnlyList<Sha256Digest> proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (size1 <= 0 || size1 > size2)
        {
            return false;
        }

        if (size1 == size2)
        {
            return proof.Count == 0 && root1.FixedTimeEquals(root2);
        }

        var path = new List<Sha256Digest>(proof.Count + 1);
        if (BitOperations.IsPow2(size1))
        {
            path.Add(root1);
        }

        path.AddRange(proof);
        if (path.Count == 0)
        {
            return false;
        }

        var fn = size1 - 1;
        var sn = size2 - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        var fr = path[0];
        var sr = path[0];
        foreach (var c in path.Skip(1))
        {
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                fr = NodeHash(c, fr);
                sr = NodeHash(c, sr);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                sr = NodeHash(sr, c);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && fr.FixedTimeEquals(root1) && sr.FixedTimeEquals(root2);
    }

    // MTH(D[start:end]); every range the proofs ask for is either one stored aligned subtree or splits into them.
    private static async ValueTask<Sha256Digest> RangeAsync(long start, long end, SubtreeReader read, CancellationToken cancellationToken)
    {
        var width = end - start;
        if (BitOperations.IsPow2(width) && start % width == 0)
        {
            return await read(BitOperations.Log2((ulong)width), start / width, cancellationToken);
        }

        var k = SplitPoint(width);
        return NodeHash(await RangeAsync(start, start + k, read, cancellationToken), await RangeAsync(start + k, end, read, cancellationToken));
    }

    private static async ValueTask PathAsync(long m, long start, long end, SubtreeReader read, List<Sha256Digest> proof, CancellationToken cancellationToken)
    {
        var n = end - start;
        if (n == 1)
        {
            return;
        }

        var k = SplitPoint(n);
        if (m < k)
        {
            await PathAsync(m, start, start + k, read, proof, cancellationToken);
            proof.Add(await RangeAsync(start + k, end, read, cancellationToken));
        }
        else
        {
            await PathAsync(m - k, start + k, end, read, proof, cancellationToken);
            proof.Add(await RangeAsync(start, start + k, read, cancellationToken));
        }
    }

    private static async ValueTask SubproofAsync(long m, long start, long end, bool whole, SubtreeReader read, List<Sha256Digest> proof, CancellationToken cancellationToken)
    {
        var n = end - start;
        if (m == n)
        {
            if (!whole)
            {
                proof.Add(await RangeAsync(start, end, read, cancellationToken));
            }

            return;
        }

        var k = SplitPoint(n);
        if (m <= k)
        {
            await SubproofAsync(m, start, start + k, whole, read, proof, cancellationToken);
            proof.Add(await RangeAsync(start + k, end, read, cancellationToken));
        }
        else
        {
            await SubproofAsync(m - k, start + k, end, false, read, proof, cancellationToken);
            proof.Add(await RangeAsync(start, start + k, read, cancellationToken));
        }
    }

    // The largest power of two smaller than n (n ≥ 2).
    private static long SplitPoint(long n) => 1L << BitOperations.Log2((ulong)(n - 1));

    private static Sha256Digest Finish(IncrementalHash hash)
    {
        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        return Sha256Digest.FromBytes(digest);
    }
}
