using System.Globalization;
using EvidenceVault.Api.Access;
using EvidenceVault.Api.Problems;
using EvidenceVault.Api.Timestamps;
using EvidenceVault.Evidence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace EvidenceVault.Api.Uploads;

/// <summary>The state of a resumable upload, as <c>GET …/uploads/{uploadId}</c> returns it.</summary>
/// <param name="UploadId">The upload.</param>
/// <param name="State">open, completing, completed, terminated, expired or rejected.</param>
/// <param name="Offset">Bytes received.</param>
/// <param name="Length">Bytes declared.</param>
/// <param name="ExpiresAt">When an unfinished upload expires.</param>
/// <param name="ItemId">The item it became, once completed.</param>
/// <param name="Reason">Why it was refused (a problem type code), if it was.</param>
public sealed record UploadStatus(string UploadId, string State, long Offset, long Length, DateTimeOffset ExpiresAt, string? ItemId, string? Reason);

internal static class UploadsApi
{
    /// <summary>The sweep's timer function; the Functions host POSTs each tick to <c>/{name}</c>.</summary>
    public const string SweepFunction = "upload-sweep";

    private const string MethodOverride = "A client that cannot send this method sends a POST with X-HTTP-Method-Override naming it (tus 1.0.0).";

    public static RouteGroupBuilder MapUploadsApi(this RouteGroupBuilder caseScope, IEndpointRouteBuilder app)
    {
        var uploads = caseScope.MapGroup("/uploads")
            .WithMetadata(new TusEndpoint())
            .AddEndpointFilter<RequireTusVersion>()
            .RequireCors(UploadCors.Policy)
            .WithTags("Resumable uploads (tus 1.0.0)");

        uploads.MapMethods("/", [HttpMethods.Options], DiscoverUploads)
            .WithName(nameof(DiscoverUploads))
            .AllowRoles(CaseRoles.All)
            .WithSummary("tus discovery: Tus-Version, Tus-Extension, Tus-Max-Size, Tus-Checksum-Algorithm.")
            .Produces(StatusCodes.Status204NoContent);
        uploads.MapPost("/", CreateUpload)
            .WithName(nameof(CreateUpload))
            .RequireRateLimiting(Hardening.AbuseLimits.Uploads)
            .AllowRoles(CaseRoles.Owner, CaseRoles.Contributor)
            .WithSummary("tus creation: Upload-Length and Upload-Metadata (filename, filetype, kind, capturedAt, sourceUrl, sha256); 201 with Location.")
            .Produces<UploadStatus>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status507InsufficientStorage);
        uploads.MapMethods("/{uploadId}", [HttpMethods.Head], GetUploadOffset)
            .WithName(nameof(GetUploadOffset))
            .AllowRoles(CaseRoles.Owner, CaseRoles.Contributor)
            .WithSummary("tus HEAD: Upload-Offset and Upload-Length of the caller's upload; 410 once terminated, expired or refused.")
            .Produces(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status410Gone);
        uploads.MapPatch("/{uploadId}", AppendToUpload)
            .WithName(nameof(AppendToUpload))
            .AllowRoles(CaseRoles.Owner, CaseRoles.Contributor)
            .WithSummary("tus PATCH: application/offset+octet-stream at Upload-Offset, optional Upload-Checksum (sha1, sha256, md5; with md5 and a Content-Length the chunk passes straight to storage, which checks the MD5). The last byte completes the item (X-Evidence-Item-Id).")
            .WithDescription(MethodOverride)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.RequestBody = new Microsoft.OpenApi.OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, Microsoft.OpenApi.OpenApiMediaType>
                    {
                        [TusProtocol.OffsetContentType] = new() { Schema = new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.String, Format = "binary" } },
                    },
                };
                return Task.CompletedTask;
            })
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status410Gone)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(ProblemType.ChecksumMismatch.Status);
        uploads.MapDelete("/{uploadId}", TerminateUpload)
            .WithName(nameof(TerminateUpload))
            .AllowRoles(CaseRoles.Owner, CaseRoles.Contributor)
            .WithSummary("tus termination of an unfinished upload; a completed one is evidence and stays (403).")
            .WithDescription(MethodOverride)
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status410Gone);
        uploads.MapGet("/{uploadId}", GetUpload)
            .WithName(nameof(GetUpload))
            .AllowRoles(CaseRoles.Owner, CaseRoles.Contributor)
            .WithSummary("The upload's state as JSON, with the item it became once completed.")
            .Produces<UploadStatus>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        // Not under /api and matched by no HTTP trigger: in Azure only the host's timer reaches it.
        app.MapPost("/" + SweepFunction, SweepUploads)
            .WithName(nameof(SweepUploads))
            .WithMetadata(new Hosting.TimerTriggerMetadata("0 */10 * * * *"))
            .ExcludeFromDescription();
        return caseScope;
    }

    public static NoContent DiscoverUploads(CaseCaller caller, HttpResponse response, IOptions<ResumableUploadOptions> options)
    {
        response.Headers[TusProtocol.TusVersion] = TusProtocol.Version;
        response.Headers[TusProtocol.TusExtension] = TusProtocol.Extensions;
        response.Headers[TusProtocol.TusMaxSize] = options.Value.MaxUploadBytes.ToString(CultureInfo.InvariantCulture);
        response.Headers[TusProtocol.TusChecksumAlgorithm] = TusProtocol.ChecksumAlgorithms;
        return TypedResults.NoContent();
    }

    public static async Task<Created<UploadStatus>> CreateUpload(CaseCaller caller, HttpRequest request, ResumableUploads uploads, CancellationToken cancellationToken)
    {
        if (request.Headers.ContainsKey(TusProtocol.UploadDeferLength))
        {
            throw new VaultProblemException(ProblemType.MalformedHeader, "Uploads of unknown length are not supported: send Upload-Length.");
        }

        var length = TusProtocol.NonNegative(request.Headers, TusProtocol.UploadLength)
            ?? throw new VaultProblemException(ProblemType.MalformedHeader, "Upload-Length is required.");
        var session = await uploads.CreateAsync(caller, length, request.Headers[TusProtocol.UploadMetadata].ToString(), cancellationToken);
        request.HttpContext.Response.Headers[TusProtocol.UploadExpires] = TusProtocol.HttpDate(session.ExpiresAt);
        return TypedResults.Created(Location(session), Status(session));
    }

    public static async Task<Ok> GetUploadOffset(CaseCaller caller, string uploadId, HttpResponse response, ResumableUploads uploads, CancellationToken cancellationToken)
    {
        var session = await uploads.GetAsync(caller, uploadId, cancellationToken);
        ResumableUploads.EnsureNotGone(session);

        response.Headers.CacheControl = "no-store";
        response.Headers[TusProtocol.UploadOffset] = session.Offset.ToString(CultureInfo.InvariantCulture);
        response.Headers[TusProtocol.UploadLength] = session.Length.ToString(CultureInfo.InvariantCulture);
        if (session.Metadata is not null)
        {
            response.Headers[TusProtocol.UploadMetadata] = session.Metadata;
        }

        SetOutcomeHeaders(response, session);
        return TypedResults.Ok();
    }

    public static async Task<NoContent> AppendToUpload(
        PresumedCaller caller, string uploadId, HttpRequest request, ResumableUploads uploads, IOptions<ResumableUploadOptions> options, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType) ||
            !contentType.MediaType.Equals(TusProtocol.OffsetContentType, StringComparison.OrdinalIgnoreCase))
        {
            throw new VaultProblemException(ProblemType.UploadContentType, $"A PATCH body must be {TusProtocol.OffsetContentType}.");
        }

        var offset = TusProtocol.NonNegative(request.Headers, TusProtocol.UploadOffset)
            ?? throw new VaultProblemException(ProblemType.MalformedHeader, "Upload-Offset is required.");
        var checksum = TusProtocol.ParseChecksum(request.Headers);
        // The body is counted while streaming; the server's own limit only has to allow the largest chunk.
        Ingest.RequestBodies.AllowUpTo(request, options.Value.MaxChunkBytes + 1);

        var result = await uploads.AppendAsync(caller, uploadId, offset, request.ContentLength, checksum, request.Body, cancellationToken);
        var response = request.HttpContext.Response;
        response.Headers[TusProtocol.UploadOffset] = result.Session.Offset.ToString(CultureInfo.InvariantCulture);
        SetOutcomeHeaders(response, result.Session);
        return TypedResults.NoContent();
    }

    public static async Task<NoContent> TerminateUpload(CaseCaller caller, string uploadId, ResumableUploads uploads, CancellationToken cancellationToken)
    {
        await uploads.TerminateAsync(caller, uploadId, cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<UploadStatus>> GetUpload(CaseCaller caller, string uploadId, ResumableUploads uploads, CancellationToken cancellationToken) =>
        TypedResults.Ok(Status(await uploads.GetAsync(caller, uploadId, cancellationToken)));

    public static async Task<Ok<TimerInvocationResult>> SweepUploads(HttpContext http, ResumableUploads uploads, CancellationToken cancellationToken)
    {
        Hosting.TimerTrigger.EnsureFromHost(http);
        var changed = await uploads.SweepAsync(cancellationToken);
        return TypedResults.Ok(new TimerInvocationResult(new Dictionary<string, object?>(), [$"swept {changed} upload(s)"], changed));
    }

    private static void SetOutcomeHeaders(HttpResponse response, UploadSession session)
    {
        if (session.State == UploadStates.Open)
        {
            response.Headers[TusProtocol.UploadExpires] = TusProtocol.HttpDate(session.ExpiresAt);
        }

        if (session.ResultItemId is not null)
        {
            response.Headers[TusProtocol.EvidenceItemId] = session.ResultItemId;
        }
    }

    private static string Location(UploadSession session) => $"/api/cases/{session.CaseId}/uploads/{session.UploadId}";

    private static UploadStatus Status(UploadSession session) =>
        new(session.UploadId, session.State, session.Offset, session.Length, session.ExpiresAt, session.ResultItemId, session.Reason);
}
