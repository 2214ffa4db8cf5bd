using EvidenceVault.Api.Access;
using EvidenceVault.Api.Problems;
using EvidenceVault.Evidence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace EvidenceVault.Api.Ingest;

internal static class IngestApi
{
    public static RouteGroupBuilder MapIngestApi(this RouteGroupBuilder caseScope)
    {
        caseScope.MapPost("/items", UploadItem)
            .WithName(nameof(UploadItem))
            .RequireRateLimiting(Hardening.AbuseLimits.Uploads)
            .AllowRoles(CaseRoles.Owner, CaseRoles.Contributor)
            .WithSummary("Upload one piece of evidence (raw body or multipart/form-data with one file part).")
            .WithDescription("Headers: X-Evidence-Kind, X-File-Name (percent-encoded UTF-8), X-Captured-At (ISO 8601 with zone), X-Source-Url, Repr-Digest: sha-256=:<base64>:. 201 with the new item; 200 with the existing item when the caller already sent the same bytes (the same link; the case's owner, whichever owner token) — another sender's copy of them is a new item of the caller's own.")
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                // The body is read as a stream (any evidence type, or multipart); describe it without content-type routing.
                operation.RequestBody = new Microsoft.OpenApi.OpenApiRequestBody
                {
                    Required = true,
                    Description = "The evidence file: its raw bytes, or multipart/form-data with one file part.",
                    Content = new Dictionary<string, Microsoft.OpenApi.OpenApiMediaType>
                    {
                        ["application/octet-stream"] = new() { Schema = new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.String, Format = "binary" } },
                        ["multipart/form-data"] = new() { Schema = new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.Object } },
                    },
                };
                return Task.CompletedTask;
            })
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return caseScope;
    }

    public static async Task<Results<Created<EvidenceItemRecord>, Ok<EvidenceItemRecord>>> UploadItem(
        CaseCaller caller,
        HttpRequest request,
        EvidenceIngestor ingestor,
        IOptions<IngestOptions> options,
        CancellationToken cancellationToken)
    {
        var maxBytes = options.Value.MaxEvidenceBytes;
        // The body itself is counted while streaming; the server limit only needs to allow a multipart envelope around it.
        RequestBodies.AllowUpTo(request, maxBytes + (1024 * 1024));

        if (request.ContentLength > maxBytes + (1024 * 1024))
        {
            throw new VaultProblemException(ProblemType.EvidenceTooLarge, $"Evidence is limited to {maxBytes} bytes per request; use resumable upload for larger recordings.");
        }

        var claims = EvidenceClaims.FromHeaders(request.Headers);
        var result = IsMultipart(request, out var boundary)
            ? await UploadFilePartAsync(caller, claims, boundary, request, ingestor, cancellationToken)
            : await ingestor.IngestAsync(caller, claims, request.Body, cancellationToken);
        return result.Created
            ? TypedResults.Created($"/api/cases/{caller.CaseId}/items/{result.Item.ItemId}", result.Item)
            : TypedResults.Ok(result.Item);
    }

    private static async Task<IngestResult> UploadFilePartAsync(
        CaseCaller caller, EvidenceClaims claims, string boundary, HttpRequest request, EvidenceIngestor ingestor, CancellationToken cancellationToken)
    {
        var reader = new MultipartReader(boundary, request.Body);
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            if (ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) &&
                disposition.DispositionType.Equals("form-data") &&
                (!string.IsNullOrEmpty(disposition.FileNameStar.Value) || !string.IsNullOrEmpty(disposition.FileName.Value)))
            {
                var partName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                var withName = claims.FileName is null ? claims with { FileName = EvidenceClaims.ParseFileName(Uri.EscapeDataString(partName ?? string.Empty)) } : claims;
                return await ingestor.IngestAsync(caller, withName, section.Body, cancellationToken);
            }
        }

        throw new VaultProblemException(ProblemType.MalformedRequest, "The multipart body has no file part.");
    }

    private static bool IsMultipart(HttpRequest request, out string boundary)
    {
        boundary = string.Empty;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType) ||
            !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        boundary = HeaderUtilities.RemoveQuotes(contentType.Boundary).Value ?? string.Empty;
        return boundary.Length is > 0 and <= 70
            ? true
            : throw new VaultProblemException(ProblemType.MalformedHeader, "multipart/form-data needs a boundary of 1 to 70 characters.");
    }
}

/// <summary>Request bodies larger than the server's default limit, for the endpoints that stream evidence.</summary>
internal static class RequestBodies
{
    /// <summary>Lets this request's body reach <paramref name="bytes"/> (where the server allows changing it).</summary>
    public static void AllowUpTo(HttpRequest request, long bytes)
    {
        if (request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = bytes;
        }
    }
}
