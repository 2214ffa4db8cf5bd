using EvidenceVault.Api.Access;
using EvidenceVault.Api.Bundles;
using EvidenceVault.Api.Captures;
using EvidenceVault.Api.Cases;
using EvidenceVault.Api.Custody;
using EvidenceVault.Api.Hardening;
using EvidenceVault.Api.Health;
using EvidenceVault.Api.Ingest;
using EvidenceVault.Api.Items;
using EvidenceVault.Api.Problems;
using EvidenceVault.Api.Receipts;
using EvidenceVault.Api.Timestamps;
using EvidenceVault.Api.Transparency;
using EvidenceVault.Api.Uploads;
using EvidenceVault.Api.WebPages;

namespace EvidenceVault.Api.Hosting;

internal static class VaultEndpoints
{
    /// <summary>The vault's middleware and its endpoint table (which also drives the Azure Functions manifests).</summary>
    public static WebApplication MapEvidenceVault(this WebApplication app)
    {
        // tus 1.0.0: a POST with X-HTTP-Method-Override is the method it names (clients that cannot send PATCH or
        // DELETE, such as tus-js-client with overridePatchMethod). Before routing, so it reaches that endpoint.
        app.UseHttpMethodOverride();
        app.UseRouting();
        app.UseSecurityHeaders();
        app.UseTusHeaders();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            SuppressDiagnosticsCallback = context => ProblemResponses.IsExpected(context.Exception),
        });
        app.UseStatusCodePages(async context =>
        {
            var problems = context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
            var status = context.HttpContext.Response.StatusCode;
            var problem = status == StatusCodes.Status404NotFound ? ProblemType.NotFound : new ProblemType("http-" + status, status, "The request failed.");
            await ProblemResponses.WriteAsync(context.HttpContext, problems, problem, null);
        });

        app.UseCors();
        app.UseRateLimiter();
        app.MapOpenApi();
        var api = app.MapGroup("/api");
        var caseScope = api.MapGroup("/cases/{caseId}").AddEndpointFilter<EnforceCaseAccess>();
        api.MapHealthApi();
        api.MapLogApi();
        api.MapCasesApi(caseScope);
        caseScope.MapIngestApi();
        caseScope.MapCapturesApi();
        caseScope.MapUploadsApi(app);
        caseScope.MapItemsApi();
        caseScope.MapCustodyApi();
        caseScope.MapBundlesApi();
        caseScope.MapTimestampsApi(app);
        caseScope.MapReceiptsApi(app);
        caseScope.MapGrantsApi();
        app.MapWebPages();
        return app;
    }
}
