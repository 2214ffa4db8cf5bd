using Azure;
using Azure.Data.Tables;
using EvidenceVault.Api.Problems;
using EvidenceVault.Api.Storage;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace EvidenceVault.Api.Access;

/// <summary>
/// Authenticates the caller of a <c>/api/cases/{caseId}/…</c> endpoint: a bearer token of this case, or nothing.
/// No token or a wrong one is 401; a token of another case is 404, so a token never reveals whether some other
/// case exists. The token is looked up by its SHA-256 only; it is never stored, compared or logged in clear.
/// </summary>
internal sealed class CaseAuthenticator(VaultStorage storage, Hardening.FailedTokenAttempts failures, RecentCallers recent, TimeProvider clock)
{
    public async Task<CaseCaller> AuthenticateAsync(HttpContext http)
    {
        var client = Hardening.AbuseLimits.ClientOf(http);
        var routeCase = http.GetRouteValue("caseId") as string ?? string.Empty;
        var token = ReadBearer(http.Request) ?? await ReadFormTokenAsync(http);
        return await AuthenticateAsync(client, routeCase, token, http.RequestAborted);
    }

    /// <summary>
    /// For a request whose work may start before its token is confirmed (<see cref="PresumedCaller"/>): the caller
    /// this instance last confirmed for this very token, with the full check already running; or, for a token it
    /// has not confirmed recently, the full check awaited first.
    /// </summary>
    public async Task<PresumedCaller> PresumeAsync(HttpContext http)
    {
        var client = Hardening.AbuseLimits.ClientOf(http);
        var routeCase = http.GetRouteValue("caseId") as string ?? string.Empty;
        var token = ReadBearer(http.Request);
        if (!failures.IsBlocked(client) && token is not null && CaseTokens.TryReadCase(token, out var tokenCase) &&
            string.Equals(tokenCase, routeCase, StringComparison.Ordinal) && recent.Find(CaseTokens.Hash(token)) is { } known)
        {
            return new PresumedCaller(known, AuthenticateAsync(client, routeCase, token, http.RequestAborted));
        }

        var caller = await AuthenticateAsync(client, routeCase, token, http.RequestAborted);
        return new PresumedCaller(caller, Task.FromResult(caller));
    }

    private async Task<CaseCaller> AuthenticateAsync(string client, string routeCase, string? token, CancellationToken cancellationToken)
    {
        if (failures.IsBlocked(client))
        {
            throw new VaultProblemException(ProblemType.RateLimited, "Too many unusable tokens from this client; try again later.");
        }

        try
        {
            return await AuthenticateTokenAsync(routeCase, token, cancellationToken);
        }
        catch (VaultProblemException e) when (e.Problem.Status is StatusCodes.Status401Unauthorized or StatusCodes.Status404NotFound)
        {
            failures.Record(client);
            throw;
        }
    }

    private async Task<CaseCaller> AuthenticateTokenAsync(string routeCase, string? token, CancellationToken cancellationToken)
    {
        if (token is null)
        {
            throw new VaultProblemException(ProblemType.Unauthorized, "Send the case token as 'Authorization: Bearer <token>'.");
        }

        if (!CaseTokens.TryReadCase(token, out var tokenCase))
        {
            throw new VaultProblemException(ProblemType.Unauthorized, "The token is not a valid case token.");
        }

        if (!string.Equals(tokenCase, routeCase, StringComparison.Ordinal))
        {
            throw new VaultProblemException(ProblemType.CaseNotFound, "No such case.");
        }

        var hash = CaseTokens.Hash(token);
        try
        {
            var caller = await CheckGrantAsync(routeCase, hash, cancellationToken);
            recent.Remember(hash, caller);
            return caller;
        }
        catch (VaultProblemException)
        {
            recent.Forget(hash);
            throw;
        }
    }

