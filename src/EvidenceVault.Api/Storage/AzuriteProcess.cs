using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace EvidenceVault.Api.Storage;

/// <summary>How to start Azurite.</summary>
/// <param name="ToolDirectory">The folder with Azurite's package.json and lock file (tools/azurite).</param>
/// <param name="DataDirectory">Where Azurite keeps its data; null keeps everything in memory.</param>
/// <param name="BlobPort">Blob port; 0 picks a free one.</param>
/// <param name="TablePort">Table port; 0 picks a free one.</param>
/// <param name="QueuePort">Queue port (unused by the vault, but Azurite opens it); 0 picks a free one.</param>
internal sealed record AzuriteLaunch(string ToolDirectory, string? DataDirectory, int BlobPort, int TablePort, int QueuePort);

/// <summary>
/// A real Azurite (the npm package pinned in tools/azurite) as a child process: installed with <c>npm ci</c> when
/// missing, started with <c>--skipApiVersionCheck</c>, ready once it reports its listening ports. One that keeps its
/// data on disk is stopped with SIGTERM first: it writes its metadata (blob lists, block lists, table rows) to disk
/// only every five seconds and when it closes, so killing it would lose what the vault wrote just before — items
/// whose uploads were answered. Whatever is left of its process tree after that, or of an in-memory one at once, is
/// killed.
/// </summary>
internal sealed partial class AzuriteProcess : IAsyncDisposable
{
    /// <summary>The well-known development account of Azurite.</summary>
    public const string AccountName = "devstoreaccount1";

    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>How long an Azurite with data on disk may take to close before it is killed (it needs about a second).</summary>
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(20);

    private const int SigTerm = 15;

    private static readonly SemaphoreSlim InstallLock = new(1, 1);
    private readonly Process _process;
    private readonly bool _persistent;

    private AzuriteProcess(Process process, int blobPort, int tablePort, bool persistent)
    {
        _persistent = persistent;
        _process = process;
        BlobPort = blobPort;
        TablePort = tablePort;
    }

    public int BlobPort { get; }

    public int TablePort { get; }

    /// <summary>The Azurite process (the benchmarks read its CPU time).</summary>
    public int ProcessId => _process.Id;

    /// <summary>A connection string for this Azurite with explicit endpoints.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{AccountName};TableEndpoint=http://127.0.0.1:{TablePort}/{AccountName};";

    /// <summary>Finds tools/azurite by walking up from <paramref name="start"/>.</summary>
    public static string? FindToolDirectory(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tools", "azurite");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Installs Azurite if needed, starts it and waits until both services listen.</summary>
    public static async Task<AzuriteProcess> StartAsync(AzuriteLaunch launch, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var entry = await EnsureInstalledAsync(launch.ToolDirectory, cancellationToken);
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = launch.ToolDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     // --silent: no access-log line per request, which Azurite would format and write and this
                     // process would read, for every block of every upload.
                     entry, "--skipApiVersionCheck", "--disableTelemetry", "--loose", "--silent",
                     "--blobHost", "127.0.0.1", "--blobPort", Port(launch.BlobPort),
                     "--tableHost", "127.0.0.1", "--tablePort", Port(launch.TablePort),
                     "--queueHost", "127.0.0.1", "--queuePort", Port(launch.QueuePort),
                 })
        {
            start.ArgumentList.Add(arg);
        }

        if (launch.DataDirectory is null)
        {
            start.ArgumentList.Add("--inMemoryPersistence");
        }
        else
        {
            Directory.CreateDirectory(launch.DataDirectory);
            start.ArgumentList.Add("--location");
            start.ArgumentList.Add(launch.DataDirectory);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
        var blob = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var table = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            // Kept only until Azurite is ready, to explain a failed start; afterwards the lines are read and dropped.
            if (!(blob.Task.IsCompleted && table.Task.IsCompleted))
            {
                output.Enqueue(line);
            }

            var match = ListeningLine().Match(line);
            if (match.Success)
            {
                var port = int.Parse(match.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture);
                (match.Groups["service"].Value == "Blob" ? blob : match.Groups["service"].Value == "Table" ? table : null)?.TrySetResult(port);
            }
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            var ready = Task.WhenAll(blob.Task, table.Task);
            var exited = process.WaitForExitAsync(timeoutSource.Token);
            if (await Task.WhenAny(ready, exited) != ready)
            {
                await exited; // throws when timed out
                throw new InvalidOperationException("Azurite exited before it was ready: " + string.Join(Environment.NewLine, output));
            }

            return new AzuriteProcess(process, await blob.Task, await table.Task, persistent: launch.DataDirectory is not null);
        }
        catch
        {
            Kill(process);
            process.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_persistent)
        {
            await CloseAsync(_process);
        }

        Kill(_process);
        _process.Dispose();
    }

    /// <summary>
    /// Asks Azurite to close (SIGTERM: it closes its services and saves its metadata) and waits for it to exit. Windows
    /// has no such signal for a process without a console of its own: there Azurite is killed, and what it wrote in its
    /// last five seconds may be lost — stop the vault with Ctrl+C in its console, which reaches Azurite too.
    /// </summary>
    private static async Task CloseAsync(Process process)
    {
        if (OperatingSystem.IsWindows() || process.HasExited || SendSignal(process.Id, SigTerm) != 0)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(CloseTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Still running: killed below.
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static string Port(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<string> EnsureInstalledAsync(string toolDirectory, CancellationToken cancellationToken)
    {
        var entry = Path.Combine(toolDirectory, "node_modules", "azurite", "dist", "src", "azurite.js");
        await InstallLock.WaitAsync(cancellationToken);
        try
        {
            if (File.Exists(entry))
            {
                return entry;
            }

            var npm = new ProcessStartInfo("npm")
            {
                WorkingDirectory = toolDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[] { "ci", "--no-audit", "--no-fund", "--ignore-scripts" })
            {
                npm.ArgumentList.Add(arg);
            }

            using var install = Process.Start(npm) ?? throw new InvalidOperationException("npm did not start; install Node.js 20+.");
            var stdout = install.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = install.StandardError.ReadToEndAsync(cancellationToken);
            await install.WaitForExitAsync(cancellationToken);
            if (install.ExitCode != 0 || !File.Exists(entry))
            {
                throw new InvalidOperationException($"'npm ci' in {toolDirectory} failed ({install.ExitCode}): {await stdout}{await stderr}");
            }

            return entry;
        }
        finally
        {
            InstallLock.Release();
        }
    }

    [GeneratedRegex(@"Azurite (?<service>Blob|Table|Queue) service is successfully listening at https?://[^:]+:(?<port>\d+)")]
    private static partial Regex ListeningLine();
}
