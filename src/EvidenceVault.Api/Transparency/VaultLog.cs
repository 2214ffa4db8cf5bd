using System.Globalization;
using Azure;
using Azure.Data.Tables;
using EvidenceVault.Api.Monitoring;
using EvidenceVault.Api.Receipts;
using EvidenceVault.Api.Storage;
using EvidenceVault.Api.Timestamps;
using EvidenceVault.Bundles;
using EvidenceVault.Hashing;
using EvidenceVault.Receipts;
using EvidenceVault.Transparency;
using Microsoft.Extensions.Options;

namespace EvidenceVault.Api.Transparency;

/// <summary>The vault log's settings (<c>EvidenceVault:Log</c>).</summary>
internal sealed class VaultLogOptions
{
    public const string Section = "EvidenceVault:Log";

    /// <summary>
    /// The log's name, the first line of every checkpoint: one line naming this deployment, such as its host name
    /// and <c>/log</c>. Checkpoints of two deployments never pass for each other.
    /// </summary>
    public string Origin { get; set; } = "evidencevault.localhost/log";
}

/// <summary>Where an appended leaf went: its index and the tree right after it.</summary>
internal sealed record LogAppendResult(long LeafIndex, long TreeSize, Sha256Digest Root);

/// <summary>
/// The vault log: one append-only Merkle tree (RFC 9162) over all cases, whose leaves are case custody heads
/// (<see cref="CaseHeadLeaf"/>). It lives in one partition of the <c>vaultlog</c> table: a row per complete aligned
/// subtree (level 0 rows are the leaves and also keep what the leaf says) and a <c>head</c> row with the size, the
/// root and the hashes of the tree's frontier. An append is one entity-group transaction — the new leaf, every
/// subtree it completes and the head, replaced only if unchanged since it was read (<c>If-Match</c>) — so
/// concurrent appends from any instance take turns, and a stored subtree is never rewritten (its row is added,
/// never updated). Proofs read O(log² n) rows; the leaves themselves are never published, only hashes.
/// </summary>
internal sealed partial class VaultLog(
    VaultStorage storage, ReceiptKeys keys, TimestampRequester timestamps, VaultMetrics metrics, IOptions<VaultLogOptions> options, ILogger<VaultLog> logger)
{
    private const string Partition = "tree";
    private const string HeadRow = "head";
    private const int MaxAttempts = 50;
    // Stored under the names the bundle gives them.
    private static readonly string CheckpointFile = Path.GetFileName(BagVerifier.LogCheckpointPath);
    private static readonly string TimestampFile = Path.GetFileName(BagVerifier.LogCheckpointTimestampPath);

    public string Origin => options.Value.Origin;

    /// <summary>
    /// Enters a case's custody head into the log and returns what a bundle carries of it: the checkpoint right after
    /// the entry, signed, with an RFC 3161 timestamp over it when an authority grants one (the export does not wait
    /// for a later one), and the entry's audit path to it. The checkpoint is also stored write-once beside the
    /// evidence, for <see cref="EnsureIntactAsync"/>, which the caller runs first.
    /// </summary>
    public async Task<BundleLogProof> RecordAsync(CaseHeadLeaf leaf, CancellationToken cancellationToken)
    {
        var appended = await AppendAsync(leaf, cancellationToken);
        metrics.LogEntry(LogEntrySources.Export, LogEntryOutcomes.Appended);
        var signed = Sign(new LogCheckpoint(Origin, appended.TreeSize, appended.Root));
        byte[]? timestamp = null;
        await foreach (var attempt in timestamps.AttemptAsync(Sha256Digest.Of(signed.Bytes), cancellationToken))
        {
            if (attempt.Outcome == TimestampOutcomes.Granted)
            {
                timestamp = attempt.Response;
            }
            else
            {
                LogCheckpointNotStamped(logger, attempt.Authority, appended.TreeSize, attempt.Outcome, attempt.Failure ?? string.Empty);
            }
        }

        var folder = EvidencePaths.LogCheckpoint(appended.TreeSize);
        await storage.TryCreateOnceAsync(folder + CheckpointFile, signed.Bytes, "text/plain; charset=utf-8", cancellationToken);
        await storage.TryCreateOnceAsync(folder + CheckpointFile + ".sig", signed.Signature, "application/octet-stream", cancellationToken);
        if (timestamp is not null)
        {
            await storage.TryCreateOnceAsync(folder + TimestampFile, timestamp, "application/timestamp-reply", cancellationToken);
        }

        var path = await InclusionProofAsync(appended.LeafIndex, appended.TreeSize, cancellationToken);
        return new BundleLogProof(signed.Bytes, signed.Signature, timestamp, new LogInclusion
        {
            LeafIndex = appended.LeafIndex,
            TreeSize = appended.TreeSize,
            Leaf = leaf,
            AuditPath = [.. path.Select(hash => hash.Hex)],
            CheckpointKeyId = signed.KeyId,
        });
    }

    /// <summary>
    /// Checks the log before it takes an entry: its head must be its own (the frontier hashes are the table's
    /// subtrees, their root the head's root), and it must still extend the newest checkpoint stored write-once beside
    /// the evidence, under the same name — the table is editable, the stored checkpoints (in Azure, under the
    /// container's immutability policy) are not. That checkpoint's root is recomputed from the table and the head is
    /// proven consistent with it. A log that was lost, edited, rebuilt or renamed refuses more entries (503
    /// <c>vault-log-inconsistent</c>) until an operator restores it.
    /// </summary>
    public async Task EnsureIntactAsync(CancellationToken cancellationToken)
    {
        await storage.EnsureReadyAsync(cancellationToken);
        var stored = await ReadNewestStoredAsync(cancellationToken);
        var head = await ReadHeadAsync(cancellationToken);
        string? failure;
        try
        {
            failure = await FindInconsistencyAsync(head, stored, new NodeCache(this), cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == StatusCodes.Status404NotFound)
        {
            failure = "a subtree the log's head or its stored checkpoint stands on is missing from the table";
        }

        if (failure is not null)
        {
            LogInconsistent(logger, failure);
            throw new Problems.VaultProblemException(Problems.ProblemType.VaultLogInconsistent, "The vault log was changed since its last stored checkpoint; an operator must restore it from backup (docs/operations.md).");
        }
    }

    /// <summary>
    /// Enters a case's custody head as a receipt leaves it, so that every case with evidence is in the log, exported or
    /// not. Best effort: the evidence is stored, indexed and receipted by now, so a log that cannot take the entry
    /// (storage trouble, or more contention than the retries absorb) costs the upload nothing — it is logged and
    /// counted, and the case's next entry (its next receipt or export) commits to this head too, since every custody
    /// line commits to the ones before it. No checkpoint is signed or stored for these entries: exports and
    /// <c>GET /api/log/checkpoint</c> make the checkpoints that include them.
    /// </summary>
    public async Task TryEnterAsync(CaseHeadLeaf leaf, CancellationToken cancellationToken)
    {
        try
        {
            await AppendAsync(leaf, cancellationToken);
            metrics.LogEntry(LogEntrySources.Receipt, LogEntryOutcomes.Appended);
        }
        catch (Exception e) when (e is RequestFailedException or TableTransactionFailedException or HttpRequestException or InvalidOperationException or Problems.VaultProblemException)
        {
            metrics.LogEntry(LogEntrySources.Receipt, LogEntryOutcomes.Failed);
            LogEntryNotMade(logger, leaf.CaseId, leaf.Seq, e.GetType().Name);
        }
    }

    /// <summary>The current size and root, unsigned.</summary>
    public async Task<LogCheckpoint> CurrentAsync(CancellationToken cancellationToken)
    {
        await storage.EnsureReadyAsync(cancellationToken);
        var head = await ReadHeadAsync(cancellationToken);
        return new LogCheckpoint(Origin, head.Size, head.Root);
    }

    /// <summary>A checkpoint and its signature by the current receipt key.</summary>
    public SignedCheckpoint Sign(LogCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var bytes = checkpoint.ToBytes();
        return new SignedCheckpoint(checkpoint, bytes, ReceiptSignatures.Sign(keys.SigningKey, bytes), keys.KeyId);
    }

    public async Task<IReadOnlyList<Sha256Digest>> InclusionProofAsync(long leafIndex, long treeSize, CancellationToken cancellationToken) =>
        await MerkleTree.InclusionProofAsync(leafIndex, treeSize, new NodeCache(this).ReadAsync, cancellationToken);

    public async Task<IReadOnlyList<Sha256Digest>> ConsistencyProofAsync(long fromSize, long toSize, CancellationToken cancellationToken) =>
        await MerkleTree.ConsistencyProofAsync(fromSize, toSize, new NodeCache(this).ReadAsync, cancellationToken);

    /// <summary>Appends one leaf: one transaction, taken again from a fresh head when another append came first.</summary>
    private async Task<LogAppendResult> AppendAsync(CaseHeadLeaf leaf, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        await storage.EnsureReadyAsync(cancellationToken);
        var leafHash = leaf.Hash();
        for (var attempt = 1; ; attempt++)
        {
            var head = await ReadHeadAsync(cancellationToken);
            var frontier = head.Frontier.ToList();
            var actions = new List<TableTransactionAction>
            {
                new(TableTransactionActionType.Add, new TableEntity(Partition, NodeRow(0, head.Size))
                {
                    ["Hash"] = leafHash.Hex,
                    ["CaseId"] = leaf.CaseId,
                    ["Seq"] = leaf.Seq,
                    ["Head"] = leaf.Head,
                }),
            };

            // The new leaf completes a subtree at every level where the frontier already holds its left sibling.
            var (level, index, hash) = (0, head.Size, leafHash);
            while (frontier.Count > 0 && frontier[^1].Level == level)
            {
                hash = MerkleTree.NodeHash(frontier[^1].Hash, hash);
                frontier.RemoveAt(frontier.Count - 1);
                (level, index) = (level + 1, index >> 1);
                actions.Add(new(TableTransactionActionType.Add, new TableEntity(Partition, NodeRow(level, index)) { ["Hash"] = hash.Hex }));
            }

            frontier.Add(new FrontierNode(level, hash));
            var size = head.Size + 1;
            var root = MerkleTree.RootOfFrontier([.. frontier.Select(node => node.Hash)]);
            var newHead = new TableEntity(Partition, HeadRow)
            {
                ["Size"] = size,
                ["Root"] = root.Hex,
                ["Frontier"] = string.Join(',', frontier.Select(node => node.Hash.Hex)),
            };
            actions.Add(head.ETag is { } etag
                ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, newHead, etag)
                : new TableTransactionAction(TableTransactionActionType.Add, newHead));
            try
            {
                await storage.Log.SubmitTransactionAsync(actions, cancellationToken);
                return new LogAppendResult(head.Size, size, root);
            }
            catch (TableTransactionFailedException e) when (e.Status is StatusCodes.Status409Conflict or StatusCodes.Status412PreconditionFailed && attempt < MaxAttempts)
            {
                // Another instance appended first: read the new head and go again, after a short random wait.
                LogContended(logger, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 + (attempt * 10))), cancellationToken);
            }
        }
    }

    private async Task<string?> FindInconsistencyAsync(LogHead head, LogCheckpoint? stored, NodeCache nodes, CancellationToken cancellationToken)
    {
        if (stored is not null && stored.Origin != Origin)
        {
            return $"the log is named '{stored.Origin}' in its stored checkpoints, and the vault is set to '{Origin}'";
        }

        var positions = MerkleTree.Frontier(head.Size).ToList();
        for (var i = 0; i < positions.Count; i++)
        {
            if (!(await nodes.ReadAsync(positions[i].Level, positions[i].Index, cancellationToken)).FixedTimeEquals(head.Frontier[i].Hash))
            {
                return $"the head's frontier at level {positions[i].Level} is not the table's subtree";
            }
        }

        if (!MerkleTree.RootOfFrontier([.. head.Frontier.Select(node => node.Hash)]).FixedTimeEquals(head.Root))
        {
            return "the head's root is not the root of its frontier";
        }

        if (stored is null)
        {
            return null;
        }

        if (head.Size < stored.Size)
        {
            return $"the log has {head.Size} entries, its stored checkpoint {stored.Size}";
        }

        if (!(await MerkleTree.RootAsync(stored.Size, nodes.ReadAsync, cancellationToken)).FixedTimeEquals(stored.Root))
        {
            return $"the log's first {stored.Size} entries no longer have the stored checkpoint's root";
        }

        return head.Size > stored.Size &&
            !MerkleTree.VerifyConsistency(stored.Size, head.Size, stored.Root, head.Root, await MerkleTree.ConsistencyProofAsync(stored.Size, head.Size, nodes.ReadAsync, cancellationToken))
            ? $"the log's head of {head.Size} entries does not extend the stored checkpoint of {stored.Size}"
            : null;
    }

    /// <summary>The newest checkpoint stored write-once, when its signature verifies with a published key; null when none is stored.</summary>
    private async Task<LogCheckpoint?> ReadNewestStoredAsync(CancellationToken cancellationToken)
    {
        await foreach (var blob in storage.Evidence.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, EvidencePaths.LogCheckpoints, cancellationToken))
        {
            var folder = blob.Name[..(blob.Name.LastIndexOf('/') + 1)];
            var bytes = (await storage.Blob(folder + CheckpointFile).DownloadContentAsync(cancellationToken)).Value.Content.ToArray();
            var signature = (await storage.Blob(folder + CheckpointFile + ".sig").DownloadContentAsync(cancellationToken)).Value.Content.ToArray();
            if (!LogCheckpoint.TryParse(System.Text.Encoding.UTF8.GetString(bytes), out var checkpoint) || checkpoint is null ||
                !keys.Published.Any(key => ReceiptSignatures.Verify(key.PublicKey, bytes, signature)))
            {
                LogForeignCheckpoint(logger, folder);
                throw new Problems.VaultProblemException(Problems.ProblemType.VaultLogInconsistent, "A stored vault log checkpoint does not verify; an operator must look into it (docs/operations.md).");
            }

            return checkpoint;
        }

        return null;
    }

    private async Task<LogHead> ReadHeadAsync(CancellationToken cancellationToken)
    {
        var row = await storage.Log.GetEntityIfExistsAsync<TableEntity>(Partition, HeadRow, cancellationToken: cancellationToken);
        if (!row.HasValue || row.Value is not { } entity)
        {
            return new LogHead(0, MerkleTree.EmptyRoot, [], null);
        }

        var size = entity.GetInt64("Size") ?? 0;
        var hashes = (entity.GetString("Frontier") ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Sha256Digest.ParseHex).ToList();
        var levels = MerkleTree.Frontier(size).Select(node => node.Level).ToList();
        if (hashes.Count != levels.Count)
        {
            throw new InvalidOperationException($"The vault log's head names {hashes.Count} frontier hashes for size {size}.");
        }

        return new LogHead(size, Sha256Digest.ParseHex(entity.GetString("Root")), [.. levels.Zip(hashes, (level, hash) => new FrontierNode(level, hash))], entity.ETag);
    }

    private async ValueTask<Sha256Digest> ReadNodeAsync(int level, long index, CancellationToken cancellationToken)
    {
        var row = await storage.Log.GetEntityAsync<TableEntity>(Partition, NodeRow(level, index), ["Hash"], cancellationToken);
        return Sha256Digest.ParseHex(row.Value.GetString("Hash"));
    }

    private static string NodeRow(int level, long index) => string.Create(CultureInfo.InvariantCulture, $"node-{level:D2}-{index:D19}");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Timestamp authority {Authority} did not stamp vault log checkpoint {Size} ({Outcome}: {Failure}).")]
    private static partial void LogCheckpointNotStamped(ILogger logger, string authority, long size, string outcome, string failure);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The vault log is inconsistent: {Failure}. No bundle is made until it is restored.")]
    private static partial void LogInconsistent(ILogger logger, string failure);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The stored vault log checkpoint {Folder} is not one the vault signed. No bundle is made until it is looked into.")]
    private static partial void LogForeignCheckpoint(ILogger logger, string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Case {CaseId} custody line {Seq} was not entered into the vault log ({Error}); its next entry covers it.")]
    private static partial void LogEntryNotMade(ILogger logger, string caseId, long seq, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Vault log append raced another (attempt {Attempt}); trying again.")]
    private static partial void LogContended(ILogger logger, int attempt);

    private sealed record FrontierNode(int Level, Sha256Digest Hash);

    private sealed record LogHead(long Size, Sha256Digest Root, IReadOnlyList<FrontierNode> Frontier, ETag? ETag);

    /// <summary>Reads each node once per proof: the proofs ask for some ranges' parts more than once.</summary>
    private sealed class NodeCache(VaultLog log)
    {
        private readonly Dictionary<(int, long), Sha256Digest> _read = [];

        public async ValueTask<Sha256Digest> ReadAsync(int level, long index, CancellationToken cancellationToken)
        {
            if (!_read.TryGetValue((level, index), out var hash))
            {
                hash = await log.ReadNodeAsync(level, index, cancellationToken);
                _read[(level, index)] = hash;
            }

            return hash;
        }
    }
}

/// <summary>A checkpoint, its exact bytes and the vault's DER signature over them.</summary>
internal sealed record SignedCheckpoint(LogCheckpoint Checkpoint, byte[] Bytes, byte[] Signature, string KeyId);
