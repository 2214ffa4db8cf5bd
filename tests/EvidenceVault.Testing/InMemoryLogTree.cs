using EvidenceVault.Hashing;
using EvidenceVault.Transparency;

namespace EvidenceVault.Testing;

/// <summary>A vault log tree kept in memory as its aligned subtree hashes, the rows the vault stores.</summary>
public sealed class InMemoryLogTree
{
    private readonly List<List<Sha256Digest>> _levels = [[]];

    public InMemoryLogTree(IEnumerable<Sha256Digest> leaves)
    {
        ArgumentNullException.ThrowIfNull(leaves);
        foreach (var leaf in leaves)
        {
            Append(leaf);
        }
    }

    public long Size => _levels[0].Count;

    public Sha256Digest Leaf(int index) => _levels[0][index];

    public void Append(Sha256Digest leaf)
    {
        _levels[0].Add(leaf);
        for (var level = 0; _levels[level].Count % 2 == 0; level++)
        {
            if (_levels.Count == level + 1)
            {
                _levels.Add([]);
            }

            var row = _levels[level];
            _levels[level + 1].Add(MerkleTree.NodeHash(row[^2], row[^1]));
        }
    }

    public ValueTask<Sha256Digest> ReadAsync(int level, long index, CancellationToken cancellationToken) => ValueTask.FromResult(_levels[level][(int)index]);
}
