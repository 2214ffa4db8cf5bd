using System.Text;

namespace EvidenceVault.Testing;

/// <summary>
/// Office documents a scam leaves behind — the fake investment contract, the victim's list of transfers, the
/// "guaranteed returns" slides — written by a real office suite: LibreOffice, headless, converting a small source of
/// each to Office Open XML (<c>.docx</c>, <c>.xlsx</c>, <c>.pptx</c>) or OpenDocument (<c>.odt</c>, <c>.ods</c>,
/// <c>.odp</c>). Installs LibreOffice's headless packages with apt-get when missing (see <see cref="DebianPackages"/>).
/// </summary>
public static class SampleDocuments
{
    /// <summary>The company the contract names, one run of the document's text.</summary>
    public const string ContractParty = "某某资产管理有限公司";

    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    /// <summary>The document as <paramref name="extension"/> (e.g. <c>.docx</c>), written to <paramref name="folder"/>.</summary>
    public static async Task<string> WriteAsync(string folder, string extension)
    {
        var (sourceName, source) = extension switch
        {
            ".docx" or ".odt" => ("contract.txt", $"投资协议 Investment agreement\n甲方: {ContractParty}\n乙方: 投资人\n年化收益 30%，保本保息。\n"),
            ".xlsx" or ".ods" => ("transfers.csv", "日期,金额,收款人\n2026-11-01,50000,某某资产管理有限公司\n2026-11-03,120000,某某资产管理有限公司\n"),
            ".pptx" or ".odp" => ("plan.fodp", Presentation("保本高收益 Guaranteed 30% returns")),
            _ => throw new ArgumentOutOfRangeException(nameof(extension), extension, "An office document: .docx, .xlsx, .pptx, .odt, .ods or .odp."),
        };
        await DebianPackages.EnsureAsync(
            ["libreoffice-writer-nogui", "libreoffice-calc-nogui", "libreoffice-impress-nogui"],
            "Writing office documents as an office suite does",
            () => Task.FromResult(DebianPackages.HasCommand("soffice") && new[] { "libswlo.so", "libsclo.so", "libslideshowlo.so" }.All(library => File.Exists("/usr/lib/libreoffice/program/" + library))));

        var work = Directory.CreateTempSubdirectory("ev-office-").FullName;
        await OneAtATime.WaitAsync();
        try
        {
            var input = Path.Combine(work, sourceName);
            await File.WriteAllTextAsync(input, source, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));

            // Its own profile, so that test processes converting at the same time do not share one.
            var converted = await ExternalTool.RunAsync(
                "soffice", work, "-env:UserInstallation=file://" + Path.Combine(work, "profile"), "--headless", "--convert-to", extension.TrimStart('.'), "--outdir", work, input);
            var written = Path.ChangeExtension(input, extension);
            if (converted.ExitCode != 0 || !File.Exists(written))
            {
                throw new InvalidOperationException("LibreOffice did not write the document:\n" + converted.Output);
            }

            var path = Path.Combine(folder, Path.GetFileName(written));
            File.Copy(written, path, overwrite: true);
            return path;
        }
        finally
        {
            OneAtATime.Release();
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>A one-slide presentation in OpenDocument's flat XML, which LibreOffice Impress reads.</summary>
    private static string Presentation(string text) => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
            xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
            office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.presentation">
          <office:body><office:presentation><draw:page draw:name="1">
            <draw:frame svg:x="2cm" svg:y="2cm" svg:width="20cm" svg:height="3cm"><draw:text-box><text:p>{text}</text:p></draw:text-box></draw:frame>
          </draw:page></office:presentation></office:body>
        </office:document>
        """;
}
