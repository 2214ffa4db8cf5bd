using System.CommandLine;
using System.Net.Http.Headers;
using System.Text.Json;

namespace EvidenceVault.Cli;

/// <summary>
/// How the commands that talk to a vault reach it: its address from <c>--vault</c> (default <c>EVIDENCEVAULT_URL</c>,
/// else the local vault), the case token from <c>EVIDENCEVAULT_TOKEN</c> — never from the command line, where shell
/// history and the process list would keep it.
/// </summary>
internal static class VaultConnection
{
    public const string TokenVariable = "EVIDENCEVAULT_TOKEN";

    public static Option<string> AddressOption()
    {
        var vault = new Option<string>("--vault")
        {
            Description = "证据保险箱的地址（默认：EVIDENCEVAULT_URL，否则 http://localhost:7071）。The vault's address (default: EVIDENCEVAULT_URL, else http://localhost:7071).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("EVIDENCEVAULT_URL") ?? "http://localhost:7071",
        };
        vault.Validators.Add(result =>
        {
            if (!Uri.TryCreate(result.GetValueOrDefault<string>(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                result.AddError("--vault 必须是 http(s) 地址，如 https://vault.example.org。--vault must be an http(s) address such as https://vault.example.org.");
            }
        });
        return vault;
    }

    public static string? Token() => Environment.GetEnvironmentVariable(TokenVariable);

    /// <summary>What to say when <see cref="TokenVariable"/> is not set, for a command that owners and victims use (uploads, captures).</summary>
    public static string MissingMemberToken =>
        $"请把案件令牌（创建人或受害人链接中的令牌）设为 {TokenVariable}。Set {TokenVariable} to the case token (owner or contributor link token).";

    /// <summary>A client that sends <paramref name="token"/> with every request.</summary>
    public static HttpClient CreateClient(string token, TimeSpan timeout)
    {
        var http = new HttpClient { Timeout = timeout };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    /// <summary>How the tool reports a request the vault refused: its status, problem type and detail, in both languages.</summary>
    public static string Refused(int status, string? problemType, string detail) =>
        $"被拒绝，未保存 Refused ({status}{(problemType is null ? string.Empty : " " + problemType)}): {detail}";

    /// <summary>The problem type and detail of a refusal (RFC 9457), or <paramref name="fallback"/> when it has none.</summary>
    public static async Task<(string? Type, string Detail)> ReadProblemAsync(HttpResponseMessage response, string fallback, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return (null, fallback);
        }

        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var type = problem.RootElement.TryGetProperty("type", out var t) ? t.GetString() : null;
        var detail = problem.RootElement.TryGetProperty("detail", out var d) && d.GetString() is { } text ? text : fallback;
        return (type, detail);
    }
}
