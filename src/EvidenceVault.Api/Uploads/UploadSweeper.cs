using Microsoft.Extensions.Options;

namespace EvidenceVault.Api.Uploads;

/// <summary>
/// Expires unfinished uploads and finishes completions whose instance stopped. Locally a hosted service; in Azure
/// a timer function calls <see cref="ResumableUploads.SweepAsync"/> through the custom handler.
/// </summary>
internal sealed partial class UploadSweeper(ResumableUploads uploads, IOptions<ResumableUploadOptions> options, TimeProvider clock, ILogger<UploadSweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.RunSweeper)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(options.Value.SweepInterval, clock, stoppingToken);
            try
            {
                var changed = await uploads.SweepAsync(stoppingToken);
                if (changed > 0)
                {
                    LogSwept(logger, changed);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e.GetType().Name);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Upload sweep expired or completed {Count} upload(s).")]
    private static partial void LogSwept(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upload sweep failed ({Error}); trying again next round.")]
    private static partial void LogFailed(ILogger logger, string error);
}
