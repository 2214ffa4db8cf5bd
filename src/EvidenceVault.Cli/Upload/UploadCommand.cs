using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using EvidenceVault.Hashing;

namespace EvidenceVault.Cli.Upload;

/// <summary>
/// <c>evidencevault upload &lt;file&gt; --case &lt;caseId&gt;</c>: sends a recording of any size to a case with resumable
/// (tus) uploads, showing progress; run the same command again after any interruption and it continues where
/// the vault says it stopped. The token is read from <c>EVIDENCEVAULT_TOKEN</c>, never from the command line.
/// </summary>
internal static class UploadCommand
{
    public const int Saved = 0;
    public const int Refused = 1;
    public const int Interrupted = 2;

    /// <summary>Pauses before each retry after a network failure: about a minute in all before giving up (and staying resumable).</summary>
    private static readonly TimeSpan[] RetryDelays = [.. new[] { 1, 2, 4, 8, 16, 30 }.Select(s => TimeSpan.FromSeconds(s))];

    public static Command Create(TextWriter output, TextWriter progress)
    {
        var file = new Argument<FileInfo>("file") { Description = "证据文件（录音、截图、保存的网页……）。The evidence file (a recording, screenshot, saved page…)." };
        var caseId = new Option<string>("--case") { Description = "案件编号。The case id.", Required = true };
        var vault = VaultConnection.AddressOption();
        var kind = new Option<string?>("--kind") { Description = "证据类型：screenshot、audio、video、screen-recording、page-snapshot 或 document（默认按文件内容识别）。The kind: screenshot, audio, video, screen-recording, page-snapshot or document (default: from the bytes)." };
        var capturedAt = new Option<string?>("--captured-at") { Description = "拍摄或录制时间，ISO 8601 格式并带时区（如 2026-11-20T21:05:00+08:00）。When it was captured, ISO 8601 with a zone (e.g. 2026-11-20T21:05:00+08:00)." };
        var sourceUrl = new Option<string?>("--source-url") { Description = "证据所示或来源网页的地址。The page it shows or came from." };
        var chunkMiB = new Option<int>("--chunk-size") { Description = "每个请求的大小，单位 MiB（1–64）。MiB per request (1–64).", DefaultValueFactory = _ => 8 };
        var stateFolder = new Option<string>("--state-dir") { Description = "记录未完成上传的位置。Where unfinished uploads are remembered.", DefaultValueFactory = _ => ResumeState.DefaultFolder };
        var json = new Option<bool>("--json") { Description = "以 JSON 输出已保存的证据条目。Print the saved item as JSON." };
        var command = new Command("upload", "向案件上传证据，可续传：中断后再次运行同一命令即可继续；令牌从 EVIDENCEVAULT_TOKEN 读取。Upload evidence to a case, resumably: run the same command again after an interruption to continue. The case token is read from EVIDENCEVAULT_TOKEN.")
        {
            file, caseId, vault, kind, capturedAt, sourceUrl, chunkMiB, stateFolder, json,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            new UploadRequest(parse.GetValue(file)!, new Uri(parse.GetValue(vault)!), parse.GetValue(caseId)!, parse.GetValue(kind), parse.GetValue(capturedAt), parse.GetValue(sourceUrl), parse.GetValue(chunkMiB), parse.GetValue(json)),
            new ResumeState(parse.GetValue(stateFolder)!),
            VaultConnection.Token(),
            output,
            progress,
            cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(UploadRequest upload, ResumeState state, string? token, TextWriter output, TextWriter progress, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            await output.WriteLineAsync(VaultConnection.MissingMemberToken);
            return Refused;
        }

        if (!upload.File.Exists || upload.ChunkMiB is < 1 or > 64)
        {
            await output.WriteLineAsync(upload.File.Exists ? "--chunk-size 须为 1 到 64 MiB。--chunk-size must be 1 to 64 MiB." : $"找不到文件 No such file: {upload.File.FullName}");
            return Refused;
        }

        using var http = VaultConnection.CreateClient(token, TimeSpan.FromMinutes(10));
        var tus = new TusUploader(http, RetryDelays);
        var key = ResumeState.KeyOf(upload.Vault, upload.CaseId, upload.File);
        try
        {
            await using var file = new FileStream(upload.File.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
            var (location, offset) = await ResumeAsync(tus, state, key, progress, cancellationToken);
            if (location is null)
            {
                await progress.WriteLineAsync($"正在计算指纹 Hashing {upload.File.Name} ({file.Length:N0} bytes)…");
                var hashed = await EvidenceHasher.HashAsync(file, cancellationToken);
                location = await tus.CreateAsync(new Uri(upload.Vault, $"/api/cases/{upload.CaseId}/uploads"), file.Length, Metadata(upload, hashed.Digest), cancellationToken);
                state.Save(key, location.ToString());
                offset = 0;
            }

            var bar = new UploadProgress(progress, !Console.IsErrorRedirected && ReferenceEquals(progress, Console.Error), file.Length);
            var itemId = offset == file.Length
                ? await tus.CompletedItemAsync(location, cancellationToken)
                : await tus.SendAsync(location, file, offset, upload.ChunkMiB * 1024 * 1024, bar.Report, cancellationToken);
            state.Forget(key);
            await PrintItemAsync(http, upload, itemId, output, cancellationToken);
            return Saved;
        }
        catch (UploadRefusedException e)
        {
            state.Forget(key);
            await output.WriteLineAsync(VaultConnection.Refused(e.Status, e.ProblemType, e.Message));
            return Refused;
        }
        catch (VaultUnreachableException e)
        {
            await output.WriteLineAsync($"{e.Message} 没有丢失任何内容：再次运行同一命令即可继续。Nothing is lost: run the same command again to continue.");
            return Interrupted;
        }
    }

    private static async Task<(Uri? Location, long Offset)> ResumeAsync(TusUploader tus, ResumeState state, string key, TextWriter progress, CancellationToken cancellationToken)
    {
        if (state.Find(key) is not { } saved || !Uri.TryCreate(saved, UriKind.Absolute, out var location))
        {
            return (null, 0);
        }

        if (await tus.OffsetAsync(location, cancellationToken) is not { } offset)
        {
            state.Forget(key);
            return (null, 0);
        }

        await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"从第 {offset:N0} 字节继续 Resuming at byte {offset:N0}."));
        return (location, offset);
    }

