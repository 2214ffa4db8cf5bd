using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Text;
using EvidenceVault.Bundles;
using EvidenceVault.Custody;
using EvidenceVault.Evidence;
using EvidenceVault.Hashing;
using EvidenceVault.Receipts;
using EvidenceVault.Timestamps;
using EvidenceVault.Transparency;

namespace EvidenceVault.Testing;

/// <summary>A bundle built from local files, with the trust material an expert would be handed separately.</summary>
/// <param name="Zip">The bundle.</param>
/// <param name="TsaRootPem">The timestamp authority's root (PEM file).</param>
/// <param name="VaultKeyPem">The receipt public key (PEM file).</param>
public sealed record LocalBundle(string Zip, string TsaRootPem, string VaultKeyPem);

/// <summary>
/// Builds real bundles from local files through the production <see cref="EvidenceBundleWriter"/>: a custody log
/// chained exactly as the vault chains it, RFC 3161 tokens from a real openssl authority and receipts signed as the
/// vault signs them — for verifier tests that need no server.
/// </summary>
public static class LocalBundles
{
    public const string CaseId = "01KBZ6X3N8Q4T2V7W9Y0A1B2C3";

    /// <summary>The link (grant) that sent every item of these bundles, the case's owner, introduced by the log's second line.</summary>
    public const string Sender = "01KBZ6X3N8Q4T2V7W9Y0OWNER0";

    /// <summary>The title the case was opened under.</summary>
    public const string Title = "退款诈骗 Refund scam";

    /// <summary>A bundle of the whole case, holding <paramref name="files"/>.</summary>
    public static Task<LocalBundle> CreateAsync(string folder, params string[] files) => CreateAsync(folder, null, files);

    /// <summary>A bundle exported for one victim's items only (<paramref name="contributor"/>), holding <paramref name="files"/>, all sent by <see cref="Sender"/>.</summary>
    public static Task<LocalBundle> CreateForContributorAsync(string folder, string contributor, params string[] files) => CreateAsync(folder, contributor, files);

    private static async Task<LocalBundle> CreateAsync(string folder, string? contributor, string[] files)
    {
        using var authority = OpensslTimestampAuthority.Create("Test TSA");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var keyId = ReceiptSignatures.KeyId(key);
        var at = new DateTimeOffset(2026, 11, 23, 22, 40, 0, TimeSpan.Zero);
        var items = new List<EvidenceItemRecord>();
        var log = new CustodyLogBuilder(CaseId, at);
        log.Add(CustodyEventTypes.CaseCreated, null, null, null, new Dictionary<string, string> { [CustodyEventTypes.CaseTitleDetail] = Title });
        log.Add(CustodyEventTypes.GrantCreated, null, null, null, new Dictionary<string, string> { ["grantId"] = Sender, ["role"] = CaseRoles.Owner });
        var stored = new Dictionary<string, (string Path, byte[] Tsr, byte[] Receipt, byte[] Signature)>(StringComparer.Ordinal);
        var n = 0;
        foreach (var file in files)
        {
            await using var stream = File.OpenRead(file);
            var hashed = await EvidenceHasher.HashAsync(stream);
            var head = new byte[EvidenceFormatDetector.HeadLength];
            stream.Position = 0;
            var read = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false);
            var format = EvidenceFormatDetector.Detect(head.AsSpan(0, read), file) ?? throw new InvalidOperationException(file + " is not evidence");
            var itemId = $"01KBZ6X3N8Q4T2V7W9Y0A1B{n++:D3}";
            stream.Position = 0;
            var snapshot = await PageSnapshotOriginReader.ReadAsync(stream, format);
            var said = new Dictionary<string, string>(ClaimDetails.Of(format.ContentType, format.DefaultKind.ToWireName(), Path.GetFileName(file), null, null, null)
                .Concat(snapshot is null ? [] : SnapshotDetails.Of(snapshot)));
            var (seq, lineHash) = log.Add(CustodyEventTypes.ItemReceived, itemId, hashed.Digest.Hex, hashed.Length, said);

            var tsr = await authority.ReplyAsync(Rfc3161TimestampRequest.CreateFromHash(Convert.FromHexString(hashed.Digest.Hex), HashAlgorithmName.SHA256, nonce: RandomNumberGenerator.GetBytes(8), requestSignerCertificates: true).Encode());
            var facts = TimestampVerifier.Verify(tsr, hashed.Digest, [authority.Root]).Facts ?? throw new InvalidOperationException("openssl token did not verify");
            var timestamp = ItemTimestamp.Granted(facts);
            var item = new EvidenceItemRecord
            {
                ItemId = itemId,
                CaseId = CaseId,
                Sha256 = hashed.Digest.Hex,
                Size = hashed.Length,
                Kind = format.DefaultKind.ToWireName(),
                ContentType = format.ContentType,
                FileName = Path.GetFileName(file),
                Contributor = Sender,
                ContributorRole = CaseRoles.Owner,
                Snapshot = snapshot,
                ReceivedAt = at.AddSeconds(seq),
                Custody = new ItemCustody(seq, lineHash),
                Timestamp = timestamp,
            };
            var (headSeq, headHash) = log.Add("timestamp.granted", itemId, hashed.Digest.Hex, null);
            var receipt = EvidenceReceipt.For(item, new ItemCustody(headSeq, headHash), item.ReceivedAt.AddSeconds(1), keyId);
            var receiptBytes = receipt.ToBytes();
            log.Add("receipt.issued", itemId, hashed.Digest.Hex, null);
            stored[itemId] = (file, tsr, receiptBytes, ReceiptSignatures.Sign(key, receiptBytes));
            items.Add(item with { Receipt = new ItemReceipt { Version = 1, KeyId = keyId, Sha256 = Sha256Digest.Of(receiptBytes).Hex } });
        }

