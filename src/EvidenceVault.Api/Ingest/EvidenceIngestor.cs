using System.Buffers;
using System.Security.Cryptography;
using Azure.Storage.Blobs.Models;
using EvidenceVault.Api.Access;
using EvidenceVault.Api.Custody;
using EvidenceVault.Api.Items;
using EvidenceVault.Api.Problems;
using EvidenceVault.Api.Receipts;
using EvidenceVault.Api.Storage;
using EvidenceVault.Api.Timestamps;
using EvidenceVault.Custody;
using EvidenceVault.Evidence;
using EvidenceVault.Hashing;
using EvidenceVault.Identifiers;
using EvidenceVault.Serialization;
using Microsoft.Extensions.Options;

namespace EvidenceVault.Api.Ingest;

/// <summary>The item an upload produced, and whether it is new (201) or the same sender's same bytes again (200).</summary>
internal sealed record IngestResult(EvidenceItemRecord Item, bool Created);

/// <summary>Evidence received and staged but not committed: its item id, recognised format, SHA-256 and size.</summary>
internal sealed record ReceivedEvidence(string ItemId, EvidenceFormat Format, Sha256Digest Digest, long Size);

/// <summary>Evidence whose blob is committed: who sent it, what they claimed, what it is, and when the vault received it.</summary>
internal sealed record CommittedEvidence(CaseCaller Uploader, EvidenceClaims Claims, ReceivedEvidence Received, string Kind, DateTimeOffset ReceivedAt);

/// <summary>An item's <c>item.received</c> event already in the custody log: its sequence number and the hash of its line.</summary>
internal sealed record RecordedEvent(long Seq, Sha256Digest LineHash);

/// <summary>An <c>item.received</c> event the custody log already holds, and the statements of the file it chained.</summary>
internal sealed record ChainedReceipt(RecordedEvent Recorded, FileStatements Statements);

/// <summary>What a committed file says about itself: a saved page's origin, a recording's length and making, a photo's taking, an e-mail's header, a document's properties, or an exported chat's writers, span and links.</summary>
internal sealed record FileStatements(PageSnapshotOrigin? Snapshot, RecordingInfo? Recording, PhotoInfo? Photo = null, MessageInfo? Message = null, DocumentInfo? Document = null, ChatInfo? Chat = null)
{
    /// <summary>For a file that states none of them.</summary>
    public static FileStatements None { get; } = new(null, null);

    /// <summary>
    /// The statements an <c>item.received</c> custody line chained (its <paramref name="details"/>): what the file said
    /// when it was received, whatever a reader of today would read in it. Throws <see cref="FormatException"/> for a
    /// detail the vault did not write.
    /// </summary>
    public static FileStatements Chained(IReadOnlyDictionary<string, string>? details) =>
        new(SnapshotDetails.From(details), RecordingDetails.From(details), PhotoDetails.From(details), MessageDetails.From(details), DocumentDetails.From(details), ChatDetails.From(details));
}

