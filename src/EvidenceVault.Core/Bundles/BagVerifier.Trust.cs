using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using EvidenceVault.Evidence;
using EvidenceVault.Hashing;
using EvidenceVault.Receipts;
using EvidenceVault.Timestamps;

namespace EvidenceVault.Bundles;

/// <summary>The trust checks of a bag: every granted timestamp and every receipt, against roots and keys.</summary>
public static partial class BagVerifier
{
    /// <summary>Bundle file of the timestamp authorities' roots.</summary>
    public const string TsaRootsPath = "data/certs/tsa-roots.pem";

    /// <summary>Bundle file name prefix of the vault's receipt keys (<c>…{keyId}.pem</c>).</summary>
    public const string VaultKeyPrefix = "data/certs/vault-receipt-key-";

    private sealed partial class Run
    {
        private X509Certificate2Collection? _roots;
        private Dictionary<string, ECDsa>? _keys;

        private async Task LoadTrustAsync(BagVerificationOptions options, CancellationToken cancellationToken)
        {
            _roots = options.TsaRoots;
            if (_roots is null)
            {
                _roots = [];
                if (await ReadTextAsync(TsaRootsPath, cancellationToken) is { } pem)
                {
                    _roots.ImportFromPem(pem);
                }
            }

            _keys = new Dictionary<string, ECDsa>(StringComparer.Ordinal);
            if (options.VaultKeys is { } supplied)
            {
                foreach (var key in supplied)
                {
                    _keys[ReceiptSignatures.KeyId(key)] = key;
                }

                return;
            }

            foreach (var path in bag.Paths.Where(p => p.StartsWith(VaultKeyPrefix, StringComparison.Ordinal)))
            {
                var key = ECDsa.Create();
                key.ImportFromPem(await ReadTextAsync(path, cancellationToken));
                _keys[ReceiptSignatures.KeyId(key)] = key;
            }
        }

        private async Task<VerifiedItem> CheckTrustAsync(EvidenceItemRecord item, VerifiedItem verified, CancellationToken cancellationToken)
        {
            var timestamp = item.Timestamp;
            if (timestamp?.Status == TimestampStatuses.Granted)
            {
                verified = verified with { TimestampStatus = timestamp.Status };
                var facts = await CheckTimestampAsync(item, timestamp, cancellationToken);
                if (facts is not null)
                {
                    verified = verified with { TimestampTime = facts.GenTime, TimestampAuthority = facts.Authority };
                }
            }
            else if (timestamp is not null)
            {
                verified = verified with { TimestampStatus = timestamp.Status };
            }

            if (item.Receipt is { } receipt && await CheckReceiptAsync(item, receipt, cancellationToken))
            {
                verified = verified with { ReceiptKeyId = receipt.KeyId };
            }

            return verified;
        }

        private async Task<TimestampFacts?> CheckTimestampAsync(EvidenceItemRecord item, ItemTimestamp timestamp, CancellationToken cancellationToken)
        {
            var path = timestamp.File ?? $"data/timestamps/{item.ItemId}.tsr";
            var bytes = await ReadBytesAsync(path, cancellationToken);
            if (bytes is null)
            {
                Add(path, BagFindingCodes.TimestampInvalid, $"item {item.ItemId}: the catalog records a granted timestamp but the bag has no token");
                return null;
            }

            var check = TimestampVerifier.Verify(bytes, Sha256Digest.ParseHex(item.Sha256), _roots!);
            if (!check.IsValid)
            {
                Add(path, BagFindingCodes.TimestampInvalid, $"item {item.ItemId}: {check.Failure}");
                return null;
            }

            // The catalog's account of the token is what the report and the spreadsheet print (the authority's name
            // among it), so each fact must be the token's own.
            var facts = check.Facts!;
            if (timestamp.GenTime is not { } genTime || Math.Abs((genTime - facts.GenTime).TotalMilliseconds) >= 1 || timestamp.SerialNumber != facts.SerialNumber ||
                timestamp.ResponseSha256 != facts.ResponseSha256 || timestamp.Authority != facts.Authority || timestamp.PolicyId != facts.PolicyId)
            {
                Add(path, BagFindingCodes.TimestampInvalid, $"item {item.ItemId}: the token says {Serialization.VaultJson.FormatUtc(facts.GenTime)} serial {facts.SerialNumber} by {facts.Authority} under policy {facts.PolicyId}; the catalog says otherwise");
                return null;
            }

            return facts;
        }

        private async Task<bool> CheckReceiptAsync(EvidenceItemRecord item, ItemReceipt receipt, CancellationToken cancellationToken)
        {
            var path = receipt.File ?? $"data/receipts/{item.ItemId}.json";
            var bytes = await ReadBytesAsync(path, cancellationToken);
            var signature = await ReadBytesAsync(path + ".sig", cancellationToken);
            if (bytes is null || signature is null)
            {
                Add(path, BagFindingCodes.ReceiptInvalid, $"item {item.ItemId}: receipt or its signature is missing");
                return false;
            }

            EvidenceReceipt document;
            try
            {
                document = EvidenceReceipt.Parse(bytes);
            }
            catch (JsonException)
            {
                Add(path, BagFindingCodes.ReceiptInvalid, $"item {item.ItemId}: not a receipt");
                return false;
            }

            if (!_keys!.TryGetValue(document.KeyId, out var key))
            {
                Add(path, BagFindingCodes.ReceiptInvalid, $"item {item.ItemId}: signed by key {document.KeyId}, which is not among the trusted vault keys");
                return false;
            }

            if (!ReceiptSignatures.Verify(key, bytes, signature))
            {
                Add(path, BagFindingCodes.ReceiptInvalid, $"item {item.ItemId}: the signature does not verify with key {document.KeyId}");
                return false;
            }

            var expectedTimestamp = item.Timestamp?.Status == TimestampStatuses.Granted ? item.Timestamp.ResponseSha256 : null;
            if (document.CaseId != item.CaseId || document.ItemId != item.ItemId || document.Sha256 != item.Sha256 || document.Size != item.Size ||
                document.ContentType != item.ContentType || document.ReceivedAt != item.ReceivedAt || document.Timestamp.ResponseSha256 != expectedTimestamp)
            {
                Add(path, BagFindingCodes.ReceiptInvalid, $"item {item.ItemId}: the signed receipt does not state what the catalog records");
                return false;
            }

            if (_custodyLines is not null && !IsCustodyLine(document.Custody))
            {
                Add(path, BagFindingCodes.ReceiptInvalid, $"item {item.ItemId}: the receipt was signed when the custody log ended at line {document.Custody.Seq} ({document.Custody.Head}), which is not a line of the bundle's custody log");
                return false;
            }

            return true;
        }

        private async Task<byte[]?> ReadBytesAsync(string path, CancellationToken cancellationToken)
        {
            if (!bag.Contains(path))
            {
                return null;
            }

            await using var stream = bag.OpenFile(path);
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy, cancellationToken);
            return copy.GetBuffer()[..(int)copy.Length];
        }
    }
}
