using System.Diagnostics;

namespace EvidenceVault.Testing;

/// <summary>Runs a standard tool (sha256sum, openssl, unzip, dotnet) the way a court expert or an operator would.</summary>
public static class ExternalTool
{
    public sealed record Result(int ExitCode, string Output);

    public static Task<Result> RunAsync(string fileName, string workingDirectory, params string[] arguments) =>
        RunAsync(fileName, workingDirectory, new Dictionary<string, string>(), arguments);

    /// <summary>Runs a tool with extra environment variables (secrets go there, never on the command line).</summary>
    public static async Task<Result> RunAsync(string fileName, string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException(fileName + " did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout + await stderr);
    }
}
