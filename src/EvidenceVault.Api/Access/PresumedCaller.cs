using EvidenceVault.Api.Problems;
using EvidenceVault.Hashing;

namespace EvidenceVault.Api.Access;

/// <summary>
/// The caller of a request whose storage work may begin while its token is still being checked: a tus PATCH,
/// whose bytes are staged as blocks nobody can see until the upload session lists them. <see cref="Caller"/> is
/// the grant this instance confirmed for the same token shortly before; <see cref="Confirmation"/> is this
/// request's own full check (grant present, not revoked, not expired), which must succeed before the request
/// changes anything that counts — the session, the index, the custody log — or answers. A token this instance has
/// not confirmed recently is checked in full before any work starts.
/// </summary>
/// <param name="Caller">The grant presumed, whose role the endpoint's access rule is checked against.</param>
/// <param name="Confirmation">This request's full authentication.</param>
internal sealed record PresumedCaller(CaseCaller Caller, Task<CaseCaller> Confirmation)
{
    /// <summary>Minimal-API binding.</summary>
    public static async ValueTask<PresumedCaller?> BindAsync(HttpContext context)
    {
        var presumed = await context.RequestServices.GetRequiredService<CaseAuthenticator>().PresumeAsync(context);
        // Observed even when a filter answers before the handler awaits it.
        _ = presumed.Confirmation.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return presumed;
    }

    /// <summary>Waits for the full check; throws its problem (401, 404, 429) if the token is no longer good.</summary>
    public async Task<CaseCaller> ConfirmAsync()
    {
        var confirmed = await Confirmation;
        return confirmed.GrantId == Caller.GrantId && confirmed.Role == Caller.Role
            ? confirmed
            : throw new VaultProblemException(ProblemType.Unauthorized, "The token is not valid for this case.");
    }
}

/// <summary>
/// The grants this instance confirmed recently, by token hash: only to decide whether a <see cref="PresumedCaller"/>
/// may start its work early, never in place of a check. Bounded; an entry is dropped when a check of its token fails.
/// </summary>
internal sealed class RecentCallers(TimeProvider clock)
{
    /// <summary>How many tokens are remembered; when full, the memory starts afresh.</summary>
    public const int Capacity = 4096;

    /// <summary>How long a confirmation is remembered.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (CaseCaller Caller, DateTimeOffset ConfirmedAt)> _callers = new(StringComparer.Ordinal);

    public CaseCaller? Find(Sha256Digest tokenHash) =>
        _callers.TryGetValue(tokenHash.Hex, out var entry) && clock.GetUtcNow() - entry.ConfirmedAt < Lifetime ? entry.Caller : null;

    public void Remember(Sha256Digest tokenHash, CaseCaller caller)
    {
        if (_callers.Count >= Capacity)
        {
            _callers.Clear();
        }

        _callers[tokenHash.Hex] = (caller, clock.GetUtcNow());
    }

    public void Forget(Sha256Digest tokenHash) => _callers.TryRemove(tokenHash.Hex, out _);
}
