using System.Globalization;
using EvidenceVault.Api.Custody;
using EvidenceVault.Api.Items;
using EvidenceVault.Api.Storage;
using EvidenceVault.Api.Transparency;
using EvidenceVault.Evidence;
using EvidenceVault.Hashing;
using EvidenceVault.Receipts;
using EvidenceVault.Transparency;

namespace EvidenceVault.Api.Receipts;

/// <summary>
/// Issues signed receipts: one at upload, and a new version whenever the item's timestamp changes (pending →
/// granted). Each version is written once (<c>receipts/{n}.json</c> + <c>.sig</c>) and recorded in the custody log,
/// whose head after that line then enters the vault log.
/// </summary>
internal sealed class ReceiptIssuer(VaultStorage storage, ItemIndex index, CustodyLog custody, ReceiptKeys keys, VaultLog log, TimeProvider clock)
{
    public const string Issued = "receipt.issued";

    public async Task<ItemReceipt> IssueAsync(EvidenceItemRecord item, string? actor, CancellationToken cancellationToken)
    {
        var position = await custody.ReadPositionAsync(item.CaseId, cancellationToken);
        for (var version = (item.Receipt?.Version ?? 0) + 1; ; version++)
        {
            var receipt = EvidenceReceipt.For(item, new ItemCustody(position.Head.Seq, position.Head.Hash.Hex), clock.GetUtcNow(), keys.KeyId);
            var bytes = receipt.ToBytes();
            var signature = ReceiptSignatures.Sign(keys.SigningKey, bytes);
            if (!await storage.TryCreateOnceAsync(EvidencePaths.Receipt(item.CaseId, item.ItemId, version), bytes, "application/json", cancellationToken))
            {
                continue; // Issued concurrently under this number: take the next.
            }

            await storage.TryCreateOnceAsync(EvidencePaths.ReceiptSignature(item.CaseId, item.ItemId, version), signature, "application/octet-stream", cancellationToken);
            var sha256 = Sha256Digest.Of(bytes).Hex;
            var (_, issued) = await custody.AppendAsync(item.CaseId, new CustodyEntry(Issued, actor, item.ItemId, item.Sha256, Details: new Dictionary<string, string>
            {
                ["version"] = version.ToString(CultureInfo.InvariantCulture),
                ["receiptSha256"] = sha256,
                ["keyId"] = keys.KeyId,
            }), cancellationToken);
            await index.MergeAsync(item.CaseId, item.ItemId, new Dictionary<string, object?>
            {
                [nameof(ItemEntity.ReceiptVersion)] = version,
                [nameof(ItemEntity.ReceiptKeyId)] = keys.KeyId,
                [nameof(ItemEntity.ReceiptSha256)] = sha256,
            }, cancellationToken);
            await log.TryEnterAsync(new CaseHeadLeaf(item.CaseId, issued.Head.Seq, issued.Head.Hash.Hex), cancellationToken);
            return new ItemReceipt { Version = version, KeyId = keys.KeyId, Sha256 = sha256, Document = receipt, Signature = Convert.ToBase64String(signature) };
        }
    }

    /// <summary>
    /// The latest receipt stored for an item, found among <paramref name="itemBlobs"/> (the names of the item's blobs)
    /// without the index (reindex); null when it has none.
    /// </summary>
    public async Task<ItemReceipt?> ReadStoredLatestAsync(string caseId, string itemId, IEnumerable<string> itemBlobs, CancellationToken cancellationToken)
    {
        var latest = itemBlobs.Select(name => EvidencePaths.ReceiptVersionOf(caseId, itemId, name)).Max();
        if (latest is not { } version)
        {
            return null;
        }

        var bytes = (await storage.Blob(EvidencePaths.Receipt(caseId, itemId, version)).DownloadContentAsync(cancellationToken)).Value.Content.ToMemory();
        return new ItemReceipt { Version = version, KeyId = EvidenceReceipt.Parse(bytes.Span).KeyId, Sha256 = Sha256Digest.Of(bytes.Span).Hex };
    }

    /// <summary>The item's latest receipt with its signature, read from storage.</summary>
    public async Task<ItemReceipt?> ReadLatestAsync(EvidenceItemRecord item, CancellationToken cancellationToken)
    {
        if (item.Receipt is not { } latest)
        {
            return null;
        }

        var bytes = (await storage.Blob(EvidencePaths.Receipt(item.CaseId, item.ItemId, latest.Version)).DownloadContentAsync(cancellationToken)).Value.Content;
        var signature = (await storage.Blob(EvidencePaths.ReceiptSignature(item.CaseId, item.ItemId, latest.Version)).DownloadContentAsync(cancellationToken)).Value.Content;
        return latest with { Document = EvidenceReceipt.Parse(bytes.ToMemory().Span), Signature = Convert.ToBase64String(signature.ToMemory().Span) };
    }
}
