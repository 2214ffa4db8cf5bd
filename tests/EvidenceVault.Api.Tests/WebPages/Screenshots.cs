using EvidenceVault.Testing;
using Microsoft.Playwright;

namespace EvidenceVault.Api.Tests.WebPages;

/// <summary>
/// Screenshots of what the browser tests see: written to <c>screenshots/</c> beside the test assembly on every run,
/// and into <c>docs/screenshots/</c> when the tests run with <c>EVIDENCEVAULT_UPDATE_SCREENSHOTS=1</c>.
/// </summary>
internal static class Screenshots
{
    public static async Task SnapAsync(IPage page, string name, bool forDocs = true)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".jpg");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true, Type = ScreenshotType.Jpeg, Quality = 70 });
        if (forDocs && Environment.GetEnvironmentVariable("EVIDENCEVAULT_UPDATE_SCREENSHOTS") == "1")
        {
            var docs = Path.Combine(SampleEvidence.RepositoryRoot, "docs", "screenshots");
            Directory.CreateDirectory(docs);
            File.Copy(path, Path.Combine(docs, name + ".jpg"), overwrite: true);
        }
    }
}
