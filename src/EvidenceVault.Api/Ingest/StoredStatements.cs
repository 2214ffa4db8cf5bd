using System.Runtime.ExceptionServices;
using Azure;
using Azure.Storage.Blobs.Models;
using EvidenceVault.Api.Monitoring;
using EvidenceVault.Api.Storage;
using EvidenceVault.Evidence;
using Microsoft.Extensions.Options;

namespace EvidenceVault.Api.Ingest;

/// <summary>
/// What a committed file says about itself, read from the committed bytes — what the vault keeps is what it reports
/// on. The statements are the vault's reading of a victim's file, made after the file is stored write-once: a fault
/// of a reader's own (a file shaped in a way no test foresaw) costs the item its statements, never the evidence. The
/// item is indexed as a file that states nothing, the operator is told (a warning naming the item and the fault's
/// type and place, never the file's content, and the <see cref="VaultMetrics.StatementsUnread"/> count), and the
/// victim's upload succeeds. So does a reader that takes longer than <see cref="IngestOptions.StatementReadTimeout"/>
/// (a file shaped to make it loop): it is told to stop, the upload goes on without waiting for it, and the operator is
/// told alike. A fault of storage under the reader fails the upload as any other storage fault, even when the reader
/// took it for a damaged file and went on.
/// </summary>
internal sealed partial class StoredStatements(
    VaultStorage storage,
    IFileStatementReader reader,
    VaultMetrics metrics,
    IOptions<IngestOptions> options,
    TimeProvider clock,
    ILogger<StoredStatements> logger)
{
    public async Task<FileStatements> ReadAsync(string caseId, string itemId, EvidenceFormat format, CancellationToken cancellationToken)
    {
        if (FileStatementReader.ReadBufferBytes(format) is not { } bufferBytes)
        {
            return FileStatements.None;
        }

        var blob = storage.Blob(EvidencePaths.Original(caseId, itemId));
        await using var stored = await blob.OpenReadAsync(new BlobOpenReadOptions(allowModifications: false) { BufferSize = bufferBytes }, cancellationToken);
        await using var content = new StorageFaultWatch(stored);
        var budget = options.Value.StatementReadTimeout;
        using var timeout = new CancellationTokenSource(budget, clock);
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var read = Task.Run(() => reader.ReadAsync(content, format, reading.Token), CancellationToken.None); // a loop before its first await must not hold the caller either
        FileStatements statements;
        try
        {
            // A reader that heeds its token stops when the budget is spent; one caught in a loop that does not is left
            // behind, its stream closed under it, rather than holding the victim's upload.
            statements = await read.WaitAsync(reading.Token);
        }
        catch (OperationCanceledException) when (content.Fault is null && timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            _ = read.ContinueWith(static left => left.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            LogTooSlow(logger, caseId, itemId, format.ContentType, budget);
            metrics.StatementsUnread(format.ContentType);
            return FileStatements.None;
        }
        catch (Exception fault) when (content.Fault is null && fault is not (OperationCanceledException or RequestFailedException))
        {
            LogUnread(logger, caseId, itemId, format.ContentType, fault.GetType().FullName, fault.StackTrace);
            metrics.StatementsUnread(format.ContentType);
            return FileStatements.None;
        }

        // A reader that took storage's fault for a damaged file read less than the file: the upload fails as for any
        // storage fault, rather than indexing what the file says short of what it does say.
        if (content.Fault is { } storageFault)
        {
            ExceptionDispatchInfo.Throw(storageFault);
        }

        return statements;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "What the file says of itself was not read within {Budget}: case {CaseId}, item {ItemId} ({ContentType}). The evidence is stored and indexed without its statements.")]
    private static partial void LogTooSlow(ILogger logger, string caseId, string itemId, string contentType, TimeSpan budget);

    // The fault's message is left out: a reader's message may quote the file.
    [LoggerMessage(Level = LogLevel.Warning, Message = "What the file says of itself could not be read: case {CaseId}, item {ItemId} ({ContentType}), {FaultType} at {FaultPlace}. The evidence is stored and indexed without its statements.")]
    private static partial void LogUnread(ILogger logger, string caseId, string itemId, string contentType, string? faultType, string? faultPlace);
}
