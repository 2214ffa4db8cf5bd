using System.Text.Json;
using EvidenceVault.Api.Storage;
using EvidenceVault.Evidence;
using EvidenceVault.Serialization;

namespace EvidenceVault.Api.Access;

/// <summary>
/// A grant as written once to the evidence container (<c>cases/{caseId}/grants/{grantId}.json</c>) before its row
/// in the <c>grants</c> table: the row's facts, token hash included, so a lost index can be rebuilt from storage.
/// Never exported: a bundle carries evidence and custody, not capabilities.
/// </summary>
/// <param name="GrantId">The grant's id (a ULID).</param>
/// <param name="Role">One of <see cref="CaseRoles"/>.</param>
/// <param name="Label">The holder's label.</param>
/// <param name="CreatedAt">When it was issued.</param>
/// <param name="ExpiresAt">When it stops working, if ever.</param>
/// <param name="TokenSha256">SHA-256 (hex) of the token: the row key by which a request finds it.</param>
internal sealed record GrantRecord(string GrantId, string Role, string? Label, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, string TokenSha256)
{
    public GrantEntity ToEntity(string caseId, DateTimeOffset? revokedAt) => new()
    {
        PartitionKey = caseId,
        RowKey = TokenSha256,
        GrantId = GrantId,
        Role = Role,
        Label = Label,
        CreatedAt = CreatedAt,
        ExpiresAt = ExpiresAt,
        RevokedAt = revokedAt,
    };
}

/// <summary>A revocation, written once (<c>cases/{caseId}/grants/{grantId}.revoked.json</c>) before the row changes.</summary>
/// <param name="GrantId">The revoked grant.</param>
/// <param name="RevokedAt">When it was revoked.</param>
internal sealed record GrantRevocationRecord(string GrantId, DateTimeOffset RevokedAt);

/// <summary>Writes and reads the grant records of a case.</summary>
internal sealed class GrantRecords(VaultStorage storage)
{
    /// <summary>Writes a grant's record once; a record already there (a retried issue) stands.</summary>
    public async Task WriteAsync(string caseId, GrantRecord record, CancellationToken cancellationToken) =>
        await storage.TryCreateOnceAsync(EvidencePaths.GrantRecord(caseId, record.GrantId), Serialize(record), "application/json", cancellationToken);

    /// <summary>Records a revocation once and returns its time: the first revocation's, if one was recorded before.</summary>
    public async Task<DateTimeOffset> RevokeAsync(string caseId, string grantId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var path = EvidencePaths.GrantRevocation(caseId, grantId);
        var revocation = new GrantRevocationRecord(grantId, VaultJson.ToMilliseconds(now));
        return await storage.TryCreateOnceAsync(path, Serialize(revocation), "application/json", cancellationToken)
            ? revocation.RevokedAt
            : (await ReadAsync<GrantRevocationRecord>(path, cancellationToken)).RevokedAt;
    }

    /// <summary>Every grant recorded for a case, with the time each revoked one was revoked.</summary>
    public async Task<IReadOnlyList<(GrantRecord Grant, DateTimeOffset? RevokedAt)>> ReadAllAsync(string caseId, CancellationToken cancellationToken)
    {
        var grants = new List<GrantRecord>();
        var revoked = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        await foreach (var blob in storage.Evidence.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, EvidencePaths.Grants(caseId), cancellationToken))
        {
            if (EvidencePaths.IsGrantRevocation(blob.Name))
            {
                var revocation = await ReadAsync<GrantRevocationRecord>(blob.Name, cancellationToken);
                revoked[revocation.GrantId] = revocation.RevokedAt;
            }
            else
            {
                grants.Add(await ReadAsync<GrantRecord>(blob.Name, cancellationToken));
            }
        }

        return [.. grants.Select(g => (g, revoked.TryGetValue(g.GrantId, out var at) ? at : (DateTimeOffset?)null))];
    }

    private static byte[] Serialize<T>(T record) => JsonSerializer.SerializeToUtf8Bytes(record, VaultJson.Compact);

    private async Task<T> ReadAsync<T>(string path, CancellationToken cancellationToken)
    {
        var content = (await storage.Blob(path).DownloadContentAsync(cancellationToken)).Value.Content;
        return JsonSerializer.Deserialize<T>(content.ToMemory().Span, VaultJson.Compact)
            ?? throw new JsonException($"The grant record {path} is empty.");
    }
}
