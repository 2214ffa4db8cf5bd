using EvidenceVault.Hashing;
using EvidenceVault.Testing;
using EvidenceVault.Transparency;

namespace EvidenceVault.Core.Tests.Transparency;

public sealed class MerkleTreeTests
{
    // The reference leaves and roots every RFC 6962 implementation is tested against (Certificate Transparency).
    private static readonly byte[][] ReferenceLeaves =
        [.. new[] { "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f" }.Select(Convert.FromHexString)];

    private static readonly string[] ReferenceRoots =
    [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    // Declared after the leaves it is built from.
    private static readonly InMemoryLogTree ReferenceTree = new(ReferenceLeaves.Select(leaf => MerkleTree.LeafHash(leaf)));

    [Fact]
    public async Task Roots_match_the_reference_roots_of_every_size_both_from_stored_subtrees_and_from_the_frontier()
    {
        var tree = ReferenceTree;

        for (var size = 0; size <= ReferenceLeaves.Length; size++)
        {
            Assert.Equal(ReferenceRoots[size], (await MerkleTree.RootAsync(size, tree.ReadAsync)).Hex);
            var frontier = new List<Sha256Digest>();
            foreach (var (level, index) in MerkleTree.Frontier(size))
            {
                frontier.Add(await tree.ReadAsync(level, index, CancellationToken.None));
            }

            Assert.Equal(ReferenceRoots[size], MerkleTree.RootOfFrontier(frontier).Hex);
        }
    }

    [Theory]
    [InlineData(0, 8, "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7 5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e 6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")]
    [InlineData(5, 8, "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0 d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")]
    [InlineData(0, 1, "")]
    public async Task Inclusion_proofs_are_the_reference_proofs(long index, long size, string expected)
    {
        var tree = ReferenceTree;

        var proof = await MerkleTree.InclusionProofAsync(index, size, tree.ReadAsync);

        Assert.Equal(expected, string.Join(' ', proof.Select(p => p.Hex)));
        Assert.True(MerkleTree.VerifyInclusion(index, size, MerkleTree.LeafHash(ReferenceLeaves[index]), proof, Sha256Digest.ParseHex(ReferenceRoots[size])));
    }

    [Theory]
    [InlineData(1, 8, "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7 5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e 6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")]
    [InlineData(6, 8, "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0 d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")]
    [InlineData(2, 5, "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")]
    [InlineData(8, 8, "")]
    public async Task Consistency_proofs_are_the_reference_proofs(long size1, long size2, string expected)
    {
        var tree = ReferenceTree;

        var proof = await MerkleTree.ConsistencyProofAsync(size1, size2, tree.ReadAsync);

        Assert.Equal(expected, string.Join(' ', proof.Select(p => p.Hex)));
        Assert.True(MerkleTree.VerifyConsistency(size1, size2, Sha256Digest.ParseHex(ReferenceRoots[size1]), Sha256Digest.ParseHex(ReferenceRoots[size2]), proof));
    }

    [Fact]
    public async Task Every_proof_in_trees_of_every_shape_verifies_and_no_changed_proof_does()
    {
        var tree = new InMemoryLogTree(Enumerable.Range(0, 37).Select(i => MerkleTree.LeafHash([(byte)i, (byte)(i * 7)])));
        var roots = new List<Sha256Digest>();
        for (var size = 0; size <= 37; size++)
        {
            roots.Add(await MerkleTree.RootAsync(size, tree.ReadAsync));
        }

        for (var size = 1; size <= 37; size++)
        {
            for (var index = 0; index < size; index++)
            {
                var leaf = tree.Leaf(index);
                var proof = await MerkleTree.InclusionProofAsync(index, size, tree.ReadAsync);
                Assert.True(MerkleTree.VerifyInclusion(index, size, leaf, proof, roots[size]), $"leaf {index} of {size}");
                Assert.False(MerkleTree.VerifyInclusion(index, size, tree.Leaf((index + 1) % 37), proof, roots[size]), $"another leaf at {index} of {size}");
                if (size < 37)
                {
                    Assert.False(MerkleTree.VerifyInclusion(index, size + 1, leaf, proof, roots[size + 1]), $"leaf {index} claimed in {size + 1}");
                }

                if (proof.Count > 0)
                {
                    Assert.False(MerkleTree.VerifyInclusion(index, size, leaf, proof.Skip(1).ToList(), roots[size]), $"shortened proof {index} of {size}");
                    Assert.False(MerkleTree.VerifyInclusion(index, size, leaf, [.. proof, proof[0]], roots[size]), $"lengthened proof {index} of {size}");
                }
            }

            for (var older = 1; older <= size; older++)
            {
                var proof = await MerkleTree.ConsistencyProofAsync(older, size, tree.ReadAsync);
                Assert.True(MerkleTree.VerifyConsistency(older, size, roots[older], roots[size], proof), $"{older} → {size}");
                if (older < size)
                {
                    Assert.False(MerkleTree.VerifyConsistency(older, size, roots[older - 1 > 0 ? older - 1 : size], roots[size], proof), $"wrong older root {older} → {size}");
                    for (var i = 0; i < proof.Count; i++)
                    {
                        var changed = proof.ToList();
                        changed[i] = MerkleTree.NodeHash(changed[i], changed[i]);
                        Assert.False(MerkleTree.VerifyConsistency(older, size, roots[older], roots[size], changed), $"changed hash {i} of {older} → {size}");
                    }
                }
            }
        }
    }

    [Fact]
    public async Task A_rewritten_history_has_no_consistency_proof_to_the_checkpoint_taken_before()
    {
        var leaves = Enumerable.Range(0, 12).Select(i => MerkleTree.LeafHash([(byte)i])).ToList();
        var honest = new InMemoryLogTree(leaves);
        var before = await MerkleTree.RootAsync(9, honest.ReadAsync);
        leaves.RemoveAt(4); // a case's entry taken out, the rest kept in order
        leaves.Add(MerkleTree.LeafHash([99]));
        var rewritten = new InMemoryLogTree(leaves);

        var proof = await MerkleTree.ConsistencyProofAsync(9, 12, rewritten.ReadAsync);

        Assert.False(MerkleTree.VerifyConsistency(9, 12, before, await MerkleTree.RootAsync(12, rewritten.ReadAsync), proof));
        Assert.True(MerkleTree.VerifyConsistency(9, 12, before, await MerkleTree.RootAsync(12, honest.ReadAsync), await MerkleTree.ConsistencyProofAsync(9, 12, honest.ReadAsync)));
    }

    [Fact]
    public void A_case_head_leaf_is_four_lines_of_text_hashed_with_the_leaf_prefix()
    {
        var leaf = new CaseHeadLeaf("01JDCASE", 7, new string('a', 64));

        Assert.Equal("EvidenceVault case head v1\n01JDCASE\n7\n" + new string('a', 64) + "\n", System.Text.Encoding.UTF8.GetString(leaf.ToBytes()));
        Assert.Equal(Sha256Digest.Of([0x00, .. leaf.ToBytes()]), leaf.Hash());
    }

    [Fact]
    public void A_checkpoint_reads_back_from_its_text_and_nothing_else_passes_for_one()
    {
        var checkpoint = new LogCheckpoint("vault.example/log", 42, Sha256Digest.Of([1, 2, 3]));

        Assert.True(LogCheckpoint.TryParse(checkpoint.ToText(), out var read));
        Assert.Equal(checkpoint, read);
        Assert.True(LogCheckpoint.TryParse(checkpoint.ToText() + "extension line\n", out _));
        Assert.False(LogCheckpoint.TryParse("vault.example/log\n42\n", out _));
        Assert.False(LogCheckpoint.TryParse("vault.example/log\n-42\n" + checkpoint.Root.Base64 + "\n", out _));
        Assert.False(LogCheckpoint.TryParse("vault.example/log\n42\n" + checkpoint.Root.Base64, out _));
    }
}
