using Azure.Data.Tables;

namespace EvidenceVault.Api.Storage;

/// <summary>Writes to the index tables that more than one writer may make from the same facts.</summary>
internal static class TableWrites
{
    /// <summary>Adds a row; false when it exists (written from the same facts by another writer, as a reindex does).</summary>
    public static async Task<bool> TryAddEntityAsync<T>(this TableClient table, T entity, CancellationToken cancellationToken)
        where T : ITableEntity
    {
        try
        {
            await table.AddEntityAsync(entity, cancellationToken);
            return true;
        }
        catch (Azure.RequestFailedException e) when (e.Status == StatusCodes.Status409Conflict)
        {
            return false;
        }
    }
}
