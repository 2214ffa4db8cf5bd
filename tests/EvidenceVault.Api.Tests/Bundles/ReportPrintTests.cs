using System.Globalization;
using System.Text.Json;
using EvidenceVault.Api.Tests.Infrastructure;
using EvidenceVault.Api.Tests.WebPages;
using EvidenceVault.Bundles;
using EvidenceVault.Evidence;
using EvidenceVault.Serialization;
using EvidenceVault.Testing;
using Microsoft.Playwright;

namespace EvidenceVault.Api.Tests.Bundles;

/// <summary>
/// A lawyer prints the bundle's <c>report.html</c> for the court file: Chromium prints it as a browser's print dialog
/// does (the page's own paper size), and poppler's <c>pdftotext</c> reads each printed page back (apt-get installs
/// <c>poppler-utils</c> when missing).
/// </summary>
[Collection(VaultOnAzurite.Name)]
public sealed class ReportPrintTests(VaultApp app, DebianChromium chromium) : IClassFixture<VaultApp>, IClassFixture<DebianChromium>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ev-report-print-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Printed_the_report_keeps_each_item_whole_on_a_page_under_the_tables_headings_and_marks_every_page_with_the_case_and_its_number()
    {
        await DebianPackages.EnsureAsync(["poppler-utils"], "Reading the printed report", () => Task.FromResult(DebianPackages.HasCommand("pdftotext")));
        using var vault = await app.CreateCaseAsync();
        foreach (var (file, _, _) in SampleEvidence.Accepted)
        {
            await vault.UploadItemAsync(file);
        }

        var bag = await vault.DownloadBagAsync(_folder);
        var catalog = JsonSerializer.Deserialize<BundleCatalog>(await File.ReadAllTextAsync(Path.Combine(bag, BagVerifier.CatalogPath)), VaultJson.Compact)!;
        var pdf = Path.Combine(_folder, "report.pdf");
        var page = await chromium.Browser.NewPageAsync();
        await page.GotoAsync(new Uri(Path.Combine(bag, "data", "report.html")).AbsoluteUri);
        await page.PdfAsync(new PagePdfOptions { Path = pdf, PreferCSSPageSize = true, PrintBackground = true });
        await page.CloseAsync();

        var info = await ExternalTool.RunAsync("pdfinfo", _folder, pdf);
        Assert.Contains("(A4)", info.Output, StringComparison.Ordinal);
        var size = info.Output.Split('\n').Single(line => line.StartsWith("Page size:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(double.Parse(size[2], CultureInfo.InvariantCulture) > double.Parse(size[4], CultureInfo.InvariantCulture), "landscape: " + info.Output);
        var count = int.Parse(info.Output.Split('\n').Single(line => line.StartsWith("Pages:", StringComparison.Ordinal))["Pages:".Length..], CultureInfo.InvariantCulture);
        Assert.True(count >= 3, $"{catalog.Items.Count} items on {count} pages");

        var pages = new List<string>();
        for (var number = 1; number <= count; number++)
        {
            var text = Path.Combine(_folder, $"page-{number}.txt");
            var read = await ExternalTool.RunAsync("pdftotext", _folder, "-f", $"{number}", "-l", $"{number}", pdf, text);
            Assert.True(read.ExitCode == 0, read.Output);
            // Cells wrap a long value over lines; without white space a value reads as one word wherever it wrapped.
            pages.Add(string.Concat((await File.ReadAllTextAsync(text)).Where(c => !char.IsWhiteSpace(c))));
        }

        foreach (var (text, number) in pages.Select((text, index) => (text, index + 1)))
        {
            Assert.Contains($"证据报告Evidencereport·案件Case{vault.CaseId}·导出Exported{VaultJson.FormatUtc(catalog.ExportedAt)}(UTC)", text, StringComparison.Ordinal);
            Assert.Contains($"第{number}页，共{count}页·Page{number}of{count}", text, StringComparison.Ordinal);
        }

        foreach (var item in catalog.Items)
        {
            var on = pages.Select((text, index) => (text, index)).Where(p => p.text.Contains(item.Sha256, StringComparison.Ordinal)).ToList();
            var (text, index) = Assert.Single(on); // the whole row on one page, its SHA-256 not cut by a page break
            Assert.True(text.Contains("证据Item", StringComparison.Ordinal) && text.Contains("预览Preview", StringComparison.Ordinal), $"page {index + 1} has rows without the table's headings");
        }
    }
}
