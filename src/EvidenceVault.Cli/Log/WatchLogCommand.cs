using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using EvidenceVault.Serialization;
using EvidenceVault.Transparency;

namespace EvidenceVault.Cli.Log;

/// <summary>
/// <c>evidencevault watch-log --vault URL --keep FOLDER</c>: a witness of the vault log, for anyone outside the vault's
/// operators (a victims' association, a law firm, a court registry) to run on a schedule. Each run takes the vault's
/// current signed checkpoint, checks that it extends the newest one kept in the folder (RFC 9162 consistency proof)
/// and keeps it. Kept checkpoints are never changed; two signed checkpoints that do not extend one another are kept
/// side by side, as the vault's own proof that its log was rewritten between them.
/// </summary>
internal static class WatchLogCommand
{
    /// <summary>Exit code when the log extends what was kept (or the first checkpoint was kept).</summary>
    public const int Consistent = 0;

    /// <summary>Exit code when the vault's log does not extend what was kept, or its checkpoint is not signed by a published key.</summary>
    public const int Rewritten = 1;

    /// <summary>Exit code when the vault could not be asked, or the folder cannot be read: no verdict.</summary>
    public const int NoVerdict = 2;

    private const string Prefix = "checkpoint-";
    private const string ConflictSuffix = "-conflict";

    /// <summary>"1 entry", "2 entries".</summary>
    public static string Entries(long count) => string.Create(CultureInfo.InvariantCulture, $"{count} {(count == 1 ? "entry" : "entries")}");

    public static Command Create(TextWriter output)
    {
        var vault = VaultConnection.AddressOption();
        var keep = new Option<string>("--keep") { Description = "保存检查点的文件夹（每次运行都会读取并新增，不会改动已有文件）。The folder where checkpoints are kept (read and added to on every run; existing files are never changed).", Required = true };
        var command = new Command("watch-log", "见证证据保险箱的公开日志：取得当前签名检查点，核验其延续此前保存的检查点，并保存。Witness the vault log: take its current signed checkpoint, check it extends the newest one kept, and keep it.")
        {
            vault, keep,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(vault)!, parse.GetValue(keep)!, output, cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(string address, string folder, TextWriter output, CancellationToken cancellationToken)
    {
        using var vault = new LiveVaultLog(address);
        try
        {
            Directory.CreateDirectory(folder);
            return await WitnessAsync(vault, folder, output, cancellationToken);
        }
        catch (Exception e) when (LiveVaultLog.IsUnanswered(e) || e is IOException or UnauthorizedAccessException or JsonException)
        {
            await output.WriteLineAsync($"无法见证 No verdict: {e.Message}");
            return NoVerdict;
        }
    }

    private static async Task<int> WitnessAsync(LiveVaultLog vault, string folder, TextWriter output, CancellationToken cancellationToken)
    {
        var kept = await NewestKeptAsync(folder, cancellationToken);
        var keys = await vault.PublishedKeysAsync(cancellationToken);
        var current = await vault.CurrentAsync(cancellationToken);
        var key = keys.GetValueOrDefault(current.KeyId);
        if (kept is not { } held)
        {
            if (CheckpointExtension.CheckSigned(current.CheckpointBytes, current.SignatureBytes, key, out var first) is not null)
            {
                await output.WriteLineAsync($"日志未签名 NOT SIGNED: the vault's checkpoint is not signed by a key it publishes ({current.KeyId}).");
                return Rewritten;
            }

            if (first!.Size == 0)
            {
                // Every log extends the empty one: there is nothing to hold the vault to yet.
                await output.WriteLineAsync($"日志为空 The log of {first.Origin} is empty; nothing kept yet.");
                return Consistent;
            }

            await KeepAsync(folder, current, conflict: false, cancellationToken);
            await output.WriteLineAsync($"已保存首个检查点 First checkpoint kept: {Entries(first.Size)} of {first.Origin}.");
            return Consistent;
        }

        var proof = current.Size < held.Checkpoint.Size ? [] : await vault.ConsistencyAsync(held.Checkpoint.Size, current.Size, cancellationToken);
        var gap = CheckpointExtension.Check(held.Checkpoint, current.CheckpointBytes, current.SignatureBytes, key, proof, out var now);
        if (gap is not null)
        {
            var evidence = await KeepAsync(folder, current, conflict: true, cancellationToken);
            await output.WriteLineAsync($"日志被改写 LOG REWRITTEN: {gap.Message}. Kept: {held.File} and {evidence}.");
            return Rewritten;
        }

        if (now!.Size > held.Checkpoint.Size)
        {
            await KeepAsync(folder, current, conflict: false, cancellationToken);
        }

        await output.WriteLineAsync($"一致 CONSISTENT: {now.Origin} grew from {Entries(held.Checkpoint.Size)} to {Entries(now.Size)}; nothing before was changed.");
        return Consistent;
    }

    /// <summary>The kept checkpoint of the largest size; null when the folder keeps none.</summary>
    private static async Task<(LogCheckpoint Checkpoint, string File)?> NewestKeptAsync(string folder, CancellationToken cancellationToken)
    {
        var newest = Directory.GetFiles(folder, Prefix + "*.json")
            .Where(file => !Path.GetFileName(file).Contains(ConflictSuffix, StringComparison.Ordinal))
            .MaxBy(file => file, StringComparer.Ordinal);
        if (newest is null)
        {
            return null;
        }

        var answer = JsonSerializer.Deserialize<CheckpointAnswer>(await File.ReadAllTextAsync(newest, cancellationToken), VaultJson.Compact)
            ?? throw new JsonException($"{newest} is empty");
        return LogCheckpoint.TryParse(answer.Checkpoint, out var checkpoint) && checkpoint is not null
            ? (checkpoint, newest)
            : throw new JsonException($"{newest} holds no checkpoint");
    }

    /// <summary>Keeps a checkpoint as the vault sent it, under a name that sorts by size; never overwrites.</summary>
    private static async Task<string> KeepAsync(string folder, CheckpointAnswer answer, bool conflict, CancellationToken cancellationToken)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"{Prefix}{answer.Size:D19}{(conflict ? ConflictSuffix : string.Empty)}");
        var path = Path.Combine(folder, name + ".json");
        for (var n = 2; File.Exists(path); n++)
        {
            path = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"{name}-{n}.json"));
        }

        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        await JsonSerializer.SerializeAsync(file, answer, VaultJson.Indented, cancellationToken);
        return path;
    }
}
