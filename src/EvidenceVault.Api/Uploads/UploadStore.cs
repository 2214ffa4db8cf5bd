using Azure;
using Azure.Data.Tables;
using EvidenceVault.Api.Storage;
using Microsoft.Extensions.Caching.Memory;

namespace EvidenceVault.Api.Uploads;

/// <summary>
/// The <c>uploads</c> table: resumable upload sessions, changed only with their ETag. The store also remembers
/// the last version of each session this instance read or wrote, because a client's next PATCH usually comes back
/// to the same instance and then needs no read. What it remembers is only a starting point: every change is
/// conditional on the ETag it carries, so a version another instance has moved past can change nothing.
/// </summary>
internal sealed class UploadStore(VaultStorage storage) : IDisposable
{
    // Bounded by bytes: a session weighs about its block ids and first bytes.
    private readonly MemoryCache _recent = new(new MemoryCacheOptions { SizeLimit = 64L * 1024 * 1024 });

    private TableClient Table => storage.Uploads;

    public async Task<UploadSession> AddAsync(UploadSession session, CancellationToken cancellationToken)
    {
        var response = await Table.AddEntityAsync(session.ToEntity(), cancellationToken);
        return Remember(session with { ETag = response.Headers.ETag ?? default });
    }

    /// <summary>The session as the table has it now.</summary>
    public async Task<UploadSession?> FindAsync(string caseId, string uploadId, CancellationToken cancellationToken)
    {
        var found = await Table.GetEntityIfExistsAsync<TableEntity>(caseId, uploadId, cancellationToken: cancellationToken);
        if (!found.HasValue)
        {
            _recent.Remove((caseId, uploadId));
            return null;
        }

        return Remember(UploadSession.FromEntity(found.Value!));
    }

    /// <summary>
    /// The last version of the session this instance saw, else the table's. It may be behind the table: use it to
    /// proceed (the ETag guards the change), never to refuse.
    /// </summary>
    public async Task<UploadSession?> FindRecentAsync(string caseId, string uploadId, CancellationToken cancellationToken) =>
        _recent.TryGetValue((caseId, uploadId), out UploadSession? recent) ? recent : await FindAsync(caseId, uploadId, cancellationToken);

    /// <summary>Replaces the session if nobody changed it since it was read; null when someone did.</summary>
    public async Task<UploadSession?> TryReplaceAsync(UploadSession session, CancellationToken cancellationToken)
    {
        try
        {
            var response = await Table.UpdateEntityAsync(session.ToEntity(), session.ETag, TableUpdateMode.Replace, cancellationToken);
            return Remember(session with { ETag = response.Headers.ETag ?? default });
        }
        catch (RequestFailedException e) when (e.Status is 412 or 409)
        {
            _recent.Remove((session.CaseId, session.UploadId));
            return null;
        }
    }

    /// <summary>Open uploads past their expiry and completions that stopped, across all cases.</summary>
    public IAsyncEnumerable<UploadSession> ListStaleAsync(DateTimeOffset now, DateTimeOffset completingBefore, CancellationToken cancellationToken) =>
        Table.QueryAsync<TableEntity>(
                TableClient.CreateQueryFilter($"(State eq {UploadStates.Open} and ExpiresAt lt {now}) or (State eq {UploadStates.Completing} and CompletingSince lt {completingBefore})"),
                cancellationToken: cancellationToken)
            .Select(UploadSession.FromEntity);

    public void Dispose() => _recent.Dispose();

    private UploadSession Remember(UploadSession session)
    {
        _recent.Set((session.CaseId, session.UploadId), session, new MemoryCacheEntryOptions
        {
            Size = session.BlockIds.Length + session.Head.Length + 1024,
            SlidingExpiration = TimeSpan.FromMinutes(10),
        });
        return session;
    }
}
