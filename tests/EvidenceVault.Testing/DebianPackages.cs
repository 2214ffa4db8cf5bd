namespace EvidenceVault.Testing;

/// <summary>
/// Debian packages the tests need beside the SDK (a browser, a font, the tools a court expert runs): installed with
/// apt-get when missing and the tests run as root, one installation at a time; otherwise the test fails saying which
/// command to run.
/// </summary>
public static class DebianPackages
{
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);
    private static bool _updated;

    /// <summary>Installs <paramref name="packages"/> unless <paramref name="present"/> says they are there already.</summary>
    /// <param name="packages">The packages, as apt-get names them.</param>
    /// <param name="purpose">What needs them, for the message when they cannot be installed.</param>
    /// <param name="present">Whether what they provide is there.</param>
    public static async Task EnsureAsync(IReadOnlyList<string> packages, string purpose, Func<Task<bool>> present)
    {
        ArgumentNullException.ThrowIfNull(present);
        await OneAtATime.WaitAsync();
        try
        {
            if (await present())
            {
                return;
            }

            if (Environment.UserName != "root")
            {
                throw new InvalidOperationException($"{purpose} need: sudo apt-get install -y {string.Join(' ', packages)}");
            }

            // Another test process may hold the package lock for a while (each test project runs in its own).
            string[] wait = ["-o", "DPkg::Lock::Timeout=300"];
            var update = _updated ? null : await ExternalTool.RunAsync("apt-get", "/", [.. wait, "update", "-qq"]);
            _updated = true;
            var install = await ExternalTool.RunAsync("apt-get", "/", new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" }, [.. wait, "install", "-y", "-qq", .. packages]);
            if (install.ExitCode != 0 || !await present())
            {
                throw new InvalidOperationException($"apt-get install {string.Join(' ', packages)} failed:\n{update?.Output}\n{install.Output}");
            }
        }
        finally
        {
            OneAtATime.Release();
        }
    }

    /// <summary>Whether <paramref name="command"/> is on the PATH.</summary>
    public static bool HasCommand(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Any(folder => File.Exists(Path.Combine(folder, command)));
}
