using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using EvidenceVault.Cli.Verify;

namespace EvidenceVault.Cli.Bundle;

/// <summary>
/// <c>evidencevault bundle --case &lt;caseId&gt; [--contributor &lt;grantId&gt;|owner] [--out FILE]</c>: saves a case's evidence
/// bundle and checks it offline at once, as <c>evidencevault verify</c> would, so a lawyer files a bundle already known
/// to be intact. The bundle is written under a <c>.partial</c> name while it arrives and takes its own name only once
/// it is whole; an existing file is never overwritten. The token (owner or lawyer) is read from
/// <c>EVIDENCEVAULT_TOKEN</c>.
/// </summary>
internal static class BundleCommand
{
    /// <summary>Exit code when the bundle was saved and is intact.</summary>
    public const int Intact = VerifyCommand.Intact;

    /// <summary>Exit code when the bundle was saved but is not intact: the vault itself flags altered storage this way.</summary>
    public const int Tampered = VerifyCommand.Tampered;

    /// <summary>Exit code when no bundle was saved (refused, unreachable, cut off, or the file exists), or what was saved cannot be read.</summary>
    public const int NotSaved = VerifyCommand.Unreadable;

    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

    public static Command Create(TextWriter output, TextWriter progress)
    {
        var caseId = new Option<string>("--case") { Description = "案件编号。The case id.", Required = true };
        var vault = VaultConnection.AddressOption();
        var contributor = new Option<string?>("--contributor") { Description = "只含一位提交人上传的证据（受害人按其授权编号，案件创建人为 owner），供代理群体案件中一位受害人的律师使用。Only the items one contributor sent (a victim's grant id, or owner for the case owner under any owner link), for a lawyer acting for one victim of a group case." };
        var path = new Option<string?>("--out") { Description = "证据包的保存文件名，或保存文件夹（以系统给出的文件名保存；默认当前文件夹）。从不覆盖已有文件。The file to save the bundle as, or a folder to save it in under the name the vault gives it (default: the current folder). Never overwritten." };
        var json = new Option<bool>("--json") { Description = "以 JSON 输出核验报告。Print the verification report as JSON." };
        var (tsaRoots, vaultKeys, siteRoots) = VerifyCommand.TrustOptions();
        var command = new Command("bundle", "保存案件证据包并立即离线核验；令牌（创建人或律师）从 EVIDENCEVAULT_TOKEN 读取。Save a case's evidence bundle (BagIt ZIP) and verify it offline at once. The case token (owner or lawyer) is read from EVIDENCEVAULT_TOKEN.")
        {
            caseId, vault, contributor, path, json, tsaRoots, vaultKeys, siteRoots,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            new BundleRequest(new Uri(parse.GetValue(vault)!), parse.GetValue(caseId)!, parse.GetValue(contributor), parse.GetValue(path), parse.GetValue(json), parse.GetValue(tsaRoots), parse.GetValue(vaultKeys), parse.GetValue(siteRoots)),
            VaultConnection.Token(),
            output,
            progress,
            cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(BundleRequest bundle, string? token, TextWriter output, TextWriter progress, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            await output.WriteLineAsync($"请把案件令牌（创建人或律师链接中的令牌）设为 {VaultConnection.TokenVariable}。Set {VaultConnection.TokenVariable} to the case token (owner or lawyer link token).");
            return NotSaved;
        }

        var folder = bundle.Path is null ? "." : Directory.Exists(bundle.Path) ? bundle.Path : null;
        if (folder is null && bundle.Path is { } chosen && (File.Exists(chosen) || !Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(chosen)))))
        {
            await output.WriteLineAsync(File.Exists(chosen)
                ? $"{chosen} 已存在，未下载也未覆盖。{chosen} already exists; nothing was downloaded or overwritten."
                : $"{chosen} 所在的文件夹不存在，未下载。The folder for {chosen} does not exist; nothing was downloaded.");
            return NotSaved;
        }

        // The whole case may take a while to stream; the wait for the vault to start is what is bounded.
        using var http = VaultConnection.CreateClient(token, TimeSpan.FromMinutes(10));
        string target;
        long length;
        try
        {
            var query = bundle.Contributor is { } grantId ? "?contributor=" + Uri.EscapeDataString(grantId) : string.Empty;
            using var response = await http.GetAsync(new Uri(bundle.Vault, $"/api/cases/{Uri.EscapeDataString(bundle.CaseId)}/bundle{query}"), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                var (type, detail) = await VaultConnection.ReadProblemAsync(response, $"The vault refused the bundle ({(int)response.StatusCode}).", cancellationToken);
                await output.WriteLineAsync(VaultConnection.Refused((int)response.StatusCode, type, detail));
                return NotSaved;
            }

            target = Path.GetFullPath(folder is null ? bundle.Path! : Path.Combine(folder, NameFrom(response, bundle.CaseId)));
            if (File.Exists(target))
            {
                await output.WriteLineAsync($"{target} 已存在，未覆盖。{target} already exists; nothing was overwritten.");
                return NotSaved;
            }

            length = await SaveAsync(response, target, progress, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            await output.WriteLineAsync($"证据包未完整下载，未保存任何内容；请再次运行同一命令。The bundle did not arrive whole ({e.Message}); nothing was saved. Run the same command again.");
            return NotSaved;
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"已保存 Saved {target} ({length:N0} bytes). 正在离线核验 Checking it offline:"));
        return await VerifyCommand.RunAsync(target, bundle.Json, output, cancellationToken, bundle.TsaRoots, bundle.VaultKeys, siteRoots: bundle.SiteRoots);
    }

    /// <summary>Streams the body to <c>{target}.partial</c>, then gives it its name; a cut-off download leaves nothing.</summary>
    private static async Task<long> SaveAsync(HttpResponseMessage response, string target, TextWriter progress, CancellationToken cancellationToken)
    {
        var partial = target + ".partial";
        long length = 0;
        try
        {
            await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.Asynchronous))
            {
                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                var buffer = new byte[1024 * 1024];
                var interactive = !Console.IsErrorRedirected && ReferenceEquals(progress, Console.Error);
                var shown = Stopwatch.StartNew();
                int read;
                while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    length += read;
                    if (interactive && shown.Elapsed >= ProgressInterval)
                    {
                        await progress.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"\r{length / 1_000_000.0,10:0.0} MB"));
                        shown.Restart();
                    }
                }

                if (interactive)
                {
                    await progress.WriteLineAsync();
                }
            }

            File.Move(partial, target, overwrite: false);
            return length;
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
    }

    /// <summary>The file name the vault gives the bundle, reduced to a bare name: a header never chooses the folder.</summary>
    private static string NameFrom(HttpResponseMessage response, string caseId)
    {
        var disposition = response.Content.Headers.ContentDisposition;
        var name = (disposition?.FileNameStar ?? disposition?.FileName)?.Trim('"') ?? string.Empty;
        var bare = name.Length is > 4 and <= 200
            && name.EndsWith(".zip", StringComparison.OrdinalIgnoreCase)
            && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            && !name.StartsWith('.');
        return bare ? name : $"evidence-{caseId}.zip";
    }
}

/// <summary>Which case's bundle to save, where, and what to trust when checking it.</summary>
internal sealed record BundleRequest(Uri Vault, string CaseId, string? Contributor, string? Path, bool Json, string[]? TsaRoots, string[]? VaultKeys, string[]? SiteRoots);
