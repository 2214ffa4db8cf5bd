using System.Security.Cryptography;
using System.Text;
using EvidenceVault.Hashing;
using EvidenceVault.Receipts;

namespace EvidenceVault.Transparency;

/// <summary>
/// Whether a newer checkpoint of the vault log, as the vault shows it, extends one held earlier: same log, signed by a
/// trusted key, and an RFC 9162 consistency proof from the older size to the newer. Two signed checkpoints that fail
/// this are the vault's own proof that its log was rewritten between them.
/// </summary>
public static class CheckpointExtension
{
    /// <summary>Null when <paramref name="newerBytes"/> extends <paramref name="older"/>; otherwise why not.</summary>
    /// <param name="older">The checkpoint held (from a bundle, or kept by a witness).</param>
    /// <param name="newerBytes">The newer checkpoint's exact bytes.</param>
    /// <param name="signature">The vault's DER signature over them.</param>
    /// <param name="key">The key named as the signer, when trusted; null when it is not.</param>
    /// <param name="proofHex">The consistency proof (hex) from the older size to the newer.</param>
    /// <param name="newer">The newer checkpoint, when it parses.</param>
    public static CheckpointGap? Check(LogCheckpoint older, byte[] newerBytes, byte[] signature, ECDsa? key, IReadOnlyList<string> proofHex, out LogCheckpoint? newer)
    {
        ArgumentNullException.ThrowIfNull(older);
        ArgumentNullException.ThrowIfNull(newerBytes);
        ArgumentNullException.ThrowIfNull(proofHex);
        if (!LogCheckpoint.TryParse(Encoding.UTF8.GetString(newerBytes), out newer) || newer is null || newer.Origin != older.Origin)
        {
            return new CheckpointGap(CheckpointGapKind.OtherLog, $"the vault's current checkpoint is not a checkpoint of {older.Origin}");
        }

        if (key is null || !ReceiptSignatures.Verify(key, newerBytes, signature))
        {
            return new CheckpointGap(CheckpointGapKind.UntrustedSignature, "the vault's current checkpoint is not signed by a trusted vault key");
        }

        var proof = new List<Sha256Digest>(proofHex.Count);
        foreach (var hex in proofHex)
        {
            if (!Sha256Digest.TryParseHex(hex, out var hash))
            {
                return new CheckpointGap(CheckpointGapKind.NotAnExtension, "the consistency proof is not a list of SHA-256 hashes");
            }

            proof.Add(hash);
        }

        return MerkleTree.VerifyConsistency(older.Size, newer.Size, older.Root, newer.Root, proof)
            ? null
            : new CheckpointGap(CheckpointGapKind.NotAnExtension, $"the vault's log of {newer.Size} entries is not an extension of the checkpoint of {older.Size}: its history was changed");
    }
}

/// <summary>What keeps a newer checkpoint from extending an older one.</summary>
public enum CheckpointGapKind
{
    /// <summary>Not a checkpoint, or one of another log.</summary>
    OtherLog,

    /// <summary>Not signed by a trusted key (after a key rotation: the new key is not yet trusted).</summary>
    UntrustedSignature,

    /// <summary>No valid consistency proof: the log was rewritten, or shortened.</summary>
    NotAnExtension,
}

/// <summary>Why a newer checkpoint does not extend an older one.</summary>
/// <param name="Kind">Which check failed.</param>
/// <param name="Message">The reason, in words.</param>
public sealed record CheckpointGap(CheckpointGapKind Kind, string Message);
