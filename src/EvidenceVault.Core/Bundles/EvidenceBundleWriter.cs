using System.Globalization;
using System.Text.Json;
using EvidenceVault.Evidence;
using EvidenceVault.Serialization;

namespace EvidenceVault.Bundles;

/// <summary>Where a bundle gets its bytes from: the vault's storage, or local files in tests and tools.</summary>
public interface IBundleSource
{
    /// <summary>Opens the original bytes of an item.</summary>
    Task<Stream> OpenItemAsync(EvidenceItemRecord item, CancellationToken cancellationToken);

    /// <summary>Opens the custody log, up to the head named in the catalog; opened twice (for the report's links, then for the bag).</summary>
    Task<Stream> OpenCustodyLogAsync(CancellationToken cancellationToken);

    /// <summary>Opens an item's stored RFC 3161 response (<c>timestamp.tsr</c>); called for granted timestamps only.</summary>
    Task<Stream> OpenTimestampAsync(EvidenceItemRecord item, CancellationToken cancellationToken);

    /// <summary>Opens an item's latest receipt, or its detached signature.</summary>
    Task<Stream> OpenReceiptAsync(EvidenceItemRecord item, bool signature, CancellationToken cancellationToken);

    /// <summary>Certificates and keys to include under <c>data/certs/</c>, by file name (<c>tsa-roots.pem</c>, …).</summary>
    IReadOnlyList<KeyValuePair<string, string>> Certificates { get; }

    /// <summary>The export's entry in the vault log, with its signed checkpoint: every bundle carries it (the verifier requires it).</summary>
    Transparency.BundleLogProof LogProof { get; }
}

/// <summary>A stored file whose bytes did not match the index while it was exported.</summary>
/// <param name="ItemId">The item.</param>
/// <param name="Path">The file in the bag (evidence, timestamp or receipt).</param>
/// <param name="Expected">SHA-256 the index records.</param>
/// <param name="Actual">SHA-256 of the bytes read from storage.</param>
public sealed record ExportMismatch(string ItemId, string Path, string Expected, string Actual);

/// <summary>
/// Writes an evidence bundle: a BagIt bag (as a streamed ZIP) with every item's original bytes, the catalog as
/// JSON and CSV, the custody log and the verification guide. Evidence is re-hashed on the way out; an item
/// whose bytes differ from the index is still exported as stored but flagged in <c>bag-info.txt</c>, so the
/// verifier — and the court — see it, instead of a silent copy.
/// </summary>
public static class EvidenceBundleWriter
{
    /// <summary>The bag's folder name: <c>evidence-{caseId}-{yyyyMMddTHHmmssZ}</c>.</summary>
    public static string BagName(string caseId, DateTimeOffset exportedAt) =>
        string.Create(CultureInfo.InvariantCulture, $"evidence-{caseId}-{exportedAt.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}");

    /// <summary>
    /// What <c>bag-info.txt</c> says of an export besides <c>Payload-Oxum</c>: the case, its title, the export's date,
    /// the item count and custody head, whose items alone it holds when it is one sender's, and, when stored bytes
    /// differed from the index, that the export's check failed.
    /// </summary>
    internal static BagInfo BagInfoOf(BundleCatalog catalog, IReadOnlyCollection<ExportMismatch> mismatches)
    {
        var extra = new List<KeyValuePair<string, string>>
        {
            new("Bag-Software-Agent", "EvidenceVault"),
            new("EvidenceVault-Item-Count", catalog.Items.Count.ToString(CultureInfo.InvariantCulture)),
            new("EvidenceVault-Custody-Head", string.Create(CultureInfo.InvariantCulture, $"{catalog.CustodyHead.Seq} {catalog.CustodyHead.Head}")),
        };
        if (catalog.Contributor is { } sender)
        {
            extra.Add(new("EvidenceVault-Contributor", sender)); // one sender's items only, not the whole case's
        }

        if (mismatches.Count > 0)
        {
            extra.Add(new(BagVerifier.ExportIntegrityLabel, "FAILED: stored bytes differ from the index for " + string.Join(", ", mismatches.Select(m => m.Path))));
        }

        return new BagInfo(catalog.CaseId, catalog.Title, catalog.ExportedAt, extra);
    }

    /// <summary>Path of an item's evidence file inside the bag.</summary>
    public static string EvidencePath(EvidenceItemRecord item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return $"data/evidence/{item.ItemId}{EvidenceFormatDetector.ExtensionFor(item.ContentType)}";
    }

    private static async Task<Hashing.HashedLength> CopyAsync(BagItZipWriter bag, string path, Stream content, CancellationToken cancellationToken)
    {
        await using (content)
        {
            return await bag.AddPayloadFileAsync(path, content, cancellationToken);
        }
    }

