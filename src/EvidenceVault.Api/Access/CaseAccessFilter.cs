using Azure;
using EvidenceVault.Api.Problems;
using EvidenceVault.Api.Storage;
using Microsoft.Net.Http.Headers;

namespace EvidenceVault.Api.Access;

/// <summary>
/// Authenticates the caller of a <c>/api/cases/{caseId}/…</c> endpoint: a bearer token of this case, or nothing.
/// No token or a wrong one is 401; a token of another case is 404, so a token never reveals whether some other
/// case exists. The token is looked up by its SHA-256 only; it is never stored, compared or logged in clear.
/// </summary>
internal sealed class CaseAuthenticator(VaultStorage storage)
{
    public async Task<CaseCaller> AuthenticateAsync(HttpContext http)
    {
        var routeCase = http.GetRouteValue("caseId") as string ?? string.Empty;
        var token = ReadBearer(http.Request)
            ?? throw new VaultProblemException(ProblemType.Unauthorized, "Send the case token as 'Authorization: Bearer <token>'.");
        if (!CaseTokens.TryReadCase(token, out var tokenCase))
        {
            throw new VaultProblemException(ProblemType.Unauthorized, "The token is not a valid case token.");
        }

        if (!string.Equals(tokenCase, routeCase, StringComparison.Ordinal))
        {
            throw new VaultProblemException(ProblemType.CaseNotFound, "No such case.");
        }

        await storage.EnsureReadyAsync(http.RequestAborted);
        try
        {
            var grant = (await storage.Grants.GetEntityAsync<GrantEntity>(routeCase, CaseTokens.Hash(token).Hex, cancellationToken: http.RequestAborted)).Value;
            return new CaseCaller(routeCase, grant.GrantId, grant.Role);
        }
        catch (RequestFailedException e) when (e.Status == StatusCodes.Status404NotFound)
        {
            throw new VaultProblemException(ProblemType.Unauthorized, "The token is not valid for this case.");
        }
    }

    private static string? ReadBearer(HttpRequest request)
    {
        var header = request.Headers[HeaderNames.Authorization].ToString();
        const string scheme = "Bearer ";
        return header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : null;
    }
}

/// <summary>
/// Guards the case scope: every endpoint under <c>/api/cases/{caseId}</c> must take a <see cref="CaseCaller"/>
/// (whose binding authenticates), so an endpoint added without authentication fails loudly instead of serving.
/// </summary>
internal sealed class RequireCaseCaller : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        context.Arguments.OfType<CaseCaller>().Any()
            ? next(context)
            : throw new InvalidOperationException($"{context.HttpContext.GetEndpoint()?.DisplayName} is in the case scope but takes no CaseCaller.");
}