/// <summary>
/// Takes evidence into the vault in one pass: the body is read block by block, each block hashed and staged
/// to the item's blob; nothing is committed until the whole body is in, its format, size and declared digest are
/// checked and the case is known not to hold these bytes already. Then: commit (write-once), custody event,
/// index entry — in that order, so an index entry never exists without its blob, and a crash at any step leaves
/// at most an unindexed blob that <see cref="IndexRepair"/> adopts.
/// </summary>
internal sealed partial class EvidenceIngestor(
    VaultStorage storage,
    EvidenceBlocks blocks,
    ItemIndex index,
    CustodyLog custody,
    IOptions<IngestOptions> options,
    IOptions<Hardening.AbuseLimitsOptions> limitOptions,
    Cases.CaseDirectory cases,
    IOptions<VaultStorageOptions> storageOptions,
    IOptions<TimestampOptions> timestampOptions,
    ItemTimestamper timestamper,
    ReceiptIssuer receipts,
    StoredStatements statementsOfFiles,
    Monitoring.VaultMetrics metrics,
    TimeProvider clock,
    ILogger<EvidenceIngestor> logger)
{
    private readonly ArrayPool<byte> _blocks = blocks.Pool;

    /// <summary>Takes one upload from a request body: receive it (streamed, hashed, staged), then complete it.</summary>
    public async Task<IngestResult> IngestAsync(CaseCaller caller, EvidenceClaims claims, Stream body, CancellationToken cancellationToken)
    {
        await storage.EnsureReadyAsync(cancellationToken);
        var bytesLeft = await CheckQuotaAsync(caller, cancellationToken);
        var itemId = Ulid.NewUlid(clock);
        var blob = storage.Blob(EvidencePaths.Original(caller.CaseId, itemId));
        await using var upload = new StagedBlockUpload(blob, _blocks, options.Value.MaxBlocksInFlight, storageOptions.Value.EffectiveBlockChecksum);
        var received = await ReceiveAsync(itemId, claims, body, upload, bytesLeft, cancellationToken);
        return await CompleteAsync(caller, claims, received, upload.CommitAsync, cancellationToken);
    }

    /// <summary>
    /// Quotas are checked before and while streaming, so an upload over them commits nothing. Uploads already in
    /// flight when the last slot is taken may each still complete: the quota is a limit, not a lock.
    /// </summary>
    internal async Task<long> CheckQuotaAsync(CaseCaller caller, CancellationToken cancellationToken)
    {
        var usage = await cases.FindAsync(caller.CaseId, cancellationToken);
        var quota = limitOptions.Value;
        if (usage is not null && usage.ItemCount >= quota.MaxItemsPerCase)
        {
            throw new VaultProblemException(ProblemType.CaseQuotaExceeded, $"This case holds its maximum of {quota.MaxItemsPerCase} items.");
        }

        return quota.MaxBytesPerCase - (usage?.TotalBytes ?? 0);
    }

    /// <summary>Reads the body block by block: recognises the format, counts, hashes and stages; commits nothing.</summary>
    private async Task<ReceivedEvidence> ReceiveAsync(string itemId, EvidenceClaims claims, Stream body, StagedBlockUpload upload, long bytesLeft, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var sample = new FormatSample();
        EvidenceFormat? format = null;
        long size = 0;

        // Block n is hashed on the pool while block n+1 is read and earlier blocks are staged; hashes stay in order.
        var hashing = Task.CompletedTask;
        try
        {
            while (true)
            {
                var buffer = _blocks.Rent(limits.BlockSizeBytes);
                int read;
                try
                {
                    read = await body.ReadAtLeastAsync(buffer.AsMemory(0, limits.BlockSizeBytes), limits.BlockSizeBytes, throwOnEndOfStream: false, cancellationToken);
                    if (read > 0)
                    {
                        // Told from the first block, or — for a compound file whose directory lies further on — from
                        // the block that holds it; a short block is the body's last.
                        sample.Append(buffer.AsSpan(0, read));
                        if (format is null && (sample.Complete || read < limits.BlockSizeBytes))
                        {
                            format = Recognise(sample, claims);
                        }

                        size += read;
                        if (size > limits.MaxEvidenceBytes)
                        {
                            throw new VaultProblemException(ProblemType.EvidenceTooLarge, $"Evidence is limited to {limits.MaxEvidenceBytes} bytes per request; use resumable upload for larger recordings.");
                        }

                        if (size > bytesLeft)
                        {
                            throw new VaultProblemException(ProblemType.CaseQuotaExceeded, $"This case has {Math.Max(0, bytesLeft)} bytes of its storage quota left.");
                        }
                    }
                }
                catch
                {
                    _blocks.Return(buffer);
                    throw;
                }

                if (read == 0)
                {
                    _blocks.Return(buffer);
                    break;
                }

                await hashing;
                hashing = Task.Run(() => hash.AppendData(buffer, 0, read), cancellationToken);
                await upload.StageAsync(buffer, read, hashing, cancellationToken);
            }

            await hashing;
        }
        finally
        {
            // Never leave while a hash still reads a block: the hash would be disposed under it.
            await hashing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (size == 0)
        {
            throw new VaultProblemException(ProblemType.EmptyEvidence, "The upload has no bytes.");
        }

        format ??= Recognise(sample, claims);

        await upload.FlushAsync();
        return new ReceivedEvidence(itemId, format, Sha256Digest.FromBytes(hash.GetHashAndReset()), size);
    }

    /// <summary>
    /// Completes received bytes as an item: declared digest, idempotency, then commit (write-once), custody event,
    /// index entry (pending), timestamp and receipt. Every way of receiving evidence ends here.
    /// </summary>
    internal async Task<IngestResult> CompleteAsync(
        CaseCaller caller,
        EvidenceClaims claims,
        ReceivedEvidence received,
        Func<BlobHttpHeaders, IDictionary<string, string>, CancellationToken, Task> commit,
        CancellationToken cancellationToken)
    {
        var (itemId, format, digest, size) = received;
        if (claims.DeclaredDigest is { } declared && declared != digest)
        {
            throw new VaultProblemException(ProblemType.DigestMismatch, $"The bytes received have SHA-256 {digest.Hex}; the request declared {declared.Hex}. Nothing was stored.");
        }

        // The sender's own item for these bytes; a fellow victim's copy of them is theirs to keep, not this one.
        if (await index.FindByDigestAsync(caller, digest.Hex, cancellationToken) is { } existing)
        {
            return new IngestResult(existing, Created: false);
        }

        // To the millisecond, as the blob's metadata and the receipt keep it: the index can be rebuilt to the same value.
        var receivedAt = VaultJson.ToMilliseconds(clock.GetUtcNow());
        var kind = (claims.Kind ?? format.DefaultKind).ToWireName();
        await commit(
            new BlobHttpHeaders { ContentType = format.ContentType },
            EvidenceMetadata.Of(caller, itemId, digest, size, format, kind, receivedAt, claims),
            cancellationToken);

        return await IndexCommittedAsync(new CommittedEvidence(caller, claims, received, kind, receivedAt), chained: null, cancellationToken);
    }

    /// <summary>
    /// The steps after the commit: custody event — or <paramref name="chained"/>, the one the log already holds with the
    /// file's statements as it chained them —, index entry (pending), timestamp and receipt. Completion ends here, and
    /// so does the repair of a blob a crash left committed but unindexed (<see cref="IndexRepair"/>).
    /// </summary>
    internal async Task<IngestResult> IndexCommittedAsync(CommittedEvidence committed, ChainedReceipt? chained, CancellationToken cancellationToken)
    {
        var (caller, claims, (itemId, format, digest, size), kind, receivedAt) = committed;
        var statements = chained?.Statements ?? await statementsOfFiles.ReadAsync(caller.CaseId, itemId, format, cancellationToken);
        var recorded = chained?.Recorded;
        if (recorded is null)
        {
            var (receivedEvent, position) = await custody.AppendAsync(
                caller.CaseId,
                new CustodyEntry(CustodyEventTypes.ItemReceived, caller.GrantId, itemId, digest.Hex, size, CustodyDetails(format, kind, claims, statements)),
                cancellationToken);
            recorded = new RecordedEvent(receivedEvent.Seq, position.Head.Hash);
        }

        var item = RecordOf(committed, statements, recorded);

        // Indexed as pending first: if the vault stops before the timestamp below, the retry worker finds the item.
        if (await index.TryAddAsync(item, receivedAt + timestampOptions.Value.InlineBudget, cancellationToken))
        {
            LogReceived(logger, caller.CaseId, itemId, size);
            metrics.ItemReceived(kind, size);
            await cases.AddUsageAsync(caller.CaseId, size, cancellationToken);
            item = item with { Timestamp = await timestamper.StampInlineAsync(item, caller.GrantId, cancellationToken) };
            item = item with { Receipt = await receipts.IssueAsync(item, caller.GrantId, cancellationToken) };
            return new IngestResult(item, Created: true);
        }

        // The same sender's concurrent upload of the same bytes was indexed first: its item stands; this copy is recorded as such.
        var winner = await index.FindByDigestAsync(caller, digest.Hex, cancellationToken)
            ?? throw new InvalidOperationException("The digest row exists but its item does not.");
        return await RecordCopyAsync(caller, itemId, digest, size, winner, cancellationToken);
    }

    /// <summary>The index entry of committed evidence whose <c>item.received</c> event is <paramref name="recorded"/>; its timestamp pending, no receipt yet.</summary>
    internal static EvidenceItemRecord RecordOf(CommittedEvidence committed, FileStatements statements, RecordedEvent recorded)
    {
        var (caller, claims, (itemId, format, digest, size), kind, receivedAt) = committed;
        return new EvidenceItemRecord
        {
            ItemId = itemId,
            CaseId = caller.CaseId,
            Sha256 = digest.Hex,
            Size = size,
            Kind = kind,
            ContentType = format.ContentType,
            FileName = claims.FileName,
            CapturedAt = claims.CapturedAt,
            ReceivedAt = receivedAt,
            SourceUrl = claims.SourceUrl,
            Snapshot = statements.Snapshot,
            Recording = statements.Recording,
            Photo = statements.Photo,
            Message = statements.Message,
            Document = statements.Document,
            Chat = statements.Chat,
            CapturedBy = claims.CapturedByVault ? CaptureDetails.Vault : null,
            CapturedSites = claims.CapturedSites is { Count: > 0 } sites ? sites : null,
            Note = claims.Note,
            Contributor = caller.GrantId,
            ContributorRole = caller.Role,
            ContributorLabel = caller.Label,
            Custody = new ItemCustody(recorded.Seq, recorded.LineHash.Hex),
            Timestamp = new ItemTimestamp { Status = TimestampStatuses.Pending },
        };
    }

    /// <summary>Records a committed blob as a copy of <paramref name="winner"/>, the item the case holds for the same bytes from the same sender.</summary>
    internal async Task<IngestResult> RecordCopyAsync(CaseCaller uploader, string itemId, Sha256Digest digest, long size, EvidenceItemRecord winner, CancellationToken cancellationToken)
    {
        await custody.AppendAsync(
            uploader.CaseId,
            new CustodyEntry(CustodyEventTypes.ItemDuplicate, uploader.GrantId, itemId, digest.Hex, size, new Dictionary<string, string> { ["sameAs"] = winner.ItemId }),
            cancellationToken);
        return new IngestResult(winner, Created: false);
    }

    /// <summary>The evidence format of the bytes <paramref name="sample"/> gathered, checked against the claimed kind.</summary>
    internal static EvidenceFormat Recognise(FormatSample sample, EvidenceClaims claims)
    {
        var format = sample.Recognise(claims.FileName)
            ?? throw (EvidenceFormatDetector.IsMailbox(sample.Head)
                ? new VaultProblemException(ProblemType.MailboxExport, "This is a mailbox export (mbox), which holds every mail of a folder, private ones among them. Save the phishing e-mail itself as one file (Gmail: ⋮ → Download message, an .eml; Outlook: File → Save As, a .msg; Thunderbird: File → Save As → File) and upload that.")
                : new VaultProblemException(ProblemType.UnsupportedEvidenceType, "The file is not a screenshot, recording, saved page, e-mail, exported chat or document format the vault accepts (checked by its content, not its name)."));
        return claims.Kind is { } kind && !format.Allows(kind)
            ? throw new VaultProblemException(ProblemType.KindMismatch, $"A {format.ContentType} file cannot be filed as {kind.ToWireName()}.")
            : format;
    }

    private static Dictionary<string, string> CustodyDetails(EvidenceFormat format, string kind, EvidenceClaims claims, FileStatements statements)
    {
        // The note lives in the custody log and the index, not in blob metadata (8 KiB for all of it).
        var details = new Dictionary<string, string>(ClaimDetails.Of(format.ContentType, kind, claims.FileName, claims.CapturedAt, claims.SourceUrl, claims.Note));

        if (claims.CapturedByVault)
        {
            details[CaptureDetails.CapturedBy] = CaptureDetails.Vault;
            if (claims.CapturedSites is { Count: > 0 } sites)
            {
                details[CaptureDetails.Sites] = CaptureDetails.SitesValue(sites);
            }
        }

        var said = (statements.Snapshot is { } snapshot ? SnapshotDetails.Of(snapshot) : [])
            .Concat(statements.Recording is { } recording ? RecordingDetails.Of(recording) : [])
            .Concat(statements.Photo is { } photo ? PhotoDetails.Of(photo) : [])
            .Concat(statements.Message is { } message ? MessageDetails.Of(message) : [])
            .Concat(statements.Document is { } document ? DocumentDetails.Of(document) : [])
            .Concat(statements.Chat is { } chat ? ChatDetails.Of(chat) : []);
        foreach (var (name, value) in said)
        {
            details[name] = value;
        }

        return details;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Evidence received: case {CaseId}, item {ItemId}, {Size} bytes.")]
    private static partial void LogReceived(ILogger logger, string caseId, string itemId, long size);
}
