using System.Security.Cryptography;
using System.Text;
using EvidenceVault.Receipts;

namespace EvidenceVault.Transparency;

/// <summary>
/// Whether a newer checkpoint of the vault log, as the vault shows it, extends one held earlier: same log, signed by a
/// trusted key, and an RFC 9162 consistency proof from the older size to the newer. Two signed checkpoints that fail
/// this are the vault's own proof that its log was rewritten between them.
/// </summary>
public static class CheckpointExtension
{
    /// <summary>
    /// Reads a checkpoint the vault signed: null when <paramref name="bytes"/> are a checkpoint and
    /// <paramref name="signature"/> verifies with <paramref name="key"/>; otherwise which of the two failed
    /// (<see cref="CheckpointGapKind.OtherLog"/>: not a checkpoint; <see cref="CheckpointGapKind.UntrustedSignature"/>).
    /// </summary>
    /// <param name="bytes">The checkpoint's exact bytes.</param>
    /// <param name="signature">The vault's DER signature over them.</param>
    /// <param name="key">The key named as the signer, when trusted; null when it is not.</param>
    /// <param name="checkpoint">The checkpoint, when it parses.</param>
    public static CheckpointGapKind? CheckSigned(byte[] bytes, byte[] signature, ECDsa? key, out LogCheckpoint? checkpoint)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (!LogCheckpoint.TryParse(Encoding.UTF8.GetString(bytes), out checkpoint) || checkpoint is null)
        {
            return CheckpointGapKind.OtherLog;
        }

        return key is null || !ReceiptSignatures.Verify(key, bytes, signature) ? CheckpointGapKind.UntrustedSignature : null;
    }

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
        var signed = CheckSigned(newerBytes, signature, key, out newer);
        if (signed == CheckpointGapKind.OtherLog || newer!.Origin != older.Origin)
        {
            return new CheckpointGap(CheckpointGapKind.OtherLog, $"the vault's current checkpoint is not a checkpoint of {older.Origin}");
        }

        if (signed == CheckpointGapKind.UntrustedSignature)
        {
            return new CheckpointGap(CheckpointGapKind.UntrustedSignature, "the vault's current checkpoint is not signed by a trusted vault key");
        }

        if (!MerkleTree.TryParseProof(proofHex, out var proof))
        {
            return new CheckpointGap(CheckpointGapKind.NotAnExtension, "the consistency proof is not a list of SHA-256 hashes");
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
