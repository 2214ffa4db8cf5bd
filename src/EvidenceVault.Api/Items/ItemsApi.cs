using Azure.Storage.Blobs.Models;
using EvidenceVault.Api.Access;
using EvidenceVault.Api.Custody;
using EvidenceVault.Api.Problems;
using EvidenceVault.Api.Storage;
using EvidenceVault.Custody;
using EvidenceVault.Evidence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace EvidenceVault.Api.Items;

internal static class ItemsApi
{
    public const int DefaultPageSize = 100;

    public static RouteGroupBuilder MapItemsApi(this RouteGroupBuilder caseScope)
    {
        caseScope.MapGet("/items", ListItems)
            .WithName(nameof(ListItems))
            .WithSummary("The case's items, oldest first, a page at a time (pageSize ≤ 1000; pass 'next' back as cursor). Contributors see their own.")
            .AllowRoles(CaseRoles.All);
        caseScope.MapGet("/items/{itemId}", GetItem)
            .WithName(nameof(GetItem))
            .WithSummary("One item: hash, size, kind, times, contributor and custody position.")
            .AllowRoles(CaseRoles.All)
            .ProducesProblem(StatusCodes.Status404NotFound);
        caseScope.MapGet("/items/{itemId}/content", GetItemContent)
            .WithName(nameof(GetItemContent))
            .WithSummary("The exact original bytes, streamed, with Repr-Digest, ETag and Range support; always as an attachment.")
            .AllowRoles(CaseRoles.All)
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .Produces(StatusCodes.Status206PartialContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return caseScope;
    }

    public static async Task<Ok<ItemPage>> ListItems(CaseCaller caller, ItemIndex index, int? pageSize, string? cursor, CancellationToken cancellationToken)
    {
        var size = pageSize ?? DefaultPageSize;
        if (size is < 1 or > ItemIndex.MaxPageSize)
        {
            throw new VaultProblemException(ProblemType.MalformedRequest, $"pageSize must be between 1 and {ItemIndex.MaxPageSize}.");
        }

        return TypedResults.Ok(await index.ListAsync(caller.CaseId, size, string.IsNullOrEmpty(cursor) ? null : cursor, caller.OnlyContributor, cancellationToken));
    }

    public static async Task<Ok<EvidenceItemRecord>> GetItem(CaseCaller caller, string itemId, ItemIndex index, CustodyLog custody, CancellationToken cancellationToken)
    {
        var item = await FindAsync(caller, itemId, index, cancellationToken);
        await RecordViewAsync(custody, caller, item, what: null, cancellationToken);
        return TypedResults.Ok(item);
    }

    public static async Task<FileStreamHttpResult> GetItemContent(
        CaseCaller caller, string itemId, HttpContext http, ItemIndex index, VaultStorage storage, CustodyLog custody, CancellationToken cancellationToken)
    {
        var item = await FindAsync(caller, itemId, index, cancellationToken);
        var range = http.Request.GetTypedHeaders().Range;
        if (range is null || range.Ranges.FirstOrDefault()?.From is null or 0)
        {
            // A player fetching later ranges of a file already being watched is not a new download.
            await custody.AppendAsync(caller.CaseId, new CustodyEntry(CustodyEventTypes.ItemDownloaded, caller.GrantId, item.ItemId, item.Sha256, item.Size), cancellationToken);
        }

        var blob = storage.Blob(EvidencePaths.Original(caller.CaseId, item.ItemId));
        var content = await blob.OpenReadAsync(new BlobOpenReadOptions(allowModifications: false), cancellationToken);
        http.Response.Headers["Repr-Digest"] = $"sha-256=:{EvidenceVault.Hashing.Sha256Digest.ParseHex(item.Sha256).Base64}:";
        http.Response.Headers[HeaderNames.XContentTypeOptions] = "nosniff";
        return TypedResults.Stream(
            content,
            contentType: item.ContentType,
            fileDownloadName: item.FileName ?? item.ItemId + EvidenceFormatDetector.ExtensionFor(item.ContentType),
            lastModified: item.ReceivedAt,
            entityTag: new EntityTagHeaderValue($"\"{item.Sha256}\""),
            enableRangeProcessing: true);
    }

    /// <summary>Records in the custody log that the caller viewed an item (its record, or <paramref name="what"/> of it).</summary>
    public static Task RecordViewAsync(CustodyLog custody, CaseCaller caller, EvidenceItemRecord item, string? what, CancellationToken cancellationToken) =>
        custody.AppendAsync(
            caller.CaseId,
            new CustodyEntry(CustodyEventTypes.ItemViewed, caller.GrantId, item.ItemId, item.Sha256, Details: what is null ? null : new Dictionary<string, string> { ["what"] = what }),
            cancellationToken);

    /// <summary>The item, if the caller may see it: another contributor's item is as absent as a missing one.</summary>
    public static async Task<EvidenceItemRecord> FindAsync(CaseCaller caller, string itemId, ItemIndex index, CancellationToken cancellationToken) =>
        await index.GetAsync(caller.CaseId, itemId, cancellationToken) is { } item && caller.CanSee(item)
            ? item
            : throw new VaultProblemException(ProblemType.ItemNotFound, "No such item in this case.");
}
