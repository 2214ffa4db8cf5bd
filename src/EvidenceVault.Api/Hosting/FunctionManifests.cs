using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing.Patterns;

namespace EvidenceVault.Api.Hosting;

/// <summary>One Azure Functions trigger: an HTTP trigger for a group of the app's endpoints, or a timer.</summary>
/// <param name="Name">Function (folder) name.</param>
/// <param name="Route">HTTP trigger route, relative to the host's (empty) route prefix; null for a timer.</param>
/// <param name="Methods">HTTP methods, lower case; empty for a timer.</param>
/// <param name="Schedule">NCRONTAB schedule of a timer; null for HTTP.</param>
internal sealed record FunctionTrigger(string Name, string? Route, IReadOnlyList<string> Methods, string? Schedule = null);

/// <summary>
/// Marks an endpoint as the target of a timer function: the Functions host POSTs each tick to <c>/{function name}</c>.
/// Such an endpoint gets a timerTrigger function and is never exposed through an HTTP trigger.
/// </summary>
/// <param name="Schedule">NCRONTAB schedule.</param>
internal sealed record TimerTriggerMetadata(string Schedule);

/// <summary>
/// Generates the custom handler's <c>function.json</c> files from the app's own endpoint table, at publish time
/// (<c>--write-function-manifests DIR</c>), so a new endpoint can never be missing from Azure.
/// An endpoint group is the route's first segment after <c>/api</c> (<c>cases</c>, <c>health</c>) or its first
/// segment elsewhere (<c>openapi</c>); its trigger route ends in a catch-all unless the group is a single route.
/// The web pages are one more function, <c>web</c>, a GET catch-all below every literal route.
/// </summary>
internal static class FunctionManifests
{
    public const string Argument = "--write-function-manifests";

    /// <summary>The function that serves the web pages.</summary>
    public const string WebFunction = "web";

    public static bool IsRequested(string[] args, out string directory)
    {
        var index = Array.IndexOf(args, Argument);
        directory = index >= 0 && index + 1 < args.Length ? args[index + 1] : string.Empty;
        return index >= 0;
    }

    public static IReadOnlyList<FunctionTrigger> Triggers(EndpointDataSource endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var all = endpoints.Endpoints.OfType<RouteEndpoint>().ToList();
        var timers = all
            .Where(e => e.Metadata.GetMetadata<TimerTriggerMetadata>() is not null)
            .Select(e => new FunctionTrigger(NameOf(Template(e.RoutePattern)), null, [], e.Metadata.GetMetadata<TimerTriggerMetadata>()!.Schedule));
        // The pages are one catch-all GET function: the Functions host routes literal segments (api/…) first.
        var pages = all.Any(e => e.Metadata.GetMetadata<WebPages.WebPageMetadata>() is not null)
            ? [new FunctionTrigger(WebFunction, "{*path}", ["get", "head"])]
            : Array.Empty<FunctionTrigger>();
        var routes = all
            .Where(e => e.Metadata.GetMetadata<TimerTriggerMetadata>() is null && e.Metadata.GetMetadata<WebPages.WebPageMetadata>() is null)
            .Select(e => (Pattern: e.RoutePattern, Methods: e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]))
            .ToList();
        return routes
            .GroupBy(r => GroupOf(r.Pattern), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var templates = g.Select(r => Template(r.Pattern)).Distinct(StringComparer.Ordinal).ToList();
                var route = templates.Count == 1 && !templates[0].Contains('{', StringComparison.Ordinal) ? templates[0] : g.Key + "/{*path}";
                var methods = g.SelectMany(r => r.Methods).Select(m => m.ToLowerInvariant()).Append("options").Distinct().Order(StringComparer.Ordinal).ToList();
                return new FunctionTrigger(NameOf(g.Key), route, methods);
            })
            .Concat(pages)
            .Concat(timers)
            .ToList();
    }

    public static void Write(EndpointDataSource endpoints, string directory)
    {
        foreach (var trigger in Triggers(endpoints))
        {
            var folder = Path.Combine(directory, trigger.Name);
            Directory.CreateDirectory(folder);
            var bindings = trigger.Schedule is { } schedule
                ? new JsonArray(new JsonObject { ["type"] = "timerTrigger", ["direction"] = "in", ["name"] = "timer", ["schedule"] = schedule })
                : new JsonArray(
                    new JsonObject
                    {
                        ["type"] = "httpTrigger",
                        ["direction"] = "in",
                        ["name"] = "req",
                        ["authLevel"] = "anonymous",
                        ["methods"] = new JsonArray([.. trigger.Methods.Select(m => (JsonNode)m)]),
                        ["route"] = trigger.Route,
                    },
                    new JsonObject { ["type"] = "http", ["direction"] = "out", ["name"] = "res" });
            var manifest = new JsonObject { ["bindings"] = bindings };
            File.WriteAllText(Path.Combine(folder, "function.json"), manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        }
    }

    /// <summary>Function names take letters, digits and dashes, starting with a letter.</summary>
    private static string NameOf(string group) =>
        string.Join('-', new string([.. group.Select(c => char.IsAsciiLetterOrDigit(c) ? c : ' ')]).Split(' ', StringSplitOptions.RemoveEmptyEntries));

    private static string Template(RoutePattern pattern) => (pattern.RawText ?? string.Empty).Trim('/');

    private static string GroupOf(RoutePattern pattern)
    {
        var segments = Template(pattern).Split('/');
        return segments[0] == "api" && segments.Length > 1 ? $"api/{segments[1]}" : segments[0];
    }
}

/// <summary>Endpoints that only the Functions host's timer calls.</summary>
internal static class TimerTrigger
{
    /// <summary>Refuses anyone but the Functions host on this machine (the custom handler listens on loopback).</summary>
    public static void EnsureFromHost(HttpContext http)
    {
        if (http.Connection.RemoteIpAddress is not { } remote || !System.Net.IPAddress.IsLoopback(remote))
        {
            throw new Problems.VaultProblemException(Problems.ProblemType.Forbidden, "Only the Functions host on this machine triggers scheduled work.");
        }
    }
}
