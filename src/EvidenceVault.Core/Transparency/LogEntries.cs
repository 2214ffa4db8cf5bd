using System.Globalization;
using System.Text;
using EvidenceVault.Hashing;

namespace EvidenceVault.Transparency;

/// <summary>
/// One leaf of the vault log: a case's custody log reached line <see cref="Seq"/> with hash <see cref="Head"/>. Its
/// bytes are four lines of text, so an expert can rebuild them by hand:
/// <code>EvidenceVault case head v1\n{caseId}\n{seq}\n{head}\n</code>
/// </summary>
/// <param name="CaseId">The case.</param>
/// <param name="Seq">Sequence number of the custody line.</param>
/// <param name="Head">SHA-256 (hex) of that custody line.</param>
public sealed record CaseHeadLeaf(string CaseId, long Seq, string Head)
{
    /// <summary>First line of every leaf: what it is, and the version of its layout.</summary>
    public const string Header = "EvidenceVault case head v1";

    /// <summary>The leaf's bytes (UTF-8).</summary>
    public byte[] ToBytes() => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Header}\n{CaseId}\n{Seq}\n{Head}\n"));

    /// <summary><c>SHA-256(0x00 ‖ bytes)</c>: the leaf's hash in the tree.</summary>
    public Sha256Digest Hash() => MerkleTree.LeafHash(ToBytes());
}

/// <summary>
/// A checkpoint of the vault log: its name, how many leaves it has and their root, as the three lines of a C2SP
/// <c>tlog-checkpoint</c> note body (origin, size, base64 root). The vault signs these exact bytes with its receipt
/// key (<c>.sig</c>, DER, as receipts) and has them timestamped (RFC 3161 over their SHA-256).
/// </summary>
/// <param name="Origin">The log's name (one line).</param>
/// <param name="Size">Number of leaves.</param>
/// <param name="Root">Root hash of those leaves.</param>
public sealed record LogCheckpoint(string Origin, long Size, Sha256Digest Root)
{
    /// <summary>The checkpoint's text.</summary>
    public string ToText() => string.Create(CultureInfo.InvariantCulture, $"{Origin}\n{Size}\n{Root.Base64}\n");

    /// <summary>The checkpoint's bytes (UTF-8), the bytes that are signed and timestamped.</summary>
    public byte[] ToBytes() => Encoding.UTF8.GetBytes(ToText());

    /// <summary>Reads a checkpoint's text; false when it is not one (extension lines after the root are allowed and ignored).</summary>
    public static bool TryParse(string text, out LogCheckpoint? checkpoint)
    {
        ArgumentNullException.ThrowIfNull(text);
        checkpoint = null;
        var lines = text.Split('\n');
        if (lines.Length < 4 || lines[0].Length == 0 ||
            !long.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size) ||
            !Sha256Digest.TryParseBase64(lines[2], out var root) || lines[^1].Length != 0)
        {
            return false;
        }

        checkpoint = new LogCheckpoint(lines[0], size, root);
        return true;
    }
}

/// <summary>
/// <c>data/log/inclusion.json</c> in a bundle: the leaf the export added to the vault log and its audit path to the
/// checkpoint beside it (<c>data/log/checkpoint.txt</c>).
/// </summary>
public sealed record LogInclusion
{
    /// <summary>Position of the leaf (0-based).</summary>
    public required long LeafIndex { get; init; }

    /// <summary>Leaves in the checkpoint's tree.</summary>
    public required long TreeSize { get; init; }

    /// <summary>The leaf: the case's custody head at export.</summary>
    public required CaseHeadLeaf Leaf { get; init; }

    /// <summary>Audit path, hex, from the leaf's sibling up (RFC 9162 §2.1.3).</summary>
    public required IReadOnlyList<string> AuditPath { get; init; }

    /// <summary>Id of the vault key whose signature is <c>checkpoint.txt.sig</c>.</summary>
    public required string CheckpointKeyId { get; init; }
}

/// <summary>What the vault answers for a consistency proof between two sizes of its log.</summary>
public sealed record LogConsistency
{
    /// <summary>The older size.</summary>
    public required long FromSize { get; init; }

    /// <summary>The newer size.</summary>
    public required long ToSize { get; init; }

    /// <summary>The proof, hex (RFC 9162 §2.1.4).</summary>
    public required IReadOnlyList<string> Proof { get; init; }
}

/// <summary>
/// What a bundle carries from the vault log (under <c>data/log/</c>): the checkpoint's exact bytes, the vault's
/// signature over them, the authority's RFC 3161 response over their SHA-256 (null when no authority answered at
/// export), and the inclusion of the export's leaf.
/// </summary>
/// <param name="Checkpoint">The checkpoint text's bytes.</param>
/// <param name="Signature">DER ECDSA P-256 signature of the checkpoint by the vault's receipt key.</param>
/// <param name="Timestamp">RFC 3161 response over SHA-256 of the checkpoint, or null.</param>
/// <param name="Inclusion">The export's leaf and its audit path.</param>
public sealed record BundleLogProof(byte[] Checkpoint, byte[] Signature, byte[]? Timestamp, LogInclusion Inclusion);
