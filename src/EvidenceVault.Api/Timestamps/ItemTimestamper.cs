using EvidenceVault.Api.Custody;
using EvidenceVault.Api.Items;
using EvidenceVault.Api.Monitoring;
using EvidenceVault.Api.Storage;
using EvidenceVault.Evidence;
using EvidenceVault.Hashing;
using EvidenceVault.Timestamps;
using Microsoft.Extensions.Options;

namespace EvidenceVault.Api.Timestamps;

/// <summary>
/// Gets an item its RFC 3161 timestamp: a request over the SHA-256 imprint with a fresh nonce and certReq, to each
/// authority in turn; every response is checked completely (status, imprint, nonce, signature, EKU, chain at its
/// own time) before it is stored — write-once, as <c>timestamp.tsr</c> — and indexed. A response that fails a check
/// is logged and recorded in the custody log, never stored. When no authority grants one the item stays
/// <c>pending</c> and the retry worker tries again, with a doubling wait.
/// </summary>
internal sealed partial class ItemTimestamper(
    TimestampRequester requester,
    TimestampAuthorities authorities,
    VaultStorage storage,
    ItemIndex index,
    CustodyLog custody,
    IOptions<TimestampOptions> options,
    VaultMetrics metrics,
    TimeProvider clock,
    ILogger<ItemTimestamper> logger)
{
    public const string Granted = "timestamp.granted";
    public const string Rejected = "timestamp.rejected";
    public const string Failed = "timestamp.failed";

    /// <summary>Stamps within the upload's budget; on timeout or failure the item stays pending for the worker.</summary>
    public async Task<ItemTimestamp> StampInlineAsync(EvidenceItemRecord item, string? actor, CancellationToken cancellationToken)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(options.Value.InlineBudget);
        try
        {
            return await StampAsync(item, actor, budget.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return await MarkPendingAsync(item, actor, cancellationToken);
        }
    }

    public async Task<ItemTimestamp> StampAsync(EvidenceItemRecord item, string? actor, CancellationToken cancellationToken)
    {
        await foreach (var attempt in requester.AttemptAsync(Sha256Digest.ParseHex(item.Sha256), cancellationToken))
        {
            switch (attempt.Outcome)
            {
                case TimestampOutcomes.Unreachable:
                    LogUnreachable(logger, attempt.Authority, item.CaseId, item.ItemId, attempt.Failure!);
                    break;
                case TimestampOutcomes.Rejected:
                    LogRejected(logger, attempt.Authority, item.CaseId, item.ItemId, attempt.Failure!);
                    await custody.AppendAsync(item.CaseId, new CustodyEntry(Rejected, actor, item.ItemId, item.Sha256, Details: new Dictionary<string, string>
                    {
                        ["authority"] = attempt.Authority,
                        ["reason"] = attempt.Failure!,
                    }), cancellationToken);
                    break;
                default:
                    return await StoreAsync(item, actor, attempt.Response!, attempt.Facts!, cancellationToken);
            }
        }

        return await MarkPendingAsync(item, actor, cancellationToken);
    }

    private async Task<ItemTimestamp> StoreAsync(EvidenceItemRecord item, string? actor, byte[] response, TimestampFacts facts, CancellationToken cancellationToken)
    {
        var path = EvidencePaths.Timestamp(item.CaseId, item.ItemId);
        if (!await storage.TryCreateOnceAsync(path, response, "application/timestamp-reply", cancellationToken))
        {
            // Stamped concurrently (the upload and the retry worker): the token already stored stands.
            var existing = await CheckStoredAsync(item.CaseId, item.ItemId, Sha256Digest.ParseHex(item.Sha256), cancellationToken)
                ?? throw new InvalidOperationException($"The timestamp of {item.ItemId} was stored and is gone.");
            return existing.IsValid ? await IndexGrantedAsync(item, existing.Facts!, cancellationToken) : throw new InvalidOperationException($"The stored timestamp of {item.ItemId} does not verify: {existing.Failure}");
        }

        await custody.AppendAsync(item.CaseId, new CustodyEntry(Granted, actor, item.ItemId, item.Sha256, Details: new Dictionary<string, string>
        {
            ["genTime"] = EvidenceVault.Serialization.VaultJson.FormatUtc(facts.GenTime),
            ["authority"] = facts.Authority,
            ["serialNumber"] = facts.SerialNumber,
            ["responseSha256"] = facts.ResponseSha256,
        }), cancellationToken);
        return await IndexGrantedAsync(item, facts, cancellationToken);
    }

    /// <summary>The item's stored timestamp token, checked as a new one is (without its nonce); null when none is stored.</summary>
    public async Task<TimestampCheck?> CheckStoredAsync(string caseId, string itemId, Sha256Digest imprint, CancellationToken cancellationToken)
    {
        try
        {
            var stored = (await storage.Blob(EvidencePaths.Timestamp(caseId, itemId)).DownloadContentAsync(cancellationToken)).Value.Content.ToMemory();
            return TimestampVerifier.Verify(stored, imprint, authorities.TrustedRoots);
        }
        catch (Azure.RequestFailedException e) when (e.Status == StatusCodes.Status404NotFound)
        {
            return null;
        }
    }

    private async Task<ItemTimestamp> IndexGrantedAsync(EvidenceItemRecord item, TimestampFacts facts, CancellationToken cancellationToken)
    {
        var granted = ItemTimestamp.Granted(facts);
        await index.MergeAsync(item.CaseId, item.ItemId, new Dictionary<string, object?>
        {
            [nameof(ItemEntity.TimestampStatus)] = granted.Status,
            [nameof(ItemEntity.TimestampGenTime)] = granted.GenTime,
            [nameof(ItemEntity.TimestampAuthority)] = granted.Authority,
            [nameof(ItemEntity.TimestampSerial)] = granted.SerialNumber,
            [nameof(ItemEntity.TimestampPolicy)] = granted.PolicyId,
            [nameof(ItemEntity.TimestampResponseSha256)] = granted.ResponseSha256,
            [nameof(ItemEntity.TimestampNextAttemptAt)] = null,
        }, cancellationToken);
        return granted;
    }

    /// <summary>No authority granted in this round: the custody log says so, and the item waits for the next round.</summary>
    private async Task<ItemTimestamp> MarkPendingAsync(EvidenceItemRecord item, string? actor, CancellationToken cancellationToken)
    {
        var attempts = await index.TimestampAttemptsAsync(item.CaseId, item.ItemId, cancellationToken) + 1;
        var wait = TimeSpan.FromTicks(Math.Min(options.Value.MaxBackoff.Ticks, options.Value.RetryInterval.Ticks * (1L << Math.Min(attempts - 1, 20))));
        await custody.AppendAsync(item.CaseId, new CustodyEntry(Failed, actor, item.ItemId, item.Sha256, Details: new Dictionary<string, string>
        {
            ["attempt"] = attempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["nextAttemptAt"] = EvidenceVault.Serialization.VaultJson.FormatUtc(clock.GetUtcNow() + wait),
        }), cancellationToken);
        await index.MergeAsync(item.CaseId, item.ItemId, new Dictionary<string, object?>
        {
            [nameof(ItemEntity.TimestampStatus)] = TimestampStatuses.Pending,
            [nameof(ItemEntity.TimestampAttempts)] = attempts,
            [nameof(ItemEntity.TimestampNextAttemptAt)] = clock.GetUtcNow() + wait,
        }, cancellationToken);
        LogPending(logger, item.CaseId, item.ItemId, attempts, wait);
        metrics.TimestampPending();
        return new ItemTimestamp { Status = TimestampStatuses.Pending };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Timestamp authority {Authority} unreachable for case {CaseId} item {ItemId} ({Error}).")]
    private static partial void LogUnreachable(ILogger logger, string authority, string caseId, string itemId, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Timestamp from {Authority} rejected for case {CaseId} item {ItemId}: {Reason}.")]
    private static partial void LogRejected(ILogger logger, string authority, string caseId, string itemId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Timestamp pending for case {CaseId} item {ItemId} after {Attempts} attempt(s); next in {Wait}.")]
    private static partial void LogPending(ILogger logger, string caseId, string itemId, int attempts, TimeSpan wait);
}