    private static async Task AddLogProofAsync(BagItZipWriter bag, Transparency.BundleLogProof proof, CancellationToken cancellationToken)
    {
        await AddBytesAsync(bag, BagVerifier.LogCheckpointPath, proof.Checkpoint, cancellationToken);
        await AddBytesAsync(bag, BagVerifier.LogCheckpointPath + ".sig", proof.Signature, cancellationToken);
        if (proof.Timestamp is { } timestamp)
        {
            await AddBytesAsync(bag, BagVerifier.LogCheckpointTimestampPath, timestamp, cancellationToken);
        }

        await bag.AddPayloadFileAsync(BagVerifier.LogInclusionPath, JsonSerializer.Serialize(proof.Inclusion, VaultJson.Indented) + "\n", cancellationToken);
    }

    private static async Task AddBytesAsync(BagItZipWriter bag, string path, byte[] bytes, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(bytes, writable: false);
        await bag.AddPayloadFileAsync(path, content, cancellationToken);
    }

    /// <summary>Writes the whole bundle to <paramref name="output"/>; returns the items whose stored bytes did not match.</summary>
    public static async Task<IReadOnlyList<ExportMismatch>> WriteAsync(
        Stream output, BundleCatalog catalog, IBundleSource source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(source);
        var bagName = BagName(catalog.CaseId, catalog.ExportedAt);
        var mismatches = new List<ExportMismatch>();
        var exported = new List<EvidenceItemRecord>(catalog.Items.Count);
        await using var bag = await BagItZipWriter.CreateAsync(output, bagName, cancellationToken);
        foreach (var item in catalog.Items)
        {
            var file = EvidencePath(item);
            var written = await CopyAsync(bag, file, await source.OpenItemAsync(item, cancellationToken), cancellationToken);
            if (written.Digest.Hex != item.Sha256 || written.Length != item.Size)
            {
                mismatches.Add(new ExportMismatch(item.ItemId, file, item.Sha256, written.Digest.Hex));
            }

            var timestamp = item.Timestamp;
            if (timestamp?.Status == TimestampStatuses.Granted)
            {
                var tsr = $"data/timestamps/{item.ItemId}.tsr";
                var stamped = await CopyAsync(bag, tsr, await source.OpenTimestampAsync(item, cancellationToken), cancellationToken);
                if (stamped.Digest.Hex != timestamp.ResponseSha256)
                {
                    mismatches.Add(new ExportMismatch(item.ItemId, tsr, timestamp.ResponseSha256 ?? string.Empty, stamped.Digest.Hex));
                }

                timestamp = timestamp with { File = tsr };
            }

            var receipt = item.Receipt;
            if (receipt is not null)
            {
                var json = $"data/receipts/{item.ItemId}.json";
                var issued = await CopyAsync(bag, json, await source.OpenReceiptAsync(item, signature: false, cancellationToken), cancellationToken);
                await CopyAsync(bag, json + ".sig", await source.OpenReceiptAsync(item, signature: true, cancellationToken), cancellationToken);
                if (issued.Digest.Hex != receipt.Sha256)
                {
                    mismatches.Add(new ExportMismatch(item.ItemId, json, receipt.Sha256, issued.Digest.Hex));
                }

                receipt = receipt with { File = json, Document = null, Signature = null };
            }

            exported.Add(item with { File = file, Timestamp = timestamp, Receipt = receipt });
        }

        foreach (var (name, pem) in source.Certificates)
        {
            await bag.AddPayloadFileAsync($"data/certs/{name}", pem, cancellationToken);
        }

        var bundleCatalog = catalog with { Items = exported };
        await bag.AddPayloadFileAsync(BagVerifier.CatalogPath, JsonSerializer.Serialize(bundleCatalog, VaultJson.Indented) + "\n", cancellationToken);
        await bag.AddPayloadFileAsync(BagVerifier.ItemsCsvPath, ItemsCsv.Format(exported), cancellationToken);
        IReadOnlyList<CaseLink> links;
        await using (var log = await source.OpenCustodyLogAsync(cancellationToken))
        {
            links = await CaseLinks.ReadAsync(log, cancellationToken);
        }

        await bag.AddPayloadFileAsync(BagVerifier.ReportPath, BundleReport.Format(bundleCatalog, links, source.LogProof.Inclusion), cancellationToken);
        await using (var log = await source.OpenCustodyLogAsync(cancellationToken))
        {
            await bag.AddPayloadFileAsync(BagVerifier.CustodyLogPath, log, cancellationToken);
        }

        await AddLogProofAsync(bag, source.LogProof, cancellationToken);

        var info = BagInfoOf(catalog, mismatches);
        await bag.CompleteAsync(info, [new(BagVerifier.GuidePath, VerifyGuide.Format(bagName, bundleCatalog))], cancellationToken);
        return mismatches;
    }
}
