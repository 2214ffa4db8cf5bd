using EvidenceVault.Api.Access;
using EvidenceVault.Evidence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EvidenceVault.Api.Bundles;

internal static class BundlesApi
{
    public static RouteGroupBuilder MapBundlesApi(this RouteGroupBuilder caseScope)
    {
        caseScope.MapGet("/bundle", GetBundle)
            .WithName(nameof(GetBundle))
            .WithSummary("The whole case — or, with ?contributor=owner or a victim link's grant id, one sender's items — as a BagIt 1.0 bag in a streamed ZIP, re-hashed on the way out; check it with 'evidencevault verify'.")
            .Produces(StatusCodes.Status200OK, contentType: "application/zip")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .AllowRoles(CaseRoles.Owner, CaseRoles.Lawyer);

        // The same bundle for a browser to save by itself (streamed to disk at any size): a form POST whose body
        // carries the token as 'access_token' (RFC 6750 §2.2), so the token is never part of a URL.
        caseScope.MapPost("/bundle", GetBundle)
            .WithName("GetBundleByForm")
            .WithSummary("The same bundle, for a browser's own download: a form POST with the case token as the field 'access_token' (RFC 6750 §2.2).")
            .Accepts<IFormCollection>("application/x-www-form-urlencoded")
            .Produces(StatusCodes.Status200OK, contentType: "application/zip")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithMetadata(FormTokenAccepted.Instance)
            .AllowRoles(CaseRoles.Owner, CaseRoles.Lawyer);
        return caseScope;
    }

    public static async Task<PushStreamHttpResult> GetBundle(CaseCaller caller, string? contributor, CaseBundleExporter exporter, HttpContext http, CancellationToken cancellationToken)
    {
        var bundle = await exporter.PrepareAsync(caller, string.IsNullOrEmpty(contributor) ? null : contributor, cancellationToken);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Stream(
            output => exporter.WriteAsync(caller, bundle, output, http.RequestAborted),
            contentType: "application/zip",
            fileDownloadName: bundle.FileName);
    }
}
