using System.IO.Compression;
using System.Net;
using EvidenceVault.Api.Tests.Infrastructure;
using EvidenceVault.Bundles;
using EvidenceVault.Evidence;
using EvidenceVault.Serialization;
using EvidenceVault.Testing;

namespace EvidenceVault.Api.Tests.Ingest;

/// <summary>
/// The fake contract and the victim's list of transfers, as an office suite wrote them, are filed as what they are:
/// their own content type on the blob and in the index, and their own extension in the lawyer's bundle, where the
/// copy opens as the document it was — not as a ZIP someone must rename.
/// </summary>
[Collection(VaultOnAzurite.Name)]
public sealed class DocumentTests(VaultApp app) : IClassFixture<VaultApp>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ev-documents-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Office_documents_are_filed_as_their_own_format_and_keep_their_extension_in_the_bundle()
    {
        using var vault = await app.CreateCaseAsync();
        var contract = await SampleDocuments.WriteAsync(_folder, ".docx");
        var transfers = await SampleDocuments.WriteAsync(_folder, ".ods");

        // A phone's share sheet may send either under any name: the bytes decide.
        var word = await UploadAsync(vault, contract, "%E5%90%88%E5%90%8C.zip"); // 合同.zip
        var sheet = await UploadAsync(vault, transfers, "transfers");

        Assert.Equal(("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "document"), (word.ContentType, word.Kind));
        Assert.Equal(("application/vnd.oasis.opendocument.spreadsheet", "document"), (sheet.ContentType, sheet.Kind));
        var blob = app.Container.GetBlobClient($"cases/{vault.CaseId}/items/{word.ItemId}/original");
        Assert.Equal(word.ContentType, (await blob.GetPropertiesAsync()).Value.ContentType);

        var bag = await vault.DownloadBagAsync(_folder);
        Assert.Equal($"data/evidence/{word.ItemId}.docx", EvidenceBundleWriter.EvidencePath(word));
        Assert.Equal($"data/evidence/{sheet.ItemId}.ods", EvidenceBundleWriter.EvidencePath(sheet));
        Assert.Equal(await File.ReadAllBytesAsync(contract), await File.ReadAllBytesAsync(Path.Combine(bag, EvidenceBundleWriter.EvidencePath(word))));
        using var copy = ZipFile.OpenRead(Path.Combine(bag, EvidenceBundleWriter.EvidencePath(word)));
        using var text = new StreamReader(copy.GetEntry("word/document.xml")!.Open());
        Assert.Contains(SampleDocuments.ContractParty, await text.ReadToEndAsync(), StringComparison.Ordinal);
    }

    private static async Task<EvidenceItemRecord> UploadAsync(TestCase vault, string path, string fileName)
    {
        using var response = await vault.UploadAsync(new StreamContent(File.OpenRead(path)), r => r.Headers.Add("X-File-Name", fileName));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<EvidenceItemRecord>(VaultJson.Compact))!;
    }
}
