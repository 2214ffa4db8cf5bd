using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EvidenceVault.Evidence;
using EvidenceVault.Hashing;
using EvidenceVault.Serialization;

namespace EvidenceVault.Receipts;

/// <summary>
/// The vault's signed statement about one item: what it received, when, the trusted timestamp it holds, and where
/// the custody log stood. The signature covers the exact bytes of <c>receipt.json</c> (see <see cref="ToBytes"/>).
/// </summary>
public sealed record EvidenceReceipt
{
    /// <summary>The receipt's kind, for readers who find the file alone.</summary>
    public string Type { get; init; } = "evidencevault.receipt";

    /// <summary>Format version.</summary>
    public int Version { get; init; } = 1;

    /// <summary>The case.</summary>
    public required string CaseId { get; init; }

    /// <summary>The item.</summary>
    public required string ItemId { get; init; }

    /// <summary>SHA-256 of the original bytes.</summary>
    public required string Sha256 { get; init; }

    /// <summary>Size of the original bytes.</summary>
    public required long Size { get; init; }

    /// <summary>Media type recognised from the bytes.</summary>
    public required string ContentType { get; init; }

    /// <summary>When the vault received the last byte (UTC).</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The trusted timestamp: granted with its facts, or pending.</summary>
    public required ItemTimestamp Timestamp { get; init; }

    /// <summary>The custody log's head when the receipt was issued.</summary>
    public required ItemCustody Custody { get; init; }

    /// <summary>When the receipt was issued (UTC).</summary>
    public required DateTimeOffset IssuedAt { get; init; }

    /// <summary>Id of the vault key that signs it (see <see cref="ReceiptSignatures.KeyId"/>).</summary>
    public required string KeyId { get; init; }

    /// <summary>The receipt of an item as it stands: its facts, its timestamp (or pending), the custody head now.</summary>
    public static EvidenceReceipt For(EvidenceItemRecord item, ItemCustody custodyHead, DateTimeOffset issuedAt, string keyId)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new EvidenceReceipt
        {
            CaseId = item.CaseId,
            ItemId = item.ItemId,
            Sha256 = item.Sha256,
            Size = item.Size,
            ContentType = item.ContentType,
            ReceivedAt = item.ReceivedAt,
            Timestamp = item.Timestamp ?? new ItemTimestamp { Status = TimestampStatuses.Pending },
            Custody = custodyHead,
            IssuedAt = issuedAt,
            KeyId = keyId,
        };
    }

    /// <summary>The bytes stored as <c>receipt.json</c> and signed.</summary>
    public byte[] ToBytes() => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(this, VaultJson.Indented) + "\n");

    /// <summary>Reads a stored receipt.</summary>
    public static EvidenceReceipt Parse(ReadOnlySpan<byte> bytes) =>
        JsonSerializer.Deserialize<EvidenceReceipt>(bytes, VaultJson.Compact) ?? throw new JsonException("A receipt is empty.");
}

/// <summary>ECDSA P-256 / SHA-256 detached signatures in DER (the form <c>openssl dgst -verify</c> reads).</summary>
public static class ReceiptSignatures
{
    /// <summary>A key's id: the first 16 hex digits of the SHA-256 of its SubjectPublicKeyInfo.</summary>
    public static string KeyId(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Sha256Digest.Of(key.ExportSubjectPublicKeyInfo()).Hex[..16];
    }

    /// <summary>Signs receipt bytes.</summary>
    public static byte[] Sign(ECDsa key, ReadOnlySpan<byte> receipt)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.SignData(receipt, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }

    /// <summary>Checks a signature over receipt bytes.</summary>
    public static bool Verify(ECDsa publicKey, ReadOnlySpan<byte> receipt, ReadOnlySpan<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        return publicKey.VerifyData(receipt, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }
}
