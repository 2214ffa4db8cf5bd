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

/// <summary>
/// What one reindex of a case did: its row restored or not, grants restored and revocations applied from their
/// records, items restored (indexed once, index lost), blobs adopted as items (committed, never indexed), blobs
/// recorded as copies of an item, blobs left alone with the reason, and what it could not restore.
/// </summary>
internal sealed record IndexRepairReport(
    string CaseId,
    bool CaseRestored,
    GrantRestoration Grants,
    IReadOnlyList<string> Restored,
    IReadOnlyList<string> Adopted,
    IReadOnlyList<string> Duplicates,
    IReadOnlyList<(string ItemId, string Reason)> Left,
    IReadOnlyList<string> Warnings);

/// <summary>
/// Rebuilds what a case's index lacks from storage alone — the blobs and the custody log (reindex). It adds what is
/// missing and changes an existing row only to apply a recorded revocation (and a case's usage as items are added),
/// so it can run at any time and any number of times:
/// <list type="bullet">
/// <item>the case row, from its <c>case.created</c> event;</item>
/// <item>grants, from their write-once records (<see cref="GrantRecords"/>), with recorded revocations;</item>
/// <item>items indexed once whose rows were lost (they have a timestamp or receipt): restored as they were, from
/// the blob's metadata, their <c>item.received</c> event (with what the file said of itself as the event chained
/// it), the stored timestamp token (checked again) and the latest receipt — a timestamp never stored is pending
/// again, for the retry worker;</item>
/// <item>uploads a crash left committed but never indexed (the vault stopped between the commit and the index,
/// so the victim got no answer): once older than the minimum age (an upload still in flight is not an orphan),
/// re-hashed and completed by the same steps as any upload (<see cref="EvidenceIngestor.IndexCommittedAsync"/>),
/// reusing an <c>item.received</c> event the log already holds, and what it chained. Bytes the case indexes since from the
/// same sender (the victim sent them again) make the blob an <c>item.duplicate</c> instead.</item>
/// </list>
/// What it restored is recorded in the custody log as one <c>index.rebuilt</c> event.
/// </summary>
/// <remarks>
/// Left alone, and reported: blobs a resumable upload still owns (its session completes them), blobs whose bytes or
/// metadata no longer match what was recorded, items whose stored timestamp no longer verifies against the trusted
/// roots, and grants the log names but nothing records. Not rebuilt: unfinished resumable uploads (their sessions
/// live only in the table; the client starts again) and when each grant was last used.
/// </remarks>
internal sealed partial class IndexRepair(
    VaultStorage storage,
    ItemIndex index,
    CustodyLog custody,
    GrantDirectory grants,
    Cases.CaseDirectory cases,
    UploadStore uploads,
    EvidenceIngestor ingestor,
    Timestamps.ItemTimestamper timestamper,
    Receipts.ReceiptIssuer receipts,
    TimeProvider clock,
    ILogger<IndexRepair> logger)
{
    private const string UnreadableStatements = "its item.received event records a statement of the file the vault cannot read";

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
        var log = await CustodyRecord.ReadAsync(custody, caseId, cancellationToken);
        var warnings = new List<string>();
        var grantRestoration = await grants.RestoreAsync(caseId, cancellationToken);
        foreach (var grantId in log.GrantIds.Where(id => !grantRestoration.Grants.ContainsKey(id)))
        {
            warnings.Add($"grant {grantId} is named in the custody log but has no record: its holder needs a new link from the case owner");
        }

        if (!grantRestoration.Grants.Values.Any(g => g.Role == CaseRoles.Owner && g.RevokedAt is null))
        {
            warnings.Add("no owner grant is recorded: nobody can manage this case");
        }

        var itemBlobs = new Dictionary<string, List<BlobItem>>(StringComparer.Ordinal);
        await foreach (var blob in storage.Evidence.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, EvidencePaths.Items(caseId), cancellationToken))
        {
            var itemId = EvidencePaths.ItemIdOf(caseId, blob.Name);
            (itemBlobs.TryGetValue(itemId, out var list) ? list : itemBlobs[itemId] = []).Add(blob);
        }

        var indexed = new HashSet<string>(StringComparer.Ordinal);
        long indexedBytes = 0;
        await foreach (var item in index.ListAllAsync(caseId, sender: null, cancellationToken))
        {
            indexed.Add(item.ItemId);
            indexedBytes += item.Size;
        }

        // Items restored or adopted below count against the case's quota as they are indexed.
        var caseRestored = await cases.FindAsync(caseId, cancellationToken) is null &&
            await cases.RestoreAsync(log.Created ?? throw new InvalidDataException($"The custody log of case {caseId} has no {CustodyEventTypes.CaseCreated} line."), indexed.Count, indexedBytes, cancellationToken);

        var (restored, adopted, duplicates, left) = (new List<string>(), new List<string>(), new List<string>(), new List<(string, string)>());
        foreach (var (itemId, blobs) in itemBlobs)
        {
            if (indexed.Contains(itemId) || blobs.FirstOrDefault(b => b.Name == EvidencePaths.Original(caseId, itemId)) is not { } original)
            {
                continue;
            }

            // A timestamp or receipt is written only after the index entry: this item was indexed once.
            if (blobs.Count > 1)
            {
                var failure = await RestoreAsync(caseId, itemId, original, blobs, log, grantRestoration, cancellationToken);
                if (failure is null)
                {
                    restored.Add(itemId);
                    LogRepaired(logger, caseId, itemId, "restored");
                }
                else
                {
                    left.Add((itemId, failure));
                }

                continue;
            }

            var reason = await ReasonToLeaveAsync(caseId, itemId, original, log, minimumAge, cancellationToken);
            if (reason is not null)
            {
                left.Add((itemId, reason));
                continue;
            }

            var result = await AdoptAsync(caseId, itemId, original.Metadata, log, grantRestoration, cancellationToken);
            (result.Item.ItemId == itemId ? adopted : duplicates).Add(itemId);
            LogRepaired(logger, caseId, itemId, result.Item.ItemId == itemId ? "adopted" : "recorded as a copy of " + result.Item.ItemId);
        }

        foreach (var (itemId, reason) in left)
        {
            LogLeft(logger, caseId, itemId, reason);
        }

        if (caseRestored || grantRestoration.Restored.Count > 0 || grantRestoration.RevocationsApplied.Count > 0 || restored.Count > 0)
        {
            await custody.AppendAsync(caseId, new CustodyEntry(CustodyEventTypes.IndexRebuilt, null, Details: new Dictionary<string, string>
            {
                ["caseRestored"] = caseRestored ? "true" : "false",
                ["grantsRestored"] = grantRestoration.Restored.Count.ToString(CultureInfo.InvariantCulture),
                ["revocationsApplied"] = grantRestoration.RevocationsApplied.Count.ToString(CultureInfo.InvariantCulture),
                ["itemsRestored"] = restored.Count.ToString(CultureInfo.InvariantCulture),
            }), cancellationToken);
        }

        return new IndexRepairReport(caseId, caseRestored, grantRestoration, restored, adopted, duplicates, left, warnings);
    }

    /// <summary>
    /// Restores the row of an item indexed once, as it was: null when done, else why it was left. Its bytes are not
    /// read again (every export and every verify does that); its metadata must agree with its <c>item.received</c> event,
    /// and what the file says of itself is taken from that event, as it was chained — not read again with today's
    /// readers, which may read more (a kind of statement added since), so that every bundle still agrees with its log.
    /// </summary>
    private async Task<string?> RestoreAsync(
        string caseId, string itemId, BlobItem original, List<BlobItem> blobs, CustodyRecord log, GrantRestoration grantRestoration, CancellationToken cancellationToken)
    {
        if (!log.Received.TryGetValue(itemId, out var received))
        {
            return "it has a timestamp or receipt but no item.received event in the custody log";
        }

        var metadata = original.Metadata;
        if (!EvidenceMetadata.TryReadRecorded(metadata, out var digest, out var size) || received.Event.Sha256 != digest.Hex || received.Event.Size != size)
        {
            return "its metadata does not name the SHA-256 and size its item.received event records";
        }

        var timestamp = await timestamper.CheckStoredAsync(caseId, itemId, digest, cancellationToken);
        if (timestamp is { IsValid: false })
        {
            return $"its stored timestamp does not verify against the trusted roots ({timestamp.Failure}): check the timestamp settings";
        }

        if (received.Statements is not { } chained)
        {
            return UnreadableStatements;
        }

        var committed = await CommittedOfAsync(caseId, itemId, metadata, digest, size, received, grantRestoration, cancellationToken);
        var item = EvidenceIngestor.RecordOf(committed, chained, received.Recorded) with
        {
            Timestamp = timestamp?.Facts is { } facts ? ItemTimestamp.Granted(facts) : new ItemTimestamp { Status = TimestampStatuses.Pending },
            Receipt = await receipts.ReadStoredLatestAsync(caseId, itemId, blobs.Select(b => b.Name), cancellationToken),
        };
        if (!await index.TryAddAsync(item, timestamp is null ? clock.GetUtcNow() : null, cancellationToken))
        {
            return "the index holds another item with the same bytes from the same sender";
        }

        if (timestamp is null && log.TimestampAttempts.GetValueOrDefault(itemId) is > 0 and var attempts)
        {
            await index.MergeAsync(caseId, itemId, new Dictionary<string, object?> { [nameof(ItemEntity.TimestampAttempts)] = attempts }, cancellationToken);
        }

        await cases.AddUsageAsync(caseId, size, cancellationToken);
        return null;
    }

    private async Task<string?> ReasonToLeaveAsync(
        string caseId, string itemId, BlobItem original, CustodyRecord log, TimeSpan minimumAge, CancellationToken cancellationToken)
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

        if (metadata.TryGetValue(EvidenceMetadata.UploadId, out var uploadId) && await uploads.FindAsync(caseId, uploadId, cancellationToken) is not null)
        {
            return "its resumable upload's session completes it";
        }

        if (log.Received.GetValueOrDefault(itemId) is { Statements: null })
        {
            return UnreadableStatements;
        }

        if (!EvidenceMetadata.TryReadRecorded(metadata, out var recorded, out var size))
        {
            return "its metadata does not name its SHA-256 and size";
        }

        await using var content = await storage.Blob(EvidencePaths.Original(caseId, itemId)).OpenReadAsync(new Azure.Storage.Blobs.Models.BlobOpenReadOptions(allowModifications: false), cancellationToken);
        var hashed = await EvidenceHasher.HashAsync(content, cancellationToken);
        return hashed.Digest == recorded && hashed.Length == size ? null : "its bytes no longer match the SHA-256 recorded when it was committed";
    }

    private async Task<IngestResult> AdoptAsync(
        string caseId, string itemId, IDictionary<string, string> metadata, CustodyRecord log, GrantRestoration grantRestoration, CancellationToken cancellationToken)
    {
        EvidenceMetadata.TryReadRecorded(metadata, out var digest, out var size);
        var received = log.Received.GetValueOrDefault(itemId);
        var committed = await CommittedOfAsync(caseId, itemId, metadata, digest, size, received, grantRestoration, cancellationToken);

        // The same bytes indexed since from the same sender (the victim sent them again): this blob is a copy, as when two uploads race.
        if (await index.FindByDigestAsync(committed.Uploader, digest.Hex, cancellationToken) is { } existing)
        {
            return await ingestor.RecordCopyAsync(committed.Uploader, itemId, digest, size, existing, cancellationToken);
        }

        // Received before the vault stopped: its custody line stands, and with it what the file said then.
        return received is null
            ? await ingestor.IndexCommittedAsync(committed, chained: null, cancellationToken)
            : await ingestor.IndexCommittedAsync(
                committed,
                new ChainedReceipt(received.Recorded, received.Statements ?? throw new InvalidOperationException("An item whose item.received line cannot be read is left, not adopted.")),
                cancellationToken);
    }

    /// <summary>
    /// A committed blob as the vault committed it, from its metadata (written at commit so the index can be rebuilt
    /// from blobs alone: the claims and the format it was filed as) and the note its <c>item.received</c> event holds.
    /// </summary>
    private async Task<CommittedEvidence> CommittedOfAsync(
        string caseId, string itemId, IDictionary<string, string> metadata, Sha256Digest digest, long size, ReceivedLine? received, GrantRestoration grantRestoration, CancellationToken cancellationToken)
    {
        var (claims, kindName, contributor, receivedAt, contentType) = EvidenceMetadata.ReadUpload(metadata, received?.Event.Details?.GetValueOrDefault(ClaimDetails.Note));
        if (claims.CapturedByVault)
        {
            // Like the note, the sites a capture reached live in its custody line, not in blob metadata.
            // A line whose sites are malformed restores none (the bundle's verifier then reports the line).
            claims = claims with { CapturedSites = CaptureDetails.TryReadSites(received?.Event.Details, out var sites) ? sites : null };
        }

        var grant = grantRestoration.Grants.GetValueOrDefault(contributor);
        var uploader = new CaseCaller(caseId, contributor, grant?.Role ?? CaseRoles.Contributor, grant?.Label);

        // Filed as it was at commit (its receipt and custody line name that content type), though the vault may
        // recognise more formats since — a document once kept as a ZIP stays one; recognised again only without a record.
        var format = EvidenceFormatDetector.Recorded(contentType) ?? EvidenceIngestor.Recognise(await SampleAsync(caseId, itemId, size, cancellationToken), claims);
        return new CommittedEvidence(uploader, claims, new ReceivedEvidence(itemId, format, digest, size), kindName ?? format.DefaultKind.ToWireName(), receivedAt);
    }

    /// <summary>The bytes a committed blob's format is recognised by, read by ranges: its head and, for a compound file, its directory's start.</summary>
    private async Task<FormatSample> SampleAsync(string caseId, string itemId, long size, CancellationToken cancellationToken)
    {
        var blob = storage.Blob(EvidencePaths.Original(caseId, itemId));
        async Task<BinaryData> ReadAsync(long offset, int length) =>
            (await blob.DownloadContentAsync(new BlobDownloadOptions { Range = new Azure.HttpRange(offset, length) }, cancellationToken)).Value.Content;

        var head = await ReadAsync(0, EvidenceFormatDetector.HeadLength);
        var directory = FormatSample.DirectoryOffset(head.ToMemory().Span) is { } offset && offset < size
            ? await ReadAsync(offset, FormatSample.DirectoryLength)
            : BinaryData.Empty;
        return new FormatSample(size, size, head.ToMemory().Span, directory.ToMemory().Span);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Index repair: case {CaseId}, item {ItemId} {Outcome}.")]
    private static partial void LogRepaired(ILogger logger, string caseId, string itemId, string outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "Index repair: case {CaseId}, item {ItemId} left unindexed: {Reason}.")]
    private static partial void LogLeft(ILogger logger, string caseId, string itemId, string reason);

    /// <summary>
    /// What the case's custody log says: its <c>case.created</c> event, the grants it names, each item's
    /// <c>item.received</c> event and failed timestamp attempts, and which items are copies.
    /// </summary>
    private sealed record CustodyRecord(
        CustodyEvent? Created, HashSet<string> GrantIds, Dictionary<string, ReceivedLine> Received, Dictionary<string, int> TimestampAttempts, HashSet<string> Duplicates)
    {
        public static async Task<CustodyRecord> ReadAsync(CustodyLog custody, string caseId, CancellationToken cancellationToken)
        {
            var record = new CustodyRecord(null, new(StringComparer.Ordinal), new(StringComparer.Ordinal), new(StringComparer.Ordinal), new(StringComparer.Ordinal));
            var position = await custody.ReadPositionAsync(caseId, cancellationToken);
            await using var stream = await custody.OpenReadAsync(caseId, position.Length, cancellationToken);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                var entry = CustodyEvent.Parse(line);
                switch (entry.Type)
                {
                    case CustodyEventTypes.CaseCreated:
                        record = record with { Created = entry };
                        break;
                    case CustodyEventTypes.GrantCreated or CustodyEventTypes.OwnerRotated when entry.Details?.GetValueOrDefault("grantId") is { } grantId:
                        record.GrantIds.Add(grantId);
                        break;
                    case CustodyEventTypes.ItemReceived when entry.ItemId is { } itemId:
                        record.Received[itemId] = new ReceivedLine(entry, new RecordedEvent(entry.Seq, CustodyEvent.HashLine(line)));
                        break;
                    case Timestamps.ItemTimestamper.Failed when entry.ItemId is { } itemId:
                        record.TimestampAttempts[itemId] = record.TimestampAttempts.GetValueOrDefault(itemId) + 1;
                        break;
                    case CustodyEventTypes.ItemDuplicate when entry.ItemId is { } itemId:
                        record.Duplicates.Add(itemId);
                        break;
                }
            }

            return record;
        }
    }

    /// <summary>An <c>item.received</c> event as the log holds it.</summary>
    private sealed record ReceivedLine(CustodyEvent Event, RecordedEvent Recorded)
    {
        /// <summary>What the file said of itself as the event chained it; null when the event's details are not what the vault writes.</summary>
        public FileStatements? Statements { get; } = StatementsOf(Event);

        private static FileStatements? StatementsOf(CustodyEvent received)
        {
            try
            {
                return FileStatements.Chained(received.Details);
            }
            catch (FormatException)
            {
                return null;
            }
        }
    }
}
