using EvidenceVault.Testing;
using Microsoft.Playwright;

namespace EvidenceVault.Api.Tests.WebPages;

/// <summary>
/// Playwright driving Debian's <c>chromium</c> headless (no browser download is possible here). When Chromium or the
/// CJK font is missing and the tests run as root, they are installed with apt-get; otherwise the fixture fails
/// saying which command to run.
/// </summary>
public sealed class DebianChromium : IAsyncLifetime
{
    public const string Executable = "/usr/bin/chromium";
    private static readonly string[] Packages = ["chromium", "fonts-wqy-microhei"];

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await EnsureInstalledAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Executable,
            Headless = true,
            // No sandbox as root in a container; no background traffic, so "no third-party requests" is the page's doing;
            // a test pattern and tone stand in for the phone's camera and microphone.
            Args =
            [
                "--no-sandbox", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            ],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
    }

    private static async Task<bool> HasChineseFontAsync()
    {
        try
        {
            var fonts = await ExternalTool.RunAsync("fc-list", "/", ":lang=zh", "family");
            return fonts.ExitCode == 0 && fonts.Output.Contains("WenQuanYi", StringComparison.OrdinalIgnoreCase);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no fontconfig at all
        }
    }

    private static Task EnsureInstalledAsync() =>
        DebianPackages.EnsureAsync(Packages, "The browser tests", async () => File.Exists(Executable) && await HasChineseFontAsync());
}
