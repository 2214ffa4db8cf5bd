using System.Net;
using EvidenceVault.Api.Captures;
using EvidenceVault.Api.Tests.Infrastructure;
using EvidenceVault.Api.Tests.WebPages;
using EvidenceVault.Serialization;
using EvidenceVault.Testing;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Playwright;

namespace EvidenceVault.Api.Tests.Captures;

/// <summary>
/// A court expert opens a page the vault captured in ReplayWeb.page, Webrecorder's web archive player (pinned in
/// tests/clients/replayweb), served from the expert's own machine to Chromium: the page shows as the vault took it,
/// every part of it from the archive and nothing from the live site.
/// </summary>
[Collection(VaultOnAzurite.Name)]
public sealed class ReplayTests(CaptureVault app, DebianChromium chromium) : IClassFixture<CaptureVault>, IClassFixture<DebianChromium>, IDisposable
{
    private static string PlayerFolder => Path.Combine(SampleEvidence.RepositoryRoot, "tests", "clients", "replayweb", "node_modules", "replaywebpage");

    private readonly string _desk = Directory.CreateTempSubdirectory("ev-replay-").FullName;

    public void Dispose() => Directory.Delete(_desk, recursive: true);

    [Fact]
    public async Task A_captured_page_replays_in_ReplayWeb_page_from_the_archive_alone()
    {
        var site = await ScamSite.InstanceAsync();
        using var vault = await app.CreateCaseAsync();
        using var captured = await vault.Client.PostAsJsonAsync($"/api/cases/{vault.CaseId}/captures", new { url = new Uri(site.SecureAddress, "/go").AbsoluteUri });
        Assert.True(captured.StatusCode == HttpStatusCode.Created, await captured.Content.ReadAsStringAsync());
        var receipt = (await captured.Content.ReadFromJsonAsync<CaptureReceipt>(VaultJson.Compact))!;
        await File.WriteAllBytesAsync(
            Path.Combine(_desk, "capture.wacz"),
            await vault.Client.GetByteArrayAsync($"/api/cases/{vault.CaseId}/items/{receipt.Item.ItemId}/content"));

        // The expert's desk: the player's own files under replay/, and a page that embeds it on the capture.
        Directory.CreateDirectory(Path.Combine(_desk, "replay"));
        foreach (var file in new[] { "index.html", "ui.js", "sw.js" })
        {
            File.Copy(Path.Combine(PlayerFolder, file), Path.Combine(_desk, "replay", file));
        }

        var finalUrl = receipt.Page.FinalUrl;
        await File.WriteAllTextAsync(Path.Combine(_desk, "index.html"), $"""
            <!doctype html>
            <html><head><meta charset="utf-8"><title>Capture</title><script src="replay/ui.js"></script></head>
            <body style="margin:0"><replay-web-page style="display:block;height:100vh" source="capture.wacz" url="{WebUtility.HtmlEncode(finalUrl)}" replayBase="replay/" embed="replayonly"></replay-web-page></body></html>
            """);
        await using var desk = await ServeAsync(_desk);

        await using var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1024, Height = 900 } });
        var live = new System.Collections.Concurrent.ConcurrentBag<string>();
        await context.RouteAsync(new Uri(site.SecureAddress, "/**").AbsoluteUri, route =>
        {
            live.Add(route.Request.Url);
            return route.AbortAsync();
        });
        var asked = site.Requests.Count;
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(desk.Address, "index.html").AbsoluteUri);

        // The player replays the page in a frame of its own, at …/mp_/<the page's address>.
        var replayed = await FrameAsync(page, "mp_/" + finalUrl);
        await replayed.WaitForSelectorAsync("#session");
        Assert.Equal("订单异常 - 退款申请", receipt.Page.Title);
        Assert.Equal(receipt.Page.Title, await replayed.TitleAsync());
        Assert.Equal("已登录 signed in", await replayed.InnerTextAsync("#session")); // the page as the cookie of the link made it
        Assert.Equal("rgb(255, 247, 230)", await replayed.EvaluateAsync<string>("getComputedStyle(document.body).backgroundColor")); // its style sheet, from the archive
        var logo = await replayed.EvaluateAsync<string>("""
            async () => {
                const image = document.querySelector('img[src*="logo.png"]');
                await image.decode();
                const bytes = await (await fetch(image.src)).arrayBuffer();
                return [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map(b => b.toString(16).padStart(2, '0')).join('');
            }
            """);
        Assert.Equal(SampleEvidence.KnownSha256["screenshot-refund-page.png"], logo); // the logo's very bytes

        // Nothing came from the live site: the page did not reach for it, and the site was asked nothing meanwhile.
        Assert.Empty(live);
        Assert.Equal(asked, site.Requests.Count);

        // What the player's archive information shows under "Validation" (its collection API): version 2.5.3 counts
        // the index and the page list, whose hashes it records from datapackage.json but does not compute, as invalid,
        // for any WACZ. VERIFY.md warns of it and gives the sha256sum commands; should a later version say otherwise,
        // the warning must change with it.
        var player = page.Frames.Single(f => f.Url.Contains("/replay/?source=", StringComparison.Ordinal));
        var collection = replayed.Url.Split("/w/")[1].Split('/')[0];
        var validation = await player.EvaluateAsync<string>("async id => JSON.stringify((await (await fetch(`w/api/c/${id}?all=1`)).json()).verify)", collection);
        Assert.Equal("{\"numInvalid\":2,\"numValid\":1}", validation);
        await replayed.Locator("#session").EvaluateAsync("session => session.scrollIntoView()"); // past the logo (the fixture's picture of the page) to the page's own text
        await Screenshots.SnapAsync(page, "replay-capture-desktop");
    }

    /// <summary>The frame whose address contains <paramref name="part"/>, once the page has one.</summary>
    private static async Task<IFrame> FrameAsync(IPage page, string part)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (page.Frames.FirstOrDefault(f => f.Url.Contains(part, StringComparison.Ordinal)) is { } frame)
            {
                return frame;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"No frame at …{part}; frames: {string.Join(", ", page.Frames.Select(f => f.Url))}");
    }

    /// <summary>A plain static web server for <paramref name="folder"/> on a port of its own (ranges answered, as the player asks).</summary>
    private static async Task<StaticSite> ServeAsync(string folder)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var server = builder.Build();
        var files = new PhysicalFileProvider(folder);
        server.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        server.UseStaticFiles(new StaticFileOptions { FileProvider = files, ContentTypeProvider = new FileExtensionContentTypeProvider { Mappings = { [".wacz"] = "application/wacz" } } });
        await server.StartAsync();
        var address = server.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.Single();
        return new StaticSite(server, new Uri(address + "/"));
    }

    private sealed record StaticSite(WebApplication Server, Uri Address) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }
}
