using EvidenceVault.Api.Access;
using EvidenceVault.Api.Cases;
using EvidenceVault.Api.Custody;
using EvidenceVault.Api.Items;
using EvidenceVault.Api.Receipts;
using EvidenceVault.Api.Storage;
using EvidenceVault.Api.Timestamps;
using EvidenceVault.Api.Transparency;
using EvidenceVault.Bundles;
using EvidenceVault.Custody;
using EvidenceVault.Evidence;
using EvidenceVault.Serialization;
using EvidenceVault.Transparency;

namespace EvidenceVault.Api.Bundles;

/// <summary>A bundle ready to stream: its catalog and the custody log length it covers.</summary>
internal sealed record PreparedBundle(BundleCatalog Catalog, long CustodyLength, BundleLogProof LogProof)
{
    public string FileName => EvidenceBundleWriter.BagName(Catalog.CaseId, Catalog.ExportedAt) + ".zip";
}

/// <summary>
/// Exports a case as a verified bundle. The items are listed first and the export event appended after, so the
/// log copy in the bundle (cut at that event) holds the receipt of every listed item — an item is indexed only
/// after its receipt is logged. The custody head at that event then enters the vault log, and the bundle carries the
/// signed checkpoint and the entry's audit path.
/// </summary>
internal sealed partial class CaseBundleExporter(
    VaultStorage storage,
    ItemIndex index,
    CaseDirectory cases,
    CustodyLog custody,
    GrantDirectory grants,
    TimestampAuthorities authorities,
    ReceiptKeys keys,
    VaultLog log,
    ILogger<CaseBundleExporter> logger)
{
    /// <summary>
    /// Lists the case's items (or one sender's: <paramref name="contributor"/> is <c>owner</c> or a link's grant id) and
    /// logs the export; the bundle covers the log up to that line.
    /// </summary>
    public async Task<PreparedBundle> PrepareAsync(CaseCaller caller, string? contributor, CancellationToken cancellationToken)
    {
        await log.EnsureIntactAsync(cancellationToken); // before anything is written: a refused export leaves no trace
        var sender = contributor is null ? null : await grants.SenderAsync(caller.CaseId, contributor, cancellationToken);
        var entity = await cases.FindAsync(caller.CaseId, cancellationToken);
        var items = new List<EvidenceItemRecord>();
        await foreach (var item in index.ListAllAsync(caller.CaseId, sender, cancellationToken))
        {
            items.Add(item);
        }

        var (exported, position) = await custody.AppendAsync(
            caller.CaseId,
            new CustodyEntry(CustodyEventTypes.BundleExported, caller.GrantId, Details: ExportDetails.Of(items.Count, sender)),
            cancellationToken);
        var catalog = new BundleCatalog
        {
            CaseId = caller.CaseId,
            Title = entity?.Title,
            ExportedAt = VaultJson.ToMilliseconds(exported.At), // the export's own custody line's time, as the line keeps it: the verifier holds the catalog to it
            CustodyHead = new ItemCustody(position.Head.Seq, position.Head.Hash.Hex),
            Contributor = sender,
            Items = items,
        };
        var proof = await log.RecordAsync(new CaseHeadLeaf(caller.CaseId, position.Head.Seq, position.Head.Hash.Hex), cancellationToken);
        return new PreparedBundle(catalog, position.Length, proof);
    }

    public async Task WriteAsync(CaseCaller caller, PreparedBundle bundle, Stream output, CancellationToken cancellationToken)
    {
        var certificates = new List<KeyValuePair<string, string>>
        {
            new(BagVerifier.TsaRootsPath["data/certs/".Length..], string.Concat(authorities.TrustedRoots.Select(root => root.ExportCertificatePem() + "\n"))),
        };
        certificates.AddRange(keys.Published.Select(key => new KeyValuePair<string, string>($"{BagVerifier.VaultKeyPrefix["data/certs/".Length..]}{key.KeyId}.pem", key.Pem + "\n")));
        var source = new StorageBundleSource(storage, custody, caller.CaseId, bundle.CustodyLength, certificates, bundle.LogProof);
        var mismatches = await EvidenceBundleWriter.WriteAsync(output, bundle.Catalog, source, cancellationToken);
        foreach (var mismatch in mismatches)
        {
            LogMismatch(logger, caller.CaseId, mismatch.ItemId);
            await custody.AppendAsync(
                caller.CaseId,
                new CustodyEntry(CustodyEventTypes.BundleIntegrityFailure, caller.GrantId, mismatch.ItemId, Details: new Dictionary<string, string>
                {
                    ["file"] = mismatch.Path,
                    ["indexedSha256"] = mismatch.Expected,
                    ["storedSha256"] = mismatch.Actual,
                }),
                CancellationToken.None);
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Stored bytes of case {CaseId} item {ItemId} do not match the index; the bundle is flagged.")]
    private static partial void LogMismatch(ILogger logger, string caseId, string itemId);

    private sealed class StorageBundleSource(
        VaultStorage storage, CustodyLog custody, string caseId, long custodyLength, IReadOnlyList<KeyValuePair<string, string>> certificates, BundleLogProof logProof)
        : IBundleSource
    {
        public IReadOnlyList<KeyValuePair<string, string>> Certificates => certificates;

        public BundleLogProof LogProof => logProof;

        public Task<Stream> OpenItemAsync(EvidenceItemRecord item, CancellationToken cancellationToken) =>
            OpenAsync(EvidencePaths.Original(caseId, item.ItemId), cancellationToken);

        public Task<Stream> OpenTimestampAsync(EvidenceItemRecord item, CancellationToken cancellationToken) =>
            OpenAsync(EvidencePaths.Timestamp(caseId, item.ItemId), cancellationToken);

        public Task<Stream> OpenReceiptAsync(EvidenceItemRecord item, bool signature, CancellationToken cancellationToken) =>
            OpenAsync(
                signature ? EvidencePaths.ReceiptSignature(caseId, item.ItemId, item.Receipt!.Version) : EvidencePaths.Receipt(caseId, item.ItemId, item.Receipt!.Version),
                cancellationToken);

        public Task<Stream> OpenCustodyLogAsync(CancellationToken cancellationToken) =>
            custody.OpenReadAsync(caseId, custodyLength, cancellationToken);

        private async Task<Stream> OpenAsync(string path, CancellationToken cancellationToken) =>
            (await storage.Blob(path).DownloadStreamingAsync(cancellationToken: cancellationToken)).Value.Content;
    }
}