    private async Task<CaseCaller> CheckGrantAsync(string routeCase, EvidenceVault.Hashing.Sha256Digest hash, CancellationToken cancellationToken)
    {
        await storage.EnsureReadyAsync(cancellationToken);
        GrantEntity grant;
        try
        {
            grant = (await storage.Grants.GetEntityAsync<GrantEntity>(routeCase, hash.Hex, cancellationToken: cancellationToken)).Value;
        }
        catch (RequestFailedException e) when (e.Status == StatusCodes.Status404NotFound)
        {
            throw new VaultProblemException(ProblemType.Unauthorized, "The token is not valid for this case.");
        }

        // The table found the row by this hash; comparing again in constant time keeps the check itself timing-safe.
        if (!EvidenceVault.Hashing.Sha256Digest.TryParseHex(grant.RowKey, out var stored) || !stored.FixedTimeEquals(hash))
        {
            throw new VaultProblemException(ProblemType.Unauthorized, "The token is not valid for this case.");
        }

        var now = clock.GetUtcNow();
        if (grant.RevokedAt is not null)
        {
            throw new VaultProblemException(ProblemType.TokenRevoked, "This token was revoked by the case owner.");
        }

        if (grant.ExpiresAt <= now)
        {
            throw new VaultProblemException(ProblemType.TokenExpired, "This token has expired; ask the case owner for a new link.");
        }

        if (grant.LastUsedAt is null || now - grant.LastUsedAt > LastUsedResolution)
        {
            await storage.Grants.UpdateEntityAsync(
                new TableEntity(grant.PartitionKey, grant.RowKey) { [nameof(GrantEntity.LastUsedAt)] = now }, ETag.All, TableUpdateMode.Merge, cancellationToken);
        }

        return new CaseCaller(routeCase, grant.GrantId, grant.Role, grant.Label);
    }

    /// <summary>Last use is kept to the minute: a write per request would double the load for no one's benefit.</summary>
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    private static string? ReadBearer(HttpRequest request)
    {
        var header = request.Headers[HeaderNames.Authorization].ToString();
        const string scheme = "Bearer ";
        return header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : null;
    }

    // A form that carries a token and nothing else.
    private static readonly FormOptions TokenFormLimits = new() { ValueCountLimit = 4, KeyLengthLimit = 64, ValueLengthLimit = 256 };

    /// <summary>
    /// RFC 6750 §2.2: the token as the field <c>access_token</c> of a form-encoded POST, only on endpoints marked
    /// <see cref="FormTokenAccepted"/>. A page hands such a request to the browser itself (a form submission), which
    /// then streams a large download to disk; the token travels in the body, never in a URL, history or log.
    /// </summary>
    private static async Task<string?> ReadFormTokenAsync(HttpContext http)
    {
        var request = http.Request;
        if (http.GetEndpoint()?.Metadata.GetMetadata<FormTokenAccepted>() is null || !HttpMethods.IsPost(request.Method)
            || !MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var form = await request.ReadFormAsync(TokenFormLimits, http.RequestAborted);
            return form["access_token"] is { Count: 1 } values ? values[0] : null;
        }
        catch (InvalidDataException)
        {
            return null; // over the limits: not a token form
        }
    }
}

/// <summary>Marks an endpoint that also takes the case token as a form field (RFC 6750 §2.2), for browser downloads.</summary>
internal sealed class FormTokenAccepted
{
    public static readonly FormTokenAccepted Instance = new();

    private FormTokenAccepted()
    {
    }
}

/// <summary>
/// Guards the case scope: every endpoint under <c>/api/cases/{caseId}</c> must take a <see cref="CaseCaller"/>
/// (whose binding authenticates) or a <see cref="PresumedCaller"/> (whose binding starts to), and declare a
/// <see cref="CaseAccessRule"/>, so an endpoint added without either fails loudly instead of serving. A caller whose
/// role the rule does not admit gets 403. A presumed caller hears nothing before its token is confirmed.
/// </summary>
internal sealed class EnforceCaseAccess : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var endpoint = context.HttpContext.GetEndpoint();
        var presumed = context.Arguments.OfType<PresumedCaller>().SingleOrDefault();
        var caller = context.Arguments.OfType<CaseCaller>().SingleOrDefault() ?? presumed?.Caller
            ?? throw new InvalidOperationException($"{endpoint?.DisplayName} is in the case scope but takes no CaseCaller.");
        var rule = endpoint?.Metadata.GetMetadata<CaseAccessRule>()
            ?? throw new InvalidOperationException($"{endpoint?.DisplayName} is in the case scope but declares no CaseAccessRule.");
        // Nothing is answered to a presumed caller before its token is confirmed: a token gone bad hears 401, whatever else failed.
        object? result;
        try
        {
            result = rule.Roles.Contains(caller.Role)
                ? await next(context)
                : throw new VaultProblemException(ProblemType.Forbidden, $"A {caller.Role} may not do this.");
        }
        catch (Exception) when (presumed is not null)
        {
            await presumed.ConfirmAsync();
            throw;
        }

        if (presumed is not null)
        {
            await presumed.ConfirmAsync();
        }

        return result;
    }
}
