using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using Azure.Storage.Blobs;
using EvidenceVault.Api.Storage;

namespace EvidenceVault.Benchmarks;

/// <summary>An in-memory Azurite and the vault API as a separate Release process against it, on loopback.</summary>
internal sealed class BenchEnvironment : IAsyncDisposable
{
    private BenchEnvironment(AzuriteProcess azurite, Process api, Uri baseAddress)
    {
        Azurite = azurite;
        Api = api;
        BaseAddress = baseAddress;
    }

    public AzuriteProcess Azurite { get; }

    public Process Api { get; }

    public Uri BaseAddress { get; }

    /// <summary>The repository root: two levels above tools/azurite, found the same way the app finds it.</summary>
    public static string RepositoryRoot =>
        Path.GetFullPath(Path.Combine(
            AzuriteProcess.FindToolDirectory(AppContext.BaseDirectory) ?? throw new DirectoryNotFoundException("tools/azurite not found above the benchmark."),
            "..",
            ".."));

    public static async Task<BenchEnvironment> StartAsync()
    {
        var azurite = await AzuriteProcess.StartAsync(
            new AzuriteLaunch(Path.Combine(RepositoryRoot, "tools", "azurite"), DataDirectory: null, 0, 0, 0), TimeSpan.FromMinutes(5));
        var port = FreePort();
        var dll = Path.Combine(RepositoryRoot, "src", "EvidenceVault.Api", "bin", "Release", "net10.0", "EvidenceVault.Api.dll");
        var start = new ProcessStartInfo("dotnet", [dll]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["Urls"] = $"http://127.0.0.1:{port}";
        start.Environment["EvidenceVault__Storage__ConnectionString"] = azurite.ConnectionString;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var api = Process.Start(start)!;
        api.OutputDataReceived += (_, _) => { };
        api.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine("api: " + e.Data); } };
        api.BeginOutputReadLine();
        api.BeginErrorReadLine();
        var environment = new BenchEnvironment(azurite, api, new Uri($"http://127.0.0.1:{port}/"));
        using var client = new HttpClient { BaseAddress = environment.BaseAddress };
        for (var i = 0; ; i++)
        {
            try
            {
                (await client.GetAsync("/api/health")).EnsureSuccessStatusCode();
                return environment;
            }
            catch (HttpRequestException) when (i < 300)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Opens a case; returns a client of the API that carries its owner token.</summary>
    public async Task<(HttpClient Http, string CaseId)> OpenCaseAsync()
    {
        var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromHours(1) };
        var response = await http.PostAsJsonAsync("/api/cases", new { title = "benchmark" });
        response.EnsureSuccessStatusCode();
        var created = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.GetProperty("ownerToken").GetString());
        return (http, created.GetProperty("caseId").GetString()!);
    }

    /// <summary>The container the plain SDK reference uploads into, on the same Azurite.</summary>
    public async Task<BlobContainerClient> ReferenceContainerAsync()
    {
        var container = new BlobServiceClient(Azurite.ConnectionString).GetBlobContainerClient("plain-sdk-reference");
        await container.CreateIfNotExistsAsync();
        return container;
    }

    /// <summary>Resident and peak resident memory of the API process, from /proc.</summary>
    public (long RssBytes, long PeakBytes) ApiMemory()
    {
        var status = $"/proc/{Api.Id}/status";
        return (ProcField(status, "VmRSS:") * 1024, ProcField(status, "VmHWM:") * 1024);
    }

    /// <summary>
    /// CPU time (user + system) used so far by the API, by Azurite, by Azurite's JavaScript thread alone (the one that
    /// serves every request) and by this benchmark process, from /proc.
    /// </summary>
    public (TimeSpan Api, TimeSpan Azurite, TimeSpan AzuriteMain, TimeSpan Client) CpuTimes()
    {
        static TimeSpan Read(string stat)
        {
            // Fields after the command name: utime and stime are the 12th and 13th, in clock ticks (100 per second on Linux).
            var fields = File.ReadAllText(stat).Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return TimeSpan.FromSeconds((long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0);
        }

        var azurite = Azurite.ProcessId;
        return (Read($"/proc/{Api.Id}/stat"), Read($"/proc/{azurite}/stat"), Read($"/proc/{azurite}/task/{azurite}/stat"), Read($"/proc/{Environment.ProcessId}/stat"));
    }

    /// <summary>
    /// How many read calls Azurite has made so far (<c>syscr</c> in <c>/proc/&lt;pid&gt;/io</c>) and how often its JavaScript
    /// thread has gone to sleep waiting for work (its voluntary context switches): per byte, both show whether
    /// storage received its data in full reads or in pieces as it trickled in.
    /// </summary>
    public (long Reads, long Sleeps) AzuriteWakeups()
    {
        var azurite = Azurite.ProcessId;
        return (ProcField($"/proc/{azurite}/io", "syscr:"), ProcField($"/proc/{azurite}/task/{azurite}/status", "voluntary_ctxt_switches:"));
    }

    /// <summary>The number on the line of a <c>/proc</c> file that starts with <paramref name="key"/> (<c>VmRSS:  1234 kB</c> gives 1234).</summary>
    private static long ProcField(string path, string key) => File.ReadLines(path)
        .Where(l => l.StartsWith(key, StringComparison.Ordinal))
        .Select(l => long.Parse(l[key.Length..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture))
        .Single();

    /// <summary>Resets the kernel's peak-RSS mark of the API process, so the next peak is this run's.</summary>
    public void ResetPeak() => File.WriteAllText($"/proc/{Api.Id}/clear_refs", "5");

    public async ValueTask DisposeAsync()
    {
        Api.Kill(entireProcessTree: true);
        await Api.WaitForExitAsync();
        Api.Dispose();
        await Azurite.DisposeAsync();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Gives a file from <see cref="CreateVideoFile"/> new bytes (and so a new SHA-256) behind its header.</summary>
    public static void Reshuffle(string path)
    {
        using var file = File.OpenWrite(path);
        file.Position = 64;
        Span<byte> fresh = stackalloc byte[64];
        Random.Shared.NextBytes(fresh);
        file.Write(fresh);
    }

    /// <summary>A file of random bytes behind an MP4 header, so the vault takes it as a video.</summary>
    public static string CreateVideoFile(long bytes)
    {
        var path = Path.Combine(Path.GetTempPath(), $"ev-bench-{bytes}-{Guid.NewGuid():N}.mp4");
        var buffer = new byte[4 * 1024 * 1024];
        Random.Shared.NextBytes(buffer);
        byte[] ftyp = [0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'i', (byte)'s', (byte)'o', (byte)'m'];
        using var file = File.Create(path);
        for (long written = 0; written < bytes; written += buffer.Length)
        {
            Random.Shared.NextBytes(buffer.AsSpan(0, 64));
            if (written == 0)
            {
                ftyp.CopyTo(buffer, 0);
            }

            file.Write(buffer, 0, (int)Math.Min(buffer.Length, bytes - written));
        }

        return path;
    }
}
