using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing.Patterns;

namespace EvidenceVault.Api.Hosting;

/// <summary>One Azure Functions HTTP trigger: a group of the app's endpoints under one route.</summary>
/// <param name="Name">Function (folder) name.</param>
/// <param name="Route">Trigger route, relative to the host's (empty) route prefix.</param>
/// <param name="Methods">HTTP methods, lower case.</param>
internal sealed record FunctionTrigger(string Name, string Route, IReadOnlyList<string> Methods);

/// <summary>
/// Generates the custom handler's <c>function.json</c> files from the app's own endpoint table, at publish time
/// (<c>--write-function-manifests DIR</c>), so a new endpoint can never be missing from Azure.
/// An endpoint group is the route's first segment after <c>/api</c> (<c>cases</c>, <c>health</c>) or its first
/// segment elsewhere (<c>openapi</c>); its trigger route ends in a catch-all unless the group is a single route.
/// </summary>
internal static class FunctionManifests
{
    public const string Argument = "--write-function-manifests";

    public static bool IsRequested(string[] args, out string directory)
    {
        var index = Array.IndexOf(args, Argument);
        directory = index >= 0 && index + 1 < args.Length ? args[index + 1] : string.Empty;
        return index >= 0;
    }

    public static IReadOnlyList<FunctionTrigger> Triggers(EndpointDataSource endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var routes = endpoints.Endpoints.OfType<RouteEndpoint>()
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
                return new FunctionTrigger(g.Key.Replace('/', '-'), route, methods);
            })
            .ToList();
    }

    public static void Write(EndpointDataSource endpoints, string directory)
    {
        foreach (var trigger in Triggers(endpoints))
        {
            var folder = Path.Combine(directory, trigger.Name);
            Directory.CreateDirectory(folder);
            var manifest = new JsonObject
            {
                ["bindings"] = new JsonArray(
                    new JsonObject
                    {
                        ["type"] = "httpTrigger",
                        ["direction"] = "in",
                        ["name"] = "req",
                        ["authLevel"] = "anonymous",
                        ["methods"] = new JsonArray(trigger.Methods.Select(m => (JsonNode)m).ToArray()),
                        ["route"] = trigger.Route,
                    },
                    new JsonObject { ["type"] = "http", ["direction"] = "out", ["name"] = "res" }),
            };
            File.WriteAllText(Path.Combine(folder, "function.json"), manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        }
    }

    private static string Template(RoutePattern pattern) => (pattern.RawText ?? string.Empty).Trim('/');

    private static string GroupOf(RoutePattern pattern)
    {
        var segments = Template(pattern).Split('/');
        return segments[0] == "api" && segments.Length > 1 ? $"api/{segments[1]}" : segments[0];
    }
}
