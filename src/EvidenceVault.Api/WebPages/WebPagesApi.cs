using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;

namespace EvidenceVault.Api.WebPages;

/// <summary>Marks the web page endpoints: in Azure they are served by one catch-all GET function of lowest precedence.</summary>
internal sealed class WebPageMetadata;

/// <summary>
/// The victim's and the lawyer's pages (one page, <c>/</c>, and its bundled assets under <c>/assets/</c>), built from
/// src/EvidenceVault.Web into <c>web/</c> beside the app. Everything a page needs comes from here: no third-party
/// requests. Revalidated on every load (<c>no-cache</c> with an ETag), so a new version is never mixed with an old one.
/// </summary>
internal static class WebPagesApi
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    /// <summary>Where the built pages are.</summary>
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "web");

    public static IEndpointRouteBuilder MapWebPages(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/", [HttpMethods.Get, HttpMethods.Head], (HttpContext http) => Serve(http, "index.html"))
            .WithName("WebPage")
            .WithMetadata(new WebPageMetadata())
            .ExcludeFromDescription();
        app.MapMethods("/assets/{file}", [HttpMethods.Get, HttpMethods.Head], (HttpContext http, string file) => Serve(http, file))
            .WithName("WebPageAsset")
            .WithMetadata(new WebPageMetadata())
            .ExcludeFromDescription();
        return app;
    }

    private static IResult Serve(HttpContext http, string name)
    {
        // Only plain names of the built folder: no paths, no dot files.
        var file = new FileInfo(Path.Combine(Folder, name));
        if (name.Length == 0 || name[0] == '.' || name.IndexOfAny(['/', '\\']) >= 0 || !file.Exists ||
            !ContentTypes.TryGetContentType(name, out var contentType))
        {
            return Results.NotFound();
        }

        http.Response.Headers.CacheControl = "no-cache";
        var etag = new EntityTagHeaderValue($"\"{file.LastWriteTimeUtc.Ticks:x}-{file.Length:x}\"");
        return Results.File(file.FullName, contentType, lastModified: file.LastWriteTimeUtc, entityTag: etag);
    }
}
