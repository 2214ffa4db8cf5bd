using Azure;
using Azure.Data.Tables;
using EvidenceVault.Evidence;

namespace EvidenceVault.Api.Access;

/// <summary>A capability in the <c>grants</c> table: PK = case id, RK = SHA-256 of the token.</summary>
internal sealed class GrantEntity : ITableEntity
{
    public string PartitionKey { get; set; } = string.Empty;

    public string RowKey { get; set; } = string.Empty;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string GrantId { get; set; } = string.Empty;

    public string Role { get; set; } = string.Empty;

    public string? Label { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }
}

/// <summary>The authenticated caller of a case endpoint.</summary>
/// <param name="CaseId">The case the token belongs to (equal to the route's).</param>
/// <param name="GrantId">The grant used; recorded in custody events instead of the token.</param>
/// <param name="Role">The grant's role.</param>
/// <param name="Label">The grant's label (a contributor's name for the group).</param>
internal sealed record CaseCaller(string CaseId, string GrantId, string Role, string? Label)
{
    /// <summary>Minimal-API binding: authenticates the request's bearer token against the route's case.</summary>
    public static async ValueTask<CaseCaller?> BindAsync(HttpContext context) =>
        await context.RequestServices.GetRequiredService<CaseAuthenticator>().AuthenticateAsync(context);

    /// <summary>Contributors see only what they contributed; owners and lawyers see the whole case.</summary>
    public bool CanSee(EvidenceItemRecord item) => Role != CaseRoles.Contributor || item.Contributor == GrantId;

    /// <summary>The contributor whose items this caller is limited to, if any.</summary>
    public string? OnlyContributor => Role == CaseRoles.Contributor ? GrantId : null;
}

/// <summary>The roles an endpoint in the case scope admits. Every such endpoint must declare one.</summary>
/// <param name="Roles">The admitted roles.</param>
internal sealed record CaseAccessRule(IReadOnlyList<string> Roles);

internal static class CaseAccessRules
{
    /// <summary>Declares which roles may call this endpoint; anyone else authenticated gets 403.</summary>
    public static RouteHandlerBuilder AllowRoles(this RouteHandlerBuilder endpoint, params string[] roles) =>
        endpoint.WithMetadata(new CaseAccessRule(roles));
}
