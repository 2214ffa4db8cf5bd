using EvidenceVault.Api.Items;
using EvidenceVault.Api.Receipts;
using EvidenceVault.Api.Storage;
using EvidenceVault.Evidence;
using Microsoft.Extensions.Options;

namespace EvidenceVault.Api.Timestamps;

/// <summary>
/// Retries pending timestamps until granted. Pending items are found from the index itself (status and next
/// attempt time), so nothing is lost across restarts. Locally a hosted service; in Azure a timer function calls
/// <see cref="RetryDueAsync"/> through the custom handler.
/// </summary>
internal sealed partial class TimestampRetryWorker(
    VaultStorage storage,
    ItemIndex index,
    ItemTimestamper timestamper,
    ReceiptIssuer receipts,
    IOptions<TimestampOptions> options,
    TimeProvider clock,
    ILogger<TimestampRetryWorker> logger) : BackgroundService
{
    /// <summary>Tries every due pending item once; returns how many were granted.</summary>
    public async Task<int> RetryDueAsync(CancellationToken cancellationToken)
    {
        await storage.EnsureReadyAsync(cancellationToken);
        var granted = 0;
        await foreach (var item in index.ListDueTimestampsAsync(clock.GetUtcNow(), cancellationToken))
        {
            var timestamp = await timestamper.StampAsync(item, actor: null, cancellationToken);
            if (timestamp.Status == TimestampStatuses.Granted)
            {
                granted++;
                var latest = await index.GetAsync(item.CaseId, item.ItemId, cancellationToken) ?? item;
                await receipts.IssueAsync(latest, actor: null, cancellationToken);
            }
        }

        return granted;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.RunRetryWorker)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var granted = await RetryDueAsync(stoppingToken);
                if (granted > 0)
                {
                    LogGranted(logger, granted);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e.GetType().Name);
            }

            await Task.Delay(options.Value.RetryInterval, clock, stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Timestamp retry granted {Count} pending item(s).")]
    private static partial void LogGranted(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Timestamp retry round failed ({Error}); trying again next round.")]
    private static partial void LogFailed(ILogger logger, string error);
}
