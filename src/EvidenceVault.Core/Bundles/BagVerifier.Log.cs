using System.Text.Json;
using EvidenceVault.Evidence;
using EvidenceVault.Hashing;
using EvidenceVault.Serialization;
using EvidenceVault.Timestamps;
using EvidenceVault.Transparency;

namespace EvidenceVault.Bundles;

/// <summary>The vault log check of a bag: the export's leaf is in the signed, timestamped checkpoint.</summary>
public static partial class BagVerifier
{
    /// <summary>The vault log checkpoint the bundle was exported under.</summary>
    public const string LogCheckpointPath = "data/log/checkpoint.txt";

    /// <summary>The authority's RFC 3161 response over the checkpoint's SHA-256.</summary>
    public const string LogCheckpointTimestampPath = "data/log/checkpoint.tsr";

    /// <summary>The export's leaf and its audit path to the checkpoint.</summary>
    public const string LogInclusionPath = "data/log/inclusion.json";

    private sealed partial class Run
    {
        private async Task<VerifiedLogEntry?> CheckLogAsync(string? caseId, BundleCatalog? catalog, BagVerificationOptions options, CancellationToken cancellationToken)
        {
            var entry = await CheckLogProofAsync(caseId, catalog, cancellationToken);
            if (entry is null || options.LiveLog is null)
            {
                return entry;
            }

            var live = await options.LiveLog(entry.TreeSize, cancellationToken);
            var held = new LogCheckpoint(entry.Origin, entry.TreeSize, Sha256Digest.TryParseBase64(entry.Root, out var root) ? root : Sha256Digest.Zero);
            var gap = CheckpointExtension.Check(held, live.Checkpoint, live.Signature, _keys!.GetValueOrDefault(live.KeyId), live.Proof, out var now);
            if (gap is not null)
            {
                Add(LogCheckpointPath, BagFindingCodes.LogInconsistent, gap.Kind == CheckpointGapKind.UntrustedSignature
                    ? $"{gap.Message} ({live.KeyId}); after a key rotation, pass the new key with --vault-key"
                    : gap.Message);
                return entry;
            }

            return entry with { ConsistentWithSize = now!.Size };
        }

        private async Task<VerifiedLogEntry?> CheckLogProofAsync(string? caseId, BundleCatalog? catalog, CancellationToken cancellationToken)
        {
            var inclusionText = await ReadTextAsync(LogInclusionPath, cancellationToken);
            var checkpointBytes = await ReadBytesAsync(LogCheckpointPath, cancellationToken);
            var signature = await ReadBytesAsync(LogCheckpointPath + ".sig", cancellationToken);
            if (inclusionText is null && checkpointBytes is null && signature is null)
            {
                return Fail(LogInclusionPath, "the bag carries no vault log proof (data/log/): the vault puts one in every bundle, and without it nothing signed fixes the bundle's last custody line, so items could have been taken out from the end of the log");
            }

            if (inclusionText is null || checkpointBytes is null || signature is null)
            {
                return Fail(LogInclusionPath, "the bag has only part of the vault log proof (checkpoint.txt, checkpoint.txt.sig, inclusion.json)");
            }

            LogInclusion? inclusion;
            try
            {
                inclusion = JsonSerializer.Deserialize<LogInclusion>(inclusionText, VaultJson.Compact);
            }
            catch (JsonException)
            {
                inclusion = null;
            }

            if (inclusion?.Leaf is null || !MerkleTree.TryParseProof(inclusion.AuditPath, out var auditPath))
            {
                return Fail(LogInclusionPath, "not a vault log inclusion proof");
            }

            var keyId = inclusion.CheckpointKeyId ?? string.Empty;
            switch (CheckpointExtension.CheckSigned(checkpointBytes, signature, _keys!.GetValueOrDefault(keyId), out var checkpoint))
            {
                case CheckpointGapKind.OtherLog:
                    return Fail(LogCheckpointPath, "not a checkpoint (origin, size and base64 root on three lines)");
                case CheckpointGapKind.UntrustedSignature:
                    return Fail(LogCheckpointPath + ".sig", $"the checkpoint's signature does not verify with a trusted vault key ({keyId})");
            }

            var leaf = inclusion.Leaf;
            if (!string.Equals(leaf.CaseId, caseId, StringComparison.Ordinal) || catalog is null ||
                leaf.Seq != catalog.CustodyHead.Seq || !string.Equals(leaf.Head, catalog.CustodyHead.Head, StringComparison.Ordinal))
            {
                return Fail(LogInclusionPath, $"the log entry names case {leaf.CaseId} at custody line {leaf.Seq} ({leaf.Head}); the bundle is case {caseId} ending at {catalog?.CustodyHead.Seq} ({catalog?.CustodyHead.Head})");
            }

            if (inclusion.TreeSize != checkpoint!.Size || !MerkleTree.VerifyInclusion(inclusion.LeafIndex, checkpoint.Size, leaf.Hash(), auditPath, checkpoint.Root))
            {
                return Fail(LogInclusionPath, $"the audit path does not lead from entry {inclusion.LeafIndex} to the root of the checkpoint of {checkpoint.Size}");
            }

            _logInclusion = inclusion;
            var entry = new VerifiedLogEntry(checkpoint.Origin, inclusion.LeafIndex, checkpoint.Size, checkpoint.Root.Base64, keyId);
            var tsr = await ReadBytesAsync(LogCheckpointTimestampPath, cancellationToken);
            if (tsr is null)
            {
                return entry;
            }

            var stamp = TimestampVerifier.Verify(tsr, Sha256Digest.Of(checkpointBytes), _roots!);
            if (!stamp.IsValid)
            {
                return Fail(LogCheckpointTimestampPath, "the checkpoint's timestamp: " + stamp.Failure);
            }

            return entry with { TimestampTime = stamp.Facts!.GenTime, TimestampAuthority = stamp.Facts.Authority };
        }

        private VerifiedLogEntry? Fail(string path, string message)
        {
            Add(path, BagFindingCodes.LogProofInvalid, message);
            return null;
        }
    }
}