        var (exportSeq, exportHash) = log.Add(CustodyEventTypes.BundleExported, null, null, null, ExportDetails.Of(items.Count, contributor));
        var catalog = new BundleCatalog
        {
            CaseId = CaseId,
            Title = Title,
            ExportedAt = log.AtOf(exportSeq),
            CustodyHead = new ItemCustody(exportSeq, exportHash),
            Contributor = contributor,
            Items = items,
        };
        var zip = Path.Combine(folder, EvidenceBundleWriter.BagName(CaseId, catalog.ExportedAt) + ".zip");
        var certificates = new List<KeyValuePair<string, string>>
        {
            new("tsa-roots.pem", authority.Root.ExportCertificatePem() + "\n"),
            new($"vault-receipt-key-{keyId}.pem", key.ExportSubjectPublicKeyInfoPem() + "\n"),
        };
        await using (var output = File.Create(zip))
        {
            await EvidenceBundleWriter.WriteAsync(output, catalog, new Source(stored, log.Text, certificates, await LogProofAsync(new CaseHeadLeaf(CaseId, exportSeq, exportHash), key, keyId, authority)));
        }

        var rootFile = Path.Combine(folder, "trusted-tsa-root.pem");
        var keyFile = Path.Combine(folder, "trusted-vault-key.pem");
        await File.WriteAllTextAsync(rootFile, authority.Root.ExportCertificatePem());
        await File.WriteAllTextAsync(keyFile, key.ExportSubjectPublicKeyInfoPem());
        return new LocalBundle(zip, rootFile, keyFile);
    }

    /// <summary>The export's entry as the sixth of a vault log whose first five are other cases', with a signed, timestamped checkpoint.</summary>
    private static async Task<BundleLogProof> LogProofAsync(CaseHeadLeaf leaf, ECDsa key, string keyId, OpensslTimestampAuthority authority)
    {
        var tree = new InMemoryLogTree(Enumerable.Range(0, 5).Select(i => new CaseHeadLeaf($"01KBZ6X3N8Q4T2V7W9Y0OTHER{i}", 3 + i, Sha256Digest.Of([(byte)i]).Hex).Hash()));
        tree.Append(leaf.Hash());
        var checkpoint = new LogCheckpoint("evidencevault.localhost/log", tree.Size, await MerkleTree.RootAsync(tree.Size, tree.ReadAsync)).ToBytes();
        var tsr = await authority.ReplyAsync(Rfc3161TimestampRequest.CreateFromHash(SHA256.HashData(checkpoint), HashAlgorithmName.SHA256, nonce: RandomNumberGenerator.GetBytes(8), requestSignerCertificates: true).Encode());
        var path = await MerkleTree.InclusionProofAsync(tree.Size - 1, tree.Size, tree.ReadAsync);
        return new BundleLogProof(checkpoint, ReceiptSignatures.Sign(key, checkpoint), tsr, new LogInclusion
        {
            LeafIndex = tree.Size - 1,
            TreeSize = tree.Size,
            Leaf = leaf,
            AuditPath = [.. path.Select(hash => hash.Hex)],
            CheckpointKeyId = keyId,
        });
    }

    private sealed class Source(
        Dictionary<string, (string Path, byte[] Tsr, byte[] Receipt, byte[] Signature)> stored,
        string custodyLog,
        IReadOnlyList<KeyValuePair<string, string>> certificates,
        BundleLogProof logProof) : IBundleSource
    {
        public IReadOnlyList<KeyValuePair<string, string>> Certificates => certificates;

        public BundleLogProof LogProof => logProof;

        public Task<Stream> OpenItemAsync(EvidenceItemRecord item, CancellationToken cancellationToken) =>
            Task.FromResult<Stream>(File.OpenRead(stored[item.ItemId].Path));

        public Task<Stream> OpenTimestampAsync(EvidenceItemRecord item, CancellationToken cancellationToken) =>
            Task.FromResult<Stream>(new MemoryStream(stored[item.ItemId].Tsr));

        public Task<Stream> OpenReceiptAsync(EvidenceItemRecord item, bool signature, CancellationToken cancellationToken) =>
            Task.FromResult<Stream>(new MemoryStream(signature ? stored[item.ItemId].Signature : stored[item.ItemId].Receipt));

        public Task<Stream> OpenCustodyLogAsync(CancellationToken cancellationToken) =>
            Task.FromResult<Stream>(new MemoryStream(Encoding.UTF8.GetBytes(custodyLog)));
    }
}

/// <summary>Writes a custody log line by line, chained like the vault's.</summary>
public sealed class CustodyLogBuilder(string caseId, DateTimeOffset start)
{
    private readonly StringBuilder _text = new();
    private CustodyHead _head = CustodyHead.Empty;

    public string Text => _text.ToString();

    /// <summary>The time of line <paramref name="seq"/>: one second after the line before it.</summary>
    public DateTimeOffset AtOf(long seq) => start.AddSeconds(seq - 1);

    public (long Seq, string Hash) Add(string type, string? itemId, string? sha256, long? size, IReadOnlyDictionary<string, string>? details = null)
    {
        var line = new CustodyEvent
        {
            Seq = _head.Seq + 1,
            At = AtOf(_head.Seq + 1),
            Type = type,
            CaseId = caseId,
            Actor = LocalBundles.Sender,
            ItemId = itemId,
            Sha256 = sha256,
            Size = size,
            Details = details,
            Prev = _head.Hash.Hex,
        }.ToLine();
        _text.Append(line).Append('\n');
        _head = new CustodyHead(_head.Seq + 1, CustodyEvent.HashLine(line));
        return (_head.Seq, _head.Hash.Hex);
    }
}
