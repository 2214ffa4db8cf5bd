using Azure;
using Azure.Data.Tables;

namespace EvidenceVault.Api.Access;

/// <summary>What a grant lets its holder do in a case.</summary>
internal static class CaseRoles
{
    public const string Owner = "owner";
}

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
}

/// <summary>The authenticated caller of a case endpoint.</summary>
/// <param name="CaseId">The case the token belongs to (equal to the route's).</param>
/// <param name="GrantId">The grant used; recorded in custody events instead of the token.</param>
/// <param name="Role">The grant's role.</param>
internal sealed record CaseCaller(string CaseId, string GrantId, string Role)
{
    /// <summary>Minimal-API binding: authenticates the request's bearer token against the route's case.</summary>
    public static async ValueTask<CaseCaller?> BindAsync(HttpContext context) =>
        await context.RequestServices.GetRequiredService<CaseAuthenticator>().AuthenticateAsync(context);
}