    private static Dictionary<string, string> Metadata(UploadRequest upload, Sha256Digest digest)
    {
        var metadata = new Dictionary<string, string> { ["filename"] = upload.File.Name, ["sha256"] = digest.Hex };
        if (upload.Kind is not null)
        {
            metadata["kind"] = upload.Kind;
        }

        if (upload.CapturedAt is not null)
        {
            metadata["capturedAt"] = upload.CapturedAt;
        }

        if (upload.SourceUrl is not null)
        {
            metadata["sourceUrl"] = upload.SourceUrl;
        }

        return metadata;
    }

    private static async Task PrintItemAsync(HttpClient http, UploadRequest upload, string itemId, TextWriter output, CancellationToken cancellationToken)
    {
        var body = await http.GetStringAsync(new Uri(upload.Vault, $"/api/cases/{upload.CaseId}/items/{itemId}"), cancellationToken);
        if (upload.Json)
        {
            await output.WriteLineAsync(body);
            return;
        }

        using var item = JsonDocument.Parse(body);
        await output.WriteLineAsync($"已安全保存 Saved {upload.File.Name} as item {itemId}");
        await ItemReceiptText.WriteAsync(item.RootElement, output);
    }
}

/// <summary>What to upload, where, and what the victim says about it.</summary>
internal sealed record UploadRequest(FileInfo File, Uri Vault, string CaseId, string? Kind, string? CapturedAt, string? SourceUrl, int ChunkMiB, bool Json);
