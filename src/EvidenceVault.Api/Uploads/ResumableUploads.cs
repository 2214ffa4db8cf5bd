using System.Security.Cryptography;
using Azure;
using Azure.Storage;
using Azure.Storage.Blobs.Models;
using EvidenceVault.Api.Access;
using EvidenceVault.Api.Ingest;
using EvidenceVault.Api.Monitoring;
using EvidenceVault.Api.Problems;
using EvidenceVault.Api.Storage;
using EvidenceVault.Evidence;
using EvidenceVault.Hashing;
using EvidenceVault.Identifiers;
using Microsoft.Extensions.Options;

namespace EvidenceVault.Api.Uploads;

/// <summary>What a PATCH achieved: the new offset, and the item once the upload is complete.</summary>
internal sealed record AppendResult(UploadSession Session, IngestResult? Completed);

/// <summary>
/// Resumable uploads (tus 1.0.0) straight into the item's block blob. Each PATCH is read block by block, hashed,
/// checksummed and staged on the final blob under random block ids; only when every byte of it is stored does
/// the session advance — offset, block ids and SHA-256 state in one ETag-conditional update — so a PATCH cut
/// off, refused (checksum) or beaten by a racing one leaves blocks that are never committed. The last PATCH
/// completes the upload through <see cref="EvidenceIngestor.CompleteAsync"/>, exactly as a single-request upload:
/// declared digest and idempotency first, then commit (write-once), custody, index, timestamp, receipt.
/// </summary>
internal sealed partial class ResumableUploads(
    VaultStorage storage,
    UploadStore store,
    EvidenceBlocks blocks,
    EvidenceIngestor ingestor,
    IOptions<IngestOptions> ingestOptions,
    IOptions<ResumableUploadOptions> options,
    IOptions<VaultStorageOptions> storageOptions,
    VaultMetrics metrics,
    TimeProvider clock,
    ILogger<ResumableUploads> logger)
{
    /// <summary>The first block of a PATCH longer than one block: small enough to arrive in a few milliseconds.</summary>
    internal const int LeadBlockBytes = 512 * 1024;

    /// <summary>Opens an upload of <paramref name="length"/> bytes (tus creation).</summary>
    public async Task<UploadSession> CreateAsync(CaseCaller caller, long length, string? metadataHeader, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        if (length == 0)
        {
            throw new VaultProblemException(ProblemType.EmptyEvidence, "An upload needs at least one byte.");
        }

        if (length > limits.MaxUploadBytes)
        {
            throw new VaultProblemException(ProblemType.EvidenceTooLarge, $"An upload is limited to {limits.MaxUploadBytes} bytes.");
        }

        var claims = EvidenceClaims.FromMetadata(TusProtocol.ParseMetadata(metadataHeader));
        await storage.EnsureReadyAsync(cancellationToken);
        var bytesLeft = await ingestor.CheckQuotaAsync(caller, cancellationToken);
        if (length > bytesLeft)
        {
            throw new VaultProblemException(ProblemType.CaseQuotaExceeded, $"This case has {Math.Max(0, bytesLeft)} bytes of its storage quota left.");
        }

        var now = clock.GetUtcNow();
        var session = await store.AddAsync(
            new UploadSession
            {
                CaseId = caller.CaseId,
                UploadId = Ulid.NewUlid(clock),
                ItemId = Ulid.NewUlid(clock),
                GrantId = caller.GrantId,
                GrantRole = caller.Role,
                GrantLabel = caller.Label,
                Length = length,
                State = UploadStates.Open,
                Metadata = string.IsNullOrWhiteSpace(metadataHeader) ? null : metadataHeader,
                Claims = claims,
                HashState = ResumableSha256.Create().SaveState(),
                CreatedAt = now,
                ExpiresAt = now + limits.Expiry,
            },
            cancellationToken);
        LogCreated(logger, caller.CaseId, session.UploadId, length);
        metrics.Upload(UploadOutcomes.Opened);
        return session;
    }

    /// <summary>
    /// The caller's upload as it stands (tus HEAD). An upload past its expiry is marked expired; one whose completion
    /// stopped midway (its instance died) is completed now.
    /// </summary>
    public async Task<UploadSession> GetAsync(CaseCaller caller, string uploadId, CancellationToken cancellationToken)
    {
        var session = await FindAsync(caller, uploadId, cancellationToken);
        if (session.State == UploadStates.Completing && session.CompletingSince + options.Value.CompletionTakeover <= clock.GetUtcNow())
        {
            (session, _) = await TakeOverCompletionAsync(session, CancellationToken.None);
        }

        return session;
    }

    /// <summary>Appends one PATCH body at <paramref name="offset"/>; completes the upload with its last byte.</summary>
    /// <remarks>
    /// The bytes are received and staged while the caller's token is still being checked (<see cref="PresumedCaller"/>):
    /// that check is what a PATCH would otherwise wait for first, a storage round trip per chunk while storage idles.
    /// Staged blocks count only once the session lists them, and the session changes only after the check succeeded;
    /// a PATCH whose token turns out revoked leaves blocks that are never committed, like a PATCH cut off.
    /// </remarks>
    public async Task<AppendResult> AppendAsync(
        PresumedCaller presumed, string uploadId, long offset, long? contentLength, (HashAlgorithmName Algorithm, byte[] Digest)? checksum, Stream body, CancellationToken cancellationToken)
    {
        var caller = presumed.Caller;
        // Usually the version this instance saved after the previous PATCH; refusals are decided on the table's.
        var session = await FindAsync(caller, uploadId, cancellationToken, recentIsEnough: true, presumed);
        if (session.State != UploadStates.Open || offset != session.Offset)
        {
            session = await FindAsync(caller, uploadId, cancellationToken, presumed: presumed);
        }

        // A retry of a PATCH whose answer was lost, after the upload completed: the offset moved on (409, so the
        // client asks with HEAD and sees the upload done), which is not the same as sending bytes after the end (403).
        if (session.State is UploadStates.Completed or UploadStates.Completing && offset < session.Length)
        {
            throw new VaultProblemException(ProblemType.UploadOffsetMismatch, $"The upload already has all {session.Length} bytes; ask with HEAD.");
        }

        EnsureOpen(session);
        if (offset != session.Offset)
        {
            throw new VaultProblemException(ProblemType.UploadOffsetMismatch, $"The upload is at offset {session.Offset}, not {offset}; ask with HEAD and resume from there.");
        }

        var remaining = session.Length - session.Offset;
        var maxChunk = options.Value.MaxChunkBytes;
        if (contentLength > remaining)
        {
            throw new VaultProblemException(ProblemType.UploadLengthExceeded, $"The upload has {remaining} bytes left; the request carries {contentLength}.");
        }

        if (contentLength > maxChunk)
        {
            throw new VaultProblemException(ProblemType.ChunkTooLarge, $"A PATCH may carry at most {maxChunk} bytes; send the upload in smaller chunks.");
        }

        var chunk = await ReceiveChunkAsync(session, checksum, body, Math.Min(remaining, maxChunk), contentLength, cancellationToken);
        if (chunk.Length == 0)
        {
            return new AppendResult(session, null);
        }

        var now = clock.GetUtcNow();
        var complete = session.Offset + chunk.Length == session.Length;
        var advanced = session with
        {
            Offset = session.Offset + chunk.Length,
            Head = chunk.Sample.Head,
            Directory = chunk.Sample.Directory,
            HashState = chunk.HashState,
            BlockIds = [.. session.BlockIds, .. chunk.BlockIds],
            ExpiresAt = now + options.Value.Expiry,
            State = complete ? UploadStates.Completing : UploadStates.Open,
            CompletingSince = complete ? now : null,
        };

        // Recognised as soon as the bytes it is told by are in — the first ones, and a compound file's directory
        // wherever it lies: a file the vault will never accept is refused now, not at the end.
        if (chunk.Sample.Complete && !SampleOf(session).Complete)
        {
            try
            {
                EvidenceIngestor.Recognise(chunk.Sample, advanced.Claims);
            }
            catch (VaultProblemException e)
            {
                await presumed.ConfirmAsync();
                await RejectAsync(session, e, cancellationToken);
                throw;
            }
        }

        await presumed.ConfirmAsync();
        session = await store.TryReplaceAsync(advanced, cancellationToken) ?? await LostRaceAsync(session, cancellationToken);
        if (!complete)
        {
            return new AppendResult(session, null);
        }

        // Every byte is stored and the session says so: finish even if the client goes away now.
        var (completed, result) = await CompleteAsync(session, CancellationToken.None);
        return new AppendResult(completed, result);
    }

    /// <summary>
    /// The session changed while a PATCH was staged (a racing PATCH, or another instance ended the upload): its
    /// blocks are never referenced, and the client hears what the table says now.
    /// </summary>
    private async Task<UploadSession> LostRaceAsync(UploadSession session, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(session.CaseId, session.UploadId, cancellationToken) is { } current)
        {
            EnsureNotGone(current);
        }

        throw new VaultProblemException(ProblemType.UploadOffsetMismatch, "Another request advanced this upload at the same time; ask with HEAD and resume from there.");
    }

    /// <summary>Ends an unfinished upload (tus termination); its staged blocks are never committed.</summary>
    public async Task TerminateAsync(CaseCaller caller, string uploadId, CancellationToken cancellationToken)
    {
        var session = await FindAsync(caller, uploadId, cancellationToken);
        EnsureOpen(session);
        _ = await store.TryReplaceAsync(session with { State = UploadStates.Terminated }, cancellationToken)
            ?? throw new VaultProblemException(ProblemType.UploadOffsetMismatch, "The upload changed while it was being terminated; ask with HEAD and try again.");
        metrics.Upload(UploadOutcomes.Terminated);
    }

    /// <summary>Expires unfinished uploads past their expiry and completes those whose completion stopped; returns how many it changed.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        await storage.EnsureReadyAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var changed = 0;
        await foreach (var session in store.ListStaleAsync(now, now - options.Value.CompletionTakeover, cancellationToken))
        {
            if (session.State == UploadStates.Open)
            {
                changed += await ExpireAsync(session, cancellationToken) is null ? 0 : 1;
            }
            else
            {
                try
                {
                    await TakeOverCompletionAsync(session, cancellationToken);
                    changed++;
                }
                catch (VaultProblemException)
                {
                    changed++; // refused and recorded as rejected: nothing more to do.
                }
            }
        }

        return changed;
    }

    private async Task<UploadSession> FindAsync(
        CaseCaller caller, string uploadId, CancellationToken cancellationToken, bool recentIsEnough = false, PresumedCaller? presumed = null)
    {
        await storage.EnsureReadyAsync(cancellationToken);
        var session = recentIsEnough
            ? await store.FindRecentAsync(caller.CaseId, uploadId, cancellationToken)
            : await store.FindAsync(caller.CaseId, uploadId, cancellationToken);

        // Uploads belong to the grant that opened them: to anyone else they are as good as absent.
        if (session is null || session.GrantId != caller.GrantId)
        {
            throw new VaultProblemException(ProblemType.UploadNotFound, "No such upload in this case for this token.");
        }

        if (session.State == UploadStates.Open && session.ExpiresAt <= clock.GetUtcNow())
        {
            if (presumed is not null)
            {
                await presumed.ConfirmAsync();
            }

            session = await ExpireAsync(session, cancellationToken) ?? session;
        }

        return session;
    }

    /// <summary>410 for an upload that was terminated, expired or refused: it takes nothing more and answers no HEAD.</summary>
    public static void EnsureNotGone(UploadSession session)
    {
        if (session.State is UploadStates.Terminated or UploadStates.Expired or UploadStates.Rejected)
        {
            throw new VaultProblemException(ProblemType.UploadGone, $"This upload is {session.State}{(session.Reason is null ? string.Empty : $" ({session.Reason})")}; start a new one.");
        }
    }

    private static void EnsureOpen(UploadSession session)
    {
        EnsureNotGone(session);
        if (session.State is UploadStates.Completed or UploadStates.Completing)
        {
            throw new VaultProblemException(ProblemType.UploadCompleted, "This upload is complete; it cannot take more bytes or be terminated.");
        }
    }

    /// <summary>
    /// Reads one PATCH: hashes (continuing the stored state), checksums and stages it; changes nothing stored.
    /// </summary>
    /// <remarks>
    /// A client sends the next PATCH only when this one is answered, so storage idles while a PATCH's first block
    /// arrives. A PATCH longer than one block therefore starts with a <see cref="LeadBlockBytes"/> block: storage
    /// is busy with it a few milliseconds into the request while the rest streams in behind it.
    /// </remarks>
    private async Task<ReceivedChunk> ReceiveChunkAsync(
        UploadSession session, (HashAlgorithmName Algorithm, byte[] Digest)? checksum, Stream body, long maxBytes, long? contentLength, CancellationToken cancellationToken)
    {
        if (checksum is { Algorithm.Name: nameof(HashAlgorithmName.MD5) } md5 && contentLength is > 0 and var length)
        {
            return await ForwardChunkAsync(session, md5.Digest, body, length, cancellationToken);
        }

        var pool = blocks.Pool;
        var blockSize = Math.Min(blocks.BlockSize, options.Value.StageBlockBytes);
        var leadBlock = (contentLength ?? maxBytes) > blockSize ? Math.Min(LeadBlockBytes, blockSize) : blockSize;
        var hash = ResumableSha256.Restore(session.HashState);
        using var transport = checksum is { } c ? IncrementalHash.CreateHash(c.Algorithm) : null;
        var sample = SampleOf(session);

        var blob = storage.Blob(EvidencePaths.Original(session.CaseId, session.ItemId));
        await using var staged = new StagedBlockUpload(
            blob, pool, ingestOptions.Value.MaxBlocksInFlight, storageOptions.Value.EffectiveBlockChecksum,
            _ => Convert.ToBase64String(RandomNumberGenerator.GetBytes(UploadSession.BlockIdBytes)));
        using var blockChecksum = new BlockChecksum(storageOptions.Value.EffectiveBlockChecksum);
        long received = 0;
        var hashing = Task.CompletedTask;
        try
        {
            while (true)
            {
                var size = staged.BlockIds.Count == 0 ? leadBlock : blockSize;
                var buffer = pool.Rent(size);
                int read;
                try
                {
                    read = await ReadBlockAsync(body, buffer.AsMemory(0, size), blockChecksum, cancellationToken);
                    received += read;
                    if (received > maxBytes)
                    {
                        throw received > session.Length - session.Offset
                            ? new VaultProblemException(ProblemType.UploadLengthExceeded, $"The upload has {session.Length - session.Offset} bytes left; the request carries more.")
                            : new VaultProblemException(ProblemType.ChunkTooLarge, $"A PATCH may carry at most {options.Value.MaxChunkBytes} bytes.");
                    }

                    if (session.BlockCount + staged.BlockIds.Count >= UploadSession.MaxBlocks && read > 0)
                    {
                        throw TooManyPieces();
                    }
                }
                catch
                {
                    pool.Return(buffer);
                    throw;
                }

                if (read == 0)
                {
                    pool.Return(buffer);
                    break;
                }

                sample.Append(buffer.AsSpan(0, read));

                // SHA-256 and Upload-Checksum run over the blocks in order, on the pool, off the path to storage.
                var previous = hashing;
                var block = new ArraySegment<byte>(buffer, 0, read);
                hashing = Task.Run(
                    async () =>
                    {
                        await previous;
                        hash.Append(block);
                        transport?.AppendData(block);
                    },
                    cancellationToken);
                await staged.StageAsync(buffer, read, blockChecksum, hashing, cancellationToken);
            }

            await hashing;
        }
        finally
        {
            await hashing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await staged.FlushAsync();
        if (transport is not null && !CryptographicOperations.FixedTimeEquals(transport.GetHashAndReset(), checksum!.Value.Digest))
        {
            throw new VaultProblemException(ProblemType.ChecksumMismatch, $"The chunk's {checksum.Value.Algorithm.Name} does not match Upload-Checksum; it was discarded. Send it again.");
        }

        var ids = new byte[staged.BlockIds.Count * UploadSession.BlockIdBytes];
        for (var i = 0; i < staged.BlockIds.Count; i++)
        {
            Convert.FromBase64String(staged.BlockIds[i]).CopyTo(ids, i * UploadSession.BlockIdBytes);
        }

        return new ReceivedChunk(received, sample, hash.SaveState(), ids);
    }

    /// <summary>
    /// Passes a PATCH of known length with an MD5 <c>Upload-Checksum</c> to storage as one block while it arrives,
    /// hashing its last <see cref="ResumableUploadOptions.HashLagBytes"/> while storage checks the block (any before
    /// them on the way); storage checks the client's MD5 as the block's transactional checksum and refuses the
    /// block if a byte differs. Changes nothing stored but that uncommitted block.
    /// </summary>
    private async Task<ReceivedChunk> ForwardChunkAsync(UploadSession session, byte[] md5, Stream body, long length, CancellationToken cancellationToken)
    {
        if (session.BlockCount >= UploadSession.MaxBlocks)
        {
            throw TooManyPieces();
        }

        var hash = ResumableSha256.Restore(session.HashState);
        var sample = SampleOf(session);
        var lag = (int)Math.Min(Math.Min(options.Value.HashLagBytes, blocks.BlockSize), length);
        var hold = lag > 0 ? blocks.Pool.Rent(lag) : [];
        var forwarded = new ForwardedChunk(body, length, hold.AsMemory(0, lag), sample.Append, hash.Append);

        var blockId = RandomNumberGenerator.GetBytes(UploadSession.BlockIdBytes);
        var blob = storage.Blob(EvidencePaths.Original(session.CaseId, session.ItemId));
        try
        {
            await forwarded.StoreAsync(blob.StageBlockAsync(
                Convert.ToBase64String(blockId),
                forwarded,
                new BlockBlobStageBlockOptions
                {
                    TransferValidation = new UploadTransferValidationOptions { ChecksumAlgorithm = StorageChecksumAlgorithm.MD5, PrecalculatedChecksum = md5 },
                },
                cancellationToken));
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.Md5Mismatch)
        {
            throw new VaultProblemException(ProblemType.ChecksumMismatch, "The chunk's MD5 does not match Upload-Checksum; it was discarded. Send it again.");
        }
        catch (ForwardedChunk.ReplayRefusedException) when (!forwarded.BodyFailed)
        {
            throw new VaultProblemException(ProblemType.StorageUnavailable, "Storage failed while the chunk passed through; none of it counts. Send it again.");
        }
        catch (Exception)
        {
            // The client's side failed (cut off, too short): that is the answer, not what the SDK made of it.
            forwarded.ThrowIfBodyFailed();
            throw;
        }
        finally
        {
            if (lag > 0)
            {
                blocks.Pool.Return(hold);
            }
        }

        return new ReceivedChunk(length, sample, hash.SaveState(), blockId);
    }

    private static VaultProblemException TooManyPieces() =>
        new(ProblemType.ChunkTooLarge, $"The upload has reached {UploadSession.MaxBlocks} pieces; send larger chunks.");

    /// <summary>Fills <paramref name="block"/> from <paramref name="body"/> (less only at its end), checksumming the bytes as they come.</summary>
    private static async Task<int> ReadBlockAsync(Stream body, Memory<byte> block, BlockChecksum checksum, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < block.Length)
        {
            var read = await body.ReadAsync(block[filled..], cancellationToken);
            if (read == 0)
            {
                break;
            }

            checksum.Append(block.Span.Slice(filled, read));
            filled += read;
        }

        return filled;
    }

    /// <summary>Takes over a completion that stopped, if nobody else has just done so.</summary>
    private async Task<(UploadSession Session, IngestResult? Result)> TakeOverCompletionAsync(UploadSession session, CancellationToken cancellationToken)
    {
        var claimed = await store.TryReplaceAsync(session with { CompletingSince = clock.GetUtcNow() }, cancellationToken);
        return claimed is null
            ? (await store.FindAsync(session.CaseId, session.UploadId, cancellationToken) ?? session, null)
            : await CompleteAsync(claimed, cancellationToken);
    }

    /// <summary>Every byte is staged: complete through the ingest path, then record the outcome on the session.</summary>
    private async Task<(UploadSession Session, IngestResult Result)> CompleteAsync(UploadSession session, CancellationToken cancellationToken)
    {
        var uploader = new CaseCaller(session.CaseId, session.GrantId, session.GrantRole, session.GrantLabel);
        IngestResult result;
        try
        {
            var format = EvidenceIngestor.Recognise(SampleOf(session), session.Claims);
            var digest = ResumableSha256.Restore(session.HashState).Finish();
            result = await ingestor.CompleteAsync(
                uploader,
                session.Claims,
                new ReceivedEvidence(session.ItemId, format, digest, session.Length),
                (headers, metadata, token) => CommitAsync(session, headers, metadata, token),
                cancellationToken);
        }
        catch (VaultProblemException e)
        {
            await RejectAsync(session, e, cancellationToken);
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Storage failed midway: release the completion so the next HEAD or the sweep takes it over at once.
            await ReleaseCompletionAsync(session);
            throw;
        }

        var completed = session with { State = UploadStates.Completed, ResultItemId = result.Item.ItemId, CompletingSince = null };
        completed = await store.TryReplaceAsync(completed, cancellationToken)
            ?? await store.FindAsync(session.CaseId, session.UploadId, cancellationToken)
            ?? completed;
        LogCompleted(logger, session.CaseId, session.UploadId, result.Item.ItemId, result.Created);
        metrics.Upload(UploadOutcomes.Completed);
        return (completed, result);
    }

    /// <summary>
    /// Commits the session's blocks as the item's blob, write-once. A completion taken over after its instance stopped
    /// may find the blob already committed by that instance: the same upload's bytes are accepted as they are.
    /// </summary>
    private async Task CommitAsync(UploadSession session, BlobHttpHeaders headers, IDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        metadata[EvidenceMetadata.UploadId] = session.UploadId;
        var blob = storage.Blob(EvidencePaths.Original(session.CaseId, session.ItemId));
        try
        {
            await StagedBlockUpload.CommitAsync(blob, session.BlockIdList(), headers, metadata, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            var existing = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value.Metadata;
            if (!existing.TryGetValue(EvidenceMetadata.UploadId, out var uploadId) || uploadId != session.UploadId ||
                !existing.TryGetValue(EvidenceMetadata.Sha256, out var sha256) || sha256 != metadata[EvidenceMetadata.Sha256])
            {
                throw;
            }
        }
    }

    private async Task ReleaseCompletionAsync(UploadSession session)
    {
        try
        {
            _ = await store.TryReplaceAsync(session with { CompletingSince = DateTimeOffset.UnixEpoch }, CancellationToken.None);
        }
        catch (RequestFailedException)
        {
            // Storage is still down: the completion is taken over once its takeover time has passed.
        }
    }

    private async Task RejectAsync(UploadSession session, VaultProblemException problem, CancellationToken cancellationToken)
    {
        // The session may already have moved on (a racing request); the refusal stands for this request either way.
        _ = await store.TryReplaceAsync(session with { State = UploadStates.Rejected, Reason = problem.Problem.Code, CompletingSince = null }, cancellationToken);
        LogRejected(logger, session.CaseId, session.UploadId, problem.Problem.Code);
        metrics.Upload(UploadOutcomes.Refused);
    }

    /// <summary>Marks an unfinished upload past its expiry as expired; null when another request changed it first.</summary>
    private async Task<UploadSession?> ExpireAsync(UploadSession session, CancellationToken cancellationToken)
    {
        var expired = await store.TryReplaceAsync(session with { State = UploadStates.Expired }, cancellationToken);
        if (expired is not null)
        {
            metrics.Upload(UploadOutcomes.Expired);
        }

        return expired;
    }

    private sealed record ReceivedChunk(long Length, FormatSample Sample, byte[] HashState, byte[] BlockIds);

    /// <summary>What of the upload's bytes so far its format is recognised by, to be continued as a PATCH arrives.</summary>
    private static FormatSample SampleOf(UploadSession session) => new(session.Length, session.Offset, session.Head, session.Directory);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resumable upload opened: case {CaseId}, upload {UploadId}, {Length} bytes.")]
    private static partial void LogCreated(ILogger logger, string caseId, string uploadId, long length);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resumable upload completed: case {CaseId}, upload {UploadId}, item {ItemId} (new: {Created}).")]
    private static partial void LogCompleted(ILogger logger, string caseId, string uploadId, string itemId, bool created);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resumable upload refused: case {CaseId}, upload {UploadId} ({Reason}).")]
    private static partial void LogRejected(ILogger logger, string caseId, string uploadId, string reason);
}
