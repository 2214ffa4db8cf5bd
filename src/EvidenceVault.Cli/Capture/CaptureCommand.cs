using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;

namespace EvidenceVault.Cli.Capture;

/// <summary>
/// <c>evidencevault capture &lt;url&gt; --case &lt;caseId&gt;</c>: has the vault fetch a page itself — the link from a
/// text message, before the site clears it — and prints what it kept and the item it became. The token is read
/// from <c>EVIDENCEVAULT_TOKEN</c>, never from the command line.
/// </summary>
internal static class CaptureCommand
{
    public const int Saved = 0;
    public const int Refused = 1;
    public const int Unreachable = 2;

    public static Command Create(TextWriter output)
    {
        var url = new Argument<string>("url") { Description = "网页链接（http 或 https）。The page's address (http or https)." };
        var caseId = new Option<string>("--case") { Description = "案件编号。The case id.", Required = true };
        var note = new Option<string?>("--note") { Description = "备注，例如链接从哪里收到。A note, such as where the link came from." };
        var vault = VaultConnection.AddressOption();
        var json = new Option<bool>("--json") { Description = "以 JSON 输出证据保险箱的回答。Print the vault's answer as JSON." };
        var command = new Command("capture", "让证据保险箱立即自己打开并保存一个网页（含跳转和资源），作为一条证据；令牌从 EVIDENCEVAULT_TOKEN 读取。Have the vault open and save a page itself, at once (with its redirects and resources), as one item. The case token is read from EVIDENCEVAULT_TOKEN.")
        {
            url, caseId, note, vault, json,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            new Uri(parse.GetValue(vault)!), parse.GetValue(caseId)!, parse.GetValue(url)!, parse.GetValue(note), parse.GetValue(json), VaultConnection.Token(), output, cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(Uri vault, string caseId, string url, string? note, bool json, string? token, TextWriter output, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            await output.WriteLineAsync(VaultConnection.MissingMemberToken);
            return Refused;
        }

        // A capture may take the vault up to a minute and a half, and storing what it fetched a little longer.
        using var http = VaultConnection.CreateClient(token, TimeSpan.FromMinutes(5));
        HttpResponseMessage response;
        try
        {
            response = await http.PostAsJsonAsync(new Uri(vault, $"/api/cases/{Uri.EscapeDataString(caseId)}/captures"), new { url, note }, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            await output.WriteLineAsync($"无法连接证据保险箱 Cannot reach the vault at {vault}: {e.Message}");
            return Unreachable;
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var (type, detail) = await VaultConnection.ReadProblemAsync(response, response.ReasonPhrase ?? "refused", cancellationToken);
                await output.WriteLineAsync(VaultConnection.Refused((int)response.StatusCode, type, detail));
                return (int)response.StatusCode >= 500 && type is null ? Unreachable : Refused;
            }

            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (json)
            {
                await output.WriteLineAsync(body);
                return Saved;
            }

            using var answer = JsonDocument.Parse(body);
            var (item, page) = (answer.RootElement.GetProperty("item"), answer.RootElement.GetProperty("page"));
            await output.WriteLineAsync($"已保存网页 Page saved as item {item.GetProperty("itemId").GetString()} ({item.GetProperty("fileName").GetString()})");
            await output.WriteLineAsync($"  网页 page                  {(page.TryGetProperty("title", out var title) ? title.GetString() + " — " : string.Empty)}{page.GetProperty("finalUrl").GetString()}");
            await output.WriteLineAsync($"  HTTP 状态 status           {page.GetProperty("status").GetInt32()}");
            await output.WriteLineAsync($"  跳转 redirects             {page.GetProperty("redirects").GetArrayLength()}");
            await output.WriteLineAsync($"  附带资源 resources kept    {page.GetProperty("resources").GetInt32()}");
            foreach (var host in page.GetProperty("tls").EnumerateObject())
            {
                foreach (var connection in host.Value.EnumerateArray())
                {
                    var site = connection.GetProperty("certificates")[0];
                    await output.WriteLineAsync(
                        $"  网站证书 certificate       {host.Name}: {site.GetProperty("subject").GetString()} — 签发 issued by {site.GetProperty("issuer").GetString()} ({connection.GetProperty("protocol").GetString()})");
                }
            }

            foreach (var skipped in page.GetProperty("skipped").EnumerateArray())
            {
                await output.WriteLineAsync($"  未保存 not kept            {skipped.GetProperty("url").GetString()} ({skipped.GetProperty("reason").GetString()})");
            }

            await ItemReceiptText.WriteAsync(item, output);
            return Saved;
        }
    }
}
