using Azure;
using Azure.Data.Tables;
using EvidenceVault.Api.Storage;

namespace EvidenceVault.Api.Uploads;

/// <summary>The <c>uploads</c> table: resumable upload sessions, changed only with their ETag.</summary>
internal sealed class UploadStore(VaultStorage storage)
{
    private TableClient Table => storage.Uploads;

    public async Task<UploadSession> AddAsync(UploadSession session, CancellationToken cancellationToken)
    {
        var response = await Table.AddEntityAsync(session.ToEntity(), cancellationToken);
        return session with { ETag = response.Headers.ETag ?? default };
    }

    public async Task<UploadSession?> FindAsync(string caseId, string uploadId, CancellationToken cancellationToken)
    {
        var found = await Table.GetEntityIfExistsAsync<TableEntity>(caseId, uploadId, cancellationToken: cancellationToken);
        return found.HasValue ? UploadSession.FromEntity(found.Value!) : null;
    }

    /// <summary>Replaces the session if nobody changed it since it was read; null when someone did.</summary>
    public async Task<UploadSession?> TryReplaceAsync(UploadSession session, CancellationToken cancellationToken)
    {
        try
        {
            var response = await Table.UpdateEntityAsync(session.ToEntity(), session.ETag, TableUpdateMode.Replace, cancellationToken);
            return session with { ETag = response.Headers.ETag ?? default };
        }
        catch (RequestFailedException e) when (e.Status is 412 or 409)
        {
            return null;
        }
    }

    /// <summary>Open uploads past their expiry and completions that stopped, across all cases.</summary>
    public IAsyncEnumerable<UploadSession> ListStaleAsync(DateTimeOffset now, DateTimeOffset completingBefore, CancellationToken cancellationToken) =>
        Table.QueryAsync<TableEntity>(
                TableClient.CreateQueryFilter($"(State eq {UploadStates.Open} and ExpiresAt lt {now}) or (State eq {UploadStates.Completing} and CompletingSince lt {completingBefore})"),
                cancellationToken: cancellationToken)
            .Select(UploadSession.FromEntity);
}
