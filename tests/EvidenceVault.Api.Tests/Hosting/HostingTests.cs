using System.Text.Json;
using EvidenceVault.Api.Hosting;
using EvidenceVault.Api.Storage;
using EvidenceVault.Api.Tests.Infrastructure;
using EvidenceVault.Testing;
using Microsoft.AspNetCore.Routing.Template;

namespace EvidenceVault.Api.Tests.Hosting;

/// <summary>The app as Azure Functions and an operator see it: OpenAPI, function.json, custom-handler port, dotnet run.</summary>
[Collection(VaultOnAzurite.Name)]
public sealed class HostingTests(VaultApp app) : IClassFixture<VaultApp>
{
    [Fact]
    public async Task OpenApi_DescribesEveryEndpointWithTypedResponses()
    {
        using var client = app.CreateClient();

        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));

        var paths = document.RootElement.GetProperty("paths");
        foreach (var route in ApiRoutes().Where(r => r.Template.StartsWith("api/", StringComparison.Ordinal)))
        {
            Assert.True(paths.TryGetProperty("/" + route.Template, out _), $"/{route.Template} is missing from the OpenAPI document");
        }

        var upload = paths.GetProperty("/api/cases/{caseId}/items").GetProperty("post");
        Assert.True(upload.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/octet-stream", out _));
        Assert.True(upload.GetProperty("responses").TryGetProperty("201", out var created));
        Assert.Contains("EvidenceItemRecord", created.GetRawText(), StringComparison.Ordinal);
        foreach (var status in new[] { "400", "401", "404", "413", "415", "422", "503" })
        {
            Assert.True(upload.GetProperty("responses").TryGetProperty(status, out _), $"upload does not document {status}");
        }

        // What a saved page says about itself is part of the item's public shape.
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        Assert.True(schemas.GetProperty("EvidenceItemRecord").GetProperty("properties").TryGetProperty("snapshot", out _));
        var origin = schemas.GetProperty("PageSnapshotOrigin").GetProperty("properties");
        Assert.Equal(["capturedAt", "source", "url"], origin.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));

        // So is what a recording, a saved e-mail, an office document and an exported chat say.
        Assert.True(schemas.GetProperty("EvidenceItemRecord").GetProperty("properties").TryGetProperty("message", out _));
        Assert.True(schemas.GetProperty("EvidenceItemRecord").GetProperty("properties").TryGetProperty("document", out _));
        var properties = schemas.GetProperty("DocumentInfo").GetProperty("properties");
        Assert.Equal(["application", "author", "company", "createdAt", "lastModifiedBy", "modifiedAt", "source"], properties.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var message = schemas.GetProperty("MessageInfo").GetProperty("properties");
        Assert.Equal(["attachments", "authenticatedBy", "authenticationResults", "cc", "deliveredAt", "deliveredBy", "deliveredTo", "forwarded", "from", "links", "messageId", "sentAt", "signatures", "source", "subject", "to"], message.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var signature = schemas.GetProperty("MailSignature").GetProperty("properties");
        Assert.Equal(["algorithm", "bodyLength", "domain", "key", "result", "selector", "signedAt", "signedHeaders"], signature.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var attachment = schemas.GetProperty("MessageAttachment").GetProperty("properties");
        Assert.Equal(["contentType", "fileName", "sha256", "size"], attachment.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.True(schemas.GetProperty("EvidenceItemRecord").GetProperty("properties").TryGetProperty("chat", out _));
        var chat = schemas.GetProperty("ChatInfo");
        Assert.Equal(
            ["accounts", "firstMessageAt", "lastMessageAt", "links", "messages", "participants", "source", "writers"],
            chat.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(["firstMessageAt", "lastMessageAt", "messages", "source", "writers"], chat.GetProperty("required").EnumerateArray().Select(p => p.GetString()).Order(StringComparer.Ordinal));
        var recording = schemas.GetProperty("RecordingInfo").GetProperty("properties");
        Assert.Equal(["device", "durationSeconds", "localTime", "recordedAt", "source", "utcOffset"], recording.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("/timestamp-retry")]
    [InlineData("/upload-sweep")]
    public async Task TimerEndpoint_FromAnywhereButThisMachine_IsForbidden(string path)
    {
        using var client = app.CreateClient(); // the in-memory test server has no loopback remote address

        using var response = await client.PostAsync(path, null);

        await ProblemAssert.IsAsync(response, 403, "forbidden");
    }

    [Fact]
    public async Task EveryProblemType_IsDocumentedWithItsStatus()
    {
        var api = await File.ReadAllTextAsync(Path.Combine(SampleEvidence.RepositoryRoot, "docs", "api.md"));

        Assert.All(Problems.ProblemType.All, problem => Assert.Contains($"| `{problem.Type}` | {problem.Status} |", api, StringComparison.Ordinal));
        Assert.Equal(Problems.ProblemType.All.Count, Problems.ProblemType.All.Select(p => p.Code).Distinct().Count());
    }

    [Fact]
    public void FunctionManifests_CoverEveryMappedRouteAndMethod()
    {
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>();

        var triggers = FunctionManifests.Triggers(endpoints);

        foreach (var route in ApiRoutes())
        {
            // Match a concrete request path the way the Functions host routes it, independent of the grouping logic:
            // literal routes first, the pages' catch-all only when nothing else matches.
            var sample = "/" + string.Join('/', route.Template.Split('/').Select(s => s.StartsWith('{') ? "01KC0000000000000000000000" : s));
            var covering = triggers.Where(t => t.Route is not null && t.Name != FunctionManifests.WebFunction && Matches(t.Route, sample)).ToList();
            if (route.IsPage)
            {
                Assert.Empty(covering);
                covering = [triggers.Single(t => t.Name == FunctionManifests.WebFunction)];
                Assert.True(Matches(covering[0].Route!, sample), sample);
            }

            Assert.True(covering.Count == 1, $"{sample} is served by {covering.Count} function triggers");
            Assert.All(route.Methods, m => Assert.Contains(m.ToLowerInvariant(), covering[0].Methods));
        }

        Assert.Contains(triggers, t => t.Name == "api-cases" && t.Route == "api/cases/{*path}");
        Assert.Contains(triggers, t => t.Name == "api-health" && t.Route == "api/health");
        Assert.Contains(triggers, t => t.Name == "well-known" && t.Route == ".well-known/evidencevault/keys");

        // The timestamp retry and upload sweep endpoints are timers' targets, never reachable through an HTTP trigger.
        var timers = triggers.Where(t => t.Schedule is not null).ToList();
        Assert.Equal(["timestamp-retry", "upload-sweep"], timers.Select(t => t.Name).Order());
        Assert.All(timers, timer => Assert.Null(timer.Route));
        foreach (var timer in timers)
        {
            Assert.DoesNotContain(triggers, t => t.Route is not null && t.Methods.Contains("post") && Matches(t.Route, "/" + timer.Name));
        }
    }

    [Fact]
    public async Task Publish_WritesHostJsonAndOneFunctionJsonPerEndpointGroup()
    {
        var output = Directory.CreateTempSubdirectory("ev-publish-").FullName;
        try
        {
            var project = Path.Combine(SampleEvidence.RepositoryRoot, "src", "EvidenceVault.Api");
            var publish = await ExternalTool.RunAsync("dotnet", project, "publish", "--no-restore", "-c", "Release", "-o", output);
            Assert.True(publish.ExitCode == 0, publish.Output);
            Assert.True(File.Exists(Path.Combine(output, "web", "index.html")), "the web pages are published beside the app");
            Assert.True(File.Exists(Path.Combine(output, "web", "app.js")), "the web pages are published beside the app");

            var expected = FunctionManifests.Triggers(app.Services.GetRequiredService<EndpointDataSource>());
            var written = Directory.GetFiles(output, "function.json", SearchOption.AllDirectories).Select(f => Path.GetFileName(Path.GetDirectoryName(f))!).Order().ToList();
            Assert.Equal(expected.Select(t => t.Name).Order(), written);
            foreach (var trigger in expected)
            {
                using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, trigger.Name, "function.json")));
                var binding = manifest.RootElement.GetProperty("bindings")[0];
                if (trigger.Schedule is null)
                {
                    Assert.Equal("httpTrigger", binding.GetProperty("type").GetString());
                    Assert.Equal(trigger.Route, binding.GetProperty("route").GetString());
                }
                else
                {
                    Assert.Equal("timerTrigger", binding.GetProperty("type").GetString());
                    Assert.Equal(trigger.Schedule, binding.GetProperty("schedule").GetString());
                }
            }

            using var host = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "host.json")));
            Assert.True(host.RootElement.GetProperty("customHandler").GetProperty("enableProxyingHttpRequest").GetBoolean());
            Assert.Equal(string.Empty, host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public async Task CustomHandler_ListensOnFunctionsPortOnLoopbackWithinThirtySeconds()
    {
        var port = ApiProcess.FreePort();
        var azurite = await TestAzurite.InstanceAsync();
        await using var api = ApiProcess.Start(new Dictionary<string, string>
        {
            [CustomHandler.PortVariable] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["EvidenceVault__Storage__ConnectionString"] = azurite.ConnectionString,
            ["EvidenceVault__Storage__EvidenceContainer"] = app.ContainerName,
            ["EvidenceVault__Storage__TablePrefix"] = app.TablePrefix,
        });

        Assert.True(await api.WaitUntilHealthyAsync($"http://127.0.0.1:{port}/api/health", TimeSpan.FromSeconds(30)), api.Output);
        Assert.False(ApiProcess.IsListening(7071) && api.Output.Contains("localhost:7071", StringComparison.Ordinal), "the app must not also listen on its standalone port");
        Assert.Contains($"received into {TransportBlockPool.DefaultBlockSize}-byte transport blocks", api.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DotnetRun_WithDevelopmentStorage_StartsAndStopsItsOwnAzurite()
    {
        var data = Directory.CreateTempSubdirectory("ev-run-").FullName;
        var port = ApiProcess.FreePort();
        var azuriteWasRunning = ApiProcess.IsListening(10000);
        try
        {
            await using var api = ApiProcess.Start(new Dictionary<string, string>
            {
                ["EvidenceVault__Storage__ConnectionString"] = VaultStorageOptions.DevelopmentStorage,
                ["EvidenceVault__DataDirectory"] = data,
                ["Urls"] = $"http://127.0.0.1:{port}",
            });

            Assert.True(await api.WaitUntilHealthyAsync($"http://127.0.0.1:{port}/api/health", TimeSpan.FromMinutes(3)), api.Output);
            Assert.True(ApiProcess.IsListening(10000) && ApiProcess.IsListening(10002));
            if (!azuriteWasRunning)
            {
                Assert.True(Directory.EnumerateFileSystemEntries(Path.Combine(data, "azurite")).Any(), "Azurite keeps its data in the data folder");
                await api.StopGracefullyAsync(TimeSpan.FromSeconds(30));
                Assert.False(ApiProcess.IsListening(10000), "the embedded Azurite outlived the app");
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>Every HTTP route of the app (timer targets aside), with its methods and whether it is a page.</summary>
    private IEnumerable<(string Template, IReadOnlyList<string> Methods, bool IsPage)> ApiRoutes() =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<TimerTriggerMetadata>() is null)
            .GroupBy(e => e.RoutePattern.RawText!.Trim('/'))
            .Select(g => (
                g.Key,
                (IReadOnlyList<string>)g.SelectMany(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).ToList(),
                g.Any(e => e.Metadata.GetMetadata<Api.WebPages.WebPageMetadata>() is not null)));

    private static bool Matches(string route, string path) =>
        new TemplateMatcher(TemplateParser.Parse(route), new RouteValueDictionary()).TryMatch(path, new RouteValueDictionary());
}
