using System.Globalization;
using System.Text;
using Azure.Storage.Blobs.Models;
using EvidenceVault.Api.Access;
using EvidenceVault.Api.Custody;
using EvidenceVault.Api.Items;
using EvidenceVault.Api.Storage;
using EvidenceVault.Api.Uploads;
using EvidenceVault.Custody;
using EvidenceVault.Evidence;
using EvidenceVault.Hashing;

namespace EvidenceVault.Api.Ingest;

/// <summary>What one repair of a case found: blobs adopted as items, blobs recorded as copies of an item, and blobs left alone with the reason.</summary>
internal sealed record IndexRepairReport(string CaseId, IReadOnlyList<string> Adopted, IReadOnlyList<string> Duplicates, IReadOnlyList<(string ItemId, string Reason)> Left);

/// <summary>
/// Finishes what a crash interrupted: an upload whose blob was committed (write-once, with the metadata the index
/// needs) but whose index entry was never written — the vault stopped between the commit and the index, so the
/// victim got no answer. Each such blob, once older than the repair's minimum age (an upload still in flight is
/// not an orphan), is re-hashed and then completed by the same steps as any upload
/// (<see cref="EvidenceIngestor.IndexCommittedAsync"/>): its <c>item.received</c> event — the one the log already
/// holds if the crash came after it —, its index entry, timestamp and receipt. A blob whose bytes a case already
/// indexes (the victim sent them again and that upload succeeded) is recorded as <c>item.duplicate</c> instead.
/// </summary>
/// <remarks>
/// Left alone, and reported: blobs a resumable upload still owns (its session completes them), blobs whose bytes no
/// longer match their recorded SHA-256, and blobs that already have a timestamp or receipt — those were indexed once,
/// so their index was lost afterwards, which takes the full rebuild this repair does not do.
/// </remarks>
internal sealed partial class IndexRepair(
    VaultStorage storage,
    ItemIndex index,
    CustodyLog custody,
    GrantDirectory grants,
    UploadStore uploads,
    EvidenceIngestor ingestor,
    TimeProvider clock,
    ILogger<IndexRepair> logger)
{
    /// <summary>The cases that have evidence storage, whether or not the index still knows them.</summary>
    public async IAsyncEnumerable<string> CaseIdsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await storage.EnsureReadyAsync(cancellationToken);
        await foreach (var entry in storage.Evidence.GetBlobsByHierarchyAsync(BlobTraits.None, BlobStates.None, "/", EvidencePaths.Cases, cancellationToken))
        {
            if (entry.IsPrefix)
            {
                yield return entry.Prefix[EvidencePaths.Cases.Length..].TrimEnd('/');
            }
        }
    }

    public async Task<IndexRepairReport> RepairAsync(string caseId, TimeSpan minimumAge, CancellationToken cancellationToken)
    {
        await storage.EnsureReadyAsync(cancellationToken);
        var adopted = new List<string>();
        var duplicates = new List<string>();
        var left = new List<(string, string)>();
        var itemBlobs = new Dictionary<string, List<BlobItem>>(StringComparer.Ordinal);
        await foreach (var blob in storage.Evidence.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, EvidencePaths.Items(caseId), cancellationToken))
        {
            var itemId = EvidencePaths.ItemIdOf(caseId, blob.Name);
            (itemBlobs.TryGetValue(itemId, out var list) ? list : itemBlobs[itemId] = []).Add(blob);
        }

        var indexed = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var item in index.ListAllAsync(caseId, contributor: null, cancellationToken))
        {
            indexed.Add(item.ItemId);
        }

        CustodyRecord? log = null;
        foreach (var (itemId, blobs) in itemBlobs)
        {
            if (indexed.Contains(itemId) || blobs.FirstOrDefault(b => b.Name == EvidencePaths.Original(caseId, itemId)) is not { } original)
            {
                continue;
            }

            log ??= await CustodyRecord.ReadAsync(custody, caseId, cancellationToken);
            var reason = await ReasonToLeaveAsync(caseId, itemId, original, blobs, log, minimumAge, cancellationToken);
            if (reason is not null)
            {
                left.Add((itemId, reason));
                continue;
            }

            var result = await AdoptAsync(caseId, itemId, original.Metadata, log, cancellationToken);
            (result.Item.ItemId == itemId ? adopted : duplicates).Add(itemId);
            LogRepaired(logger, caseId, itemId, result.Item.ItemId == itemId ? "adopted" : "recorded as a copy of " + result.Item.ItemId);
        }

        foreach (var (itemId, reason) in left)
        {
            LogLeft(logger, caseId, itemId, reason);
        }

        return new IndexRepairReport(caseId, adopted, duplicates, left);
    }

    private async Task<string?> ReasonToLeaveAsync(
        string caseId, string itemId, BlobItem original, List<BlobItem> blobs, CustodyRecord log, TimeSpan minimumAge, CancellationToken cancellationToken)
    {
        var metadata = original.Metadata;
        if (clock.GetUtcNow() - original.Properties.LastModified < minimumAge)
        {
            return "committed too recently: its upload may still be completing";
        }

        if (log.Duplicates.Contains(itemId))
        {
            return "already recorded as a copy of another item";
        }

        if (metadata.TryGetValue("uploadid", out var uploadId) && await uploads.FindAsync(caseId, uploadId, cancellationToken) is not null)
        {
            return "its resumable upload's session completes it";
        }

        if (blobs.Count > 1)
        {
            return "it has a timestamp or receipt, so it was indexed once: the index needs a full rebuild";
        }

        if (!metadata.TryGetValue("sha256", out var sha256) || !Sha256Digest.TryParseHex(sha256, out var recorded) ||
            !metadata.TryGetValue("size", out var sizeText) || !long.TryParse(sizeText, CultureInfo.InvariantCulture, out var size))
        {
            return "its metadata does not name its SHA-256 and size";
        }

        await using var content = await storage.Blob(EvidencePaths.Original(caseId, itemId)).OpenReadAsync(new Azure.Storage.Blobs.Models.BlobOpenReadOptions(allowModifications: false), cancellationToken);
        var hashed = await EvidenceHasher.HashAsync(content, cancellationToken);
        return hashed.Digest == recorded && hashed.Length == size ? null : "its bytes no longer match the SHA-256 recorded when it was committed";
    }

    private async Task<IngestResult> AdoptAsync(string caseId, string itemId, IDictionary<string, string> metadata, CustodyRecord log, CancellationToken cancellationToken)
    {
        var digest = Sha256Digest.ParseHex(metadata["sha256"]);
        var size = long.Parse(metadata["size"], CultureInfo.InvariantCulture);
        var contributor = metadata.TryGetValue("contributor", out var grantId) ? grantId : string.Empty;
        var grant = (await grants.ListAsync(caseId, cancellationToken)).FirstOrDefault(g => g.GrantId == contributor);
        var uploader = new CaseCaller(caseId, contributor, grant?.Role ?? CaseRoles.Contributor, grant?.Label);
        var received = log.Received.GetValueOrDefault(itemId);
        var kindName = metadata.TryGetValue("kind", out var recordedKind) ? recordedKind : null;
        var claims = new EvidenceClaims(
            EvidenceKinds.TryParse(kindName, out var kind) ? kind : null,
            metadata.TryGetValue("filename", out var fileName) ? Uri.UnescapeDataString(fileName) : null,
            metadata.TryGetValue("capturedat", out var capturedAt) ? DateTimeOffset.Parse(capturedAt, CultureInfo.InvariantCulture) : null,
            metadata.TryGetValue("sourceurl", out var sourceUrl) ? Uri.UnescapeDataString(sourceUrl) : null,
            DeclaredDigest: null,
            Note: received?.Event.Details?.GetValueOrDefault("note"));

        var head = await storage.Blob(EvidencePaths.Original(caseId, itemId)).DownloadContentAsync(
            new BlobDownloadOptions { Range = new Azure.HttpRange(0, EvidenceFormatDetector.HeadLength) }, cancellationToken);
        var format = EvidenceIngestor.Recognise(head.Value.Content.ToMemory().Span, claims);

        // The same bytes indexed since (the victim sent them again): this blob is a copy, as when two uploads race.
        if (await index.FindByDigestAsync(caseId, digest.Hex, cancellationToken) is { } existing)
        {
            return await ingestor.RecordCopyAsync(uploader, itemId, digest, size, existing, cancellationToken);
        }

        var receivedAt = DateTimeOffset.Parse(metadata["receivedat"], CultureInfo.InvariantCulture);
        return await ingestor.IndexCommittedAsync(
            new CommittedEvidence(uploader, claims, new ReceivedEvidence(itemId, format, digest, size), kindName ?? format.DefaultKind.ToWireName(), receivedAt),
            received?.Recorded,
            cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Index repair: case {CaseId}, item {ItemId} {Outcome}.")]
    private static partial void LogRepaired(ILogger logger, string caseId, string itemId, string outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "Index repair: case {CaseId}, item {ItemId} left unindexed: {Reason}.")]
    private static partial void LogLeft(ILogger logger, string caseId, string itemId, string reason);

    /// <summary>What the case's custody log says about items: their <c>item.received</c> events, and which items are copies.</summary>
    private sealed record CustodyRecord(Dictionary<string, ReceivedLine> Received, HashSet<string> Duplicates)
    {
        public static async Task<CustodyRecord> ReadAsync(CustodyLog custody, string caseId, CancellationToken cancellationToken)
        {
            var received = new Dictionary<string, ReceivedLine>(StringComparer.Ordinal);
            var duplicates = new HashSet<string>(StringComparer.Ordinal);
            var position = await custody.ReadPositionAsync(caseId, cancellationToken);
            await using var stream = await custody.OpenReadAsync(caseId, position.Length, cancellationToken);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                var entry = CustodyEvent.Parse(line);
                if (entry.ItemId is not { } itemId)
                {
                    continue;
                }

                if (entry.Type == CustodyEventTypes.ItemReceived)
                {
                    received[itemId] = new ReceivedLine(entry, new RecordedEvent(entry.Seq, CustodyEvent.HashLine(line)));
                }
                else if (entry.Type == CustodyEventTypes.ItemDuplicate)
                {
                    duplicates.Add(itemId);
                }
            }

            return new CustodyRecord(received, duplicates);
        }
    }

    /// <summary>An <c>item.received</c> event as the log holds it.</summary>
    private sealed record ReceivedLine(CustodyEvent Event, RecordedEvent Recorded);
}
