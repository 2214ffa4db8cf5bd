using System.IO.Compression;
using EvidenceVault.Api.Tests.Infrastructure;
using EvidenceVault.Bundles;
using EvidenceVault.Custody;
using EvidenceVault.Evidence;
using EvidenceVault.Testing;

namespace EvidenceVault.Api.Tests.Ingest;

/// <summary>
/// The fake contract and the victim's list of transfers, as an office suite wrote them, are filed as what they are:
/// their own content type on the blob and in the index, and their own extension in the lawyer's bundle, where the
/// copy opens as the document it was — not as a ZIP someone must rename. What their properties say of their making
/// is read from the stored bytes, chained into the custody log and carried into the bundle, where unzip prints the
/// same and a catalog that says otherwise is caught.
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
        var word = await vault.UploadNewItemAsync(contract, r => r.Headers.Add("X-File-Name", "%E5%90%88%E5%90%8C.zip")); // 合同.zip
        var sheet = await vault.UploadNewItemAsync(transfers, r => r.Headers.Add("X-File-Name", "transfers"));

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

    [Theory]
    [InlineData(".doc", "application/msword")]
    [InlineData(".xls", "application/vnd.ms-excel")]
    [InlineData(".ppt", "application/vnd.ms-powerpoint")]
    public async Task Office_97_documents_are_filed_as_their_own_format_and_keep_their_extension_in_the_bundle(string extension, string contentType)
    {
        using var vault = await app.CreateCaseAsync();
        var path = await SampleDocuments.WriteAsync(_folder, extension);

        var item = await vault.UploadNewItemAsync(path, r => r.Headers.Add("X-File-Name", "evidence.bin"));

        Assert.Equal((contentType, "document"), (item.ContentType, item.Kind));
        var blob = app.Container.GetBlobClient($"cases/{vault.CaseId}/items/{item.ItemId}/original");
        Assert.Equal(contentType, (await blob.GetPropertiesAsync()).Value.ContentType);
        var bag = await vault.DownloadBagAsync(_folder);
        Assert.Equal($"data/evidence/{item.ItemId}{extension}", EvidenceBundleWriter.EvidencePath(item));
        Assert.Equal(await File.ReadAllBytesAsync(path), await File.ReadAllBytesAsync(Path.Combine(bag, EvidenceBundleWriter.EvidencePath(item))));
    }

    [Fact]
    public async Task A_contract_states_its_author_times_and_program_and_the_bundle_cannot_say_otherwise()
    {
        using var vault = await app.CreateCaseAsync();

        var item = await vault.UploadNewItemAsync(await SampleDocuments.WriteAsync(_folder, ".docx"), r => r.Headers.Add("X-File-Name", "contract.docx"));

        Assert.StartsWith("LibreOffice/7.", item.Document?.Application, StringComparison.Ordinal);
        var expected = new DocumentInfo
        {
            Source = DocumentSources.OfficeOpenXml, Author = SampleDocuments.ContractAuthor, LastModifiedBy = SampleDocuments.ContractEditor,
            CreatedAt = SampleDocuments.ContractCreated + "Z", ModifiedAt = SampleDocuments.ContractModified + "Z", Application = item.Document!.Application,
        };
        Assert.Equal(expected, item.Document);
        await FileStatementAssert.IndexedAndChainedAsync(vault, item, expected, i => i.Document, DocumentDetails.From);

        // The bundle: items.csv and the report carry it, and unzip, run as the guide says, prints it from the bundle's copy.
        var bag = await vault.DownloadBagAsync(_folder);
        var html = await File.ReadAllTextAsync(Path.Combine(bag, "data", "report.html"));
        Assert.Contains(
            $"文件自述 The file says (OOXML): 作者 author {SampleDocuments.ContractAuthor} · 创建于 created 2026-10-28 09:15:00Z · 最后保存者 last saved by {SampleDocuments.ContractEditor}",
            html,
            StringComparison.Ordinal);
        var row = Assert.Single(ItemsCsvFile.Read(Path.Combine(bag, "data", "items.csv")));
        Assert.Equal(
            (expected.Author, expected.CreatedAt, expected.LastModifiedBy, expected.ModifiedAt, expected.Application),
            (row["document_author"], row["document_created_at"], row["document_last_modified_by"], row["document_modified_at"], row["document_application"]));
        var properties = await ExpertTools.RunGuideCommandAsync(bag, "unzip -p data/evidence/<item>.docx", EvidenceBundleWriter.EvidencePath(item));
        Assert.Contains($"<dc:creator>{SampleDocuments.ContractAuthor}</dc:creator>", properties, StringComparison.Ordinal);
        Assert.Contains($"<dcterms:created xsi:type=\"dcterms:W3CDTF\">{expected.CreatedAt}</dcterms:created>", properties, StringComparison.Ordinal);
        Assert.Contains($"<Application>{expected.Application}</Application>", properties, StringComparison.Ordinal);

        // Re-catalogued to say it was written a day earlier, it no longer agrees with its custody line.
        await BagForgery.AssertRecataloguingCaughtAsync(bag, "\"createdAt\": \"2026-10-28", "\"createdAt\": \"2026-10-27", "what the document says of its making");
    }

    [Theory]
    [InlineData(".docx", "unzip -p data/evidence/<item>.docx", 65001)]
    [InlineData(".doc", "exiftool -FlashPix:Author", 65001)] // as LibreOffice writes property sets
    [InlineData(".doc", "exiftool -FlashPix:Company", 936)] // as a Chinese Office does, through iconv
    [InlineData(".rtf", "exiftool -a -RTF:Author", 65001)]
    [InlineData(".pdf", "exiftool -Author", 65001)]
    public async Task A_contract_names_its_company_as_the_guides_commands_read_it_and_the_bundle_cannot_say_otherwise(string extension, string guideCommand, int codePage)
    {
        using var vault = await app.CreateCaseAsync();
        var named = await SampleDocuments.WithCompanyAsync(await SampleDocuments.WriteAsync(_folder, extension), SampleDocuments.OfficeCompany, codePage);

        var item = await vault.UploadNewItemAsync(named, r => r.Headers.Add("X-File-Name", "contract" + extension));

        Assert.Equal((SampleDocuments.ContractAuthor, SampleDocuments.OfficeCompany), (item.Document?.Author, item.Document?.Company));
        await FileStatementAssert.IndexedAndChainedAsync(vault, item, item.Document, i => i.Document, DocumentDetails.From);

        // The bundle: items.csv and the report carry it, and the guide's command prints it from the bundle's copy.
        await ExpertTools.EnsureAsync();
        var bag = await vault.DownloadBagAsync(_folder);
        Assert.Equal(SampleDocuments.OfficeCompany, Assert.Single(ItemsCsvFile.Read(Path.Combine(bag, "data", "items.csv")))["document_company"]);
        Assert.Contains($"单位 company {SampleDocuments.OfficeCompany}", await File.ReadAllTextAsync(Path.Combine(bag, "data", "report.html")), StringComparison.Ordinal);
        var said = await ExpertTools.RunGuideCommandAsync(bag, guideCommand, EvidenceBundleWriter.EvidencePath(item));
        if (extension == ".docx")
        {
            Assert.Contains($"<Company>{SampleDocuments.OfficeCompany}</Company>", said, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(SampleDocuments.OfficeCompany, ExpertTools.ExifToolFields(said).Single(field => field.Tag == "Company").Value);
        }

        // Re-catalogued to name another company, it no longer agrees with its custody line.
        await BagForgery.AssertRecataloguingCaughtAsync(bag, $"\"company\": \"{SampleDocuments.OfficeCompany}\"", "\"company\": \"某某贸易有限公司\"", "what the document says of its making");
    }

    [Fact]
    public async Task A_pdf_states_its_document_information_as_exiftool_reads_it()
    {
        using var vault = await app.CreateCaseAsync();

        var item = await vault.UploadNewItemAsync(await SampleDocuments.WriteAsync(_folder, ".pdf"), r => r.Headers.Add("X-File-Name", "contract.pdf"));

        Assert.Equal(("application/pdf", DocumentSources.Pdf, SampleDocuments.ContractAuthor, "Writer"), (item.ContentType, item.Document?.Source, item.Document?.Author, item.Document?.Application));
        await FileStatementAssert.IndexedAndChainedAsync(vault, item, item.Document, i => i.Document, DocumentDetails.From);

        // ExifTool, run as the guide says on the bundle's copy, reads the same author, program and time.
        await ExpertTools.EnsureAsync();
        var bag = await vault.DownloadBagAsync(_folder);
        var said = ExpertTools.ExifToolFields(await ExpertTools.RunGuideCommandAsync(bag, "exiftool -Author", EvidenceBundleWriter.EvidencePath(item)))
            .ToDictionary(field => field.Tag, field => field.Value);
        Assert.Equal((SampleDocuments.ContractAuthor, "Writer"), (said["Author"], said["Creator"]));
        var created = said["Create Date"]; // 2026:12:06 17:48:46Z
        Assert.Equal(item.Document!.CreatedAt, ExpertTools.IsoTime(created));

        // Re-catalogued to name another program, it no longer agrees with its custody line.
        await BagForgery.AssertRecataloguingCaughtAsync(bag, "\"application\": \"Writer\"", "\"application\": \"Wrote!\"", "what the document says of its making");
    }

    [Fact]
    public async Task A_pdf_with_xmp_metadata_alone_states_it_as_exiftool_reads_it()
    {
        using var vault = await app.CreateCaseAsync();
        var path = Path.Combine(_folder, "contract-xmp.pdf");
        await File.WriteAllBytesAsync(path, SampleDocuments.WithoutDocumentInformation(await File.ReadAllBytesAsync(await SampleDocuments.WriteAsync(_folder, ".pdf", pdfA: true))));

        var item = await vault.UploadNewItemAsync(path);

        Assert.Equal((DocumentSources.Xmp, SampleDocuments.ContractAuthor, "Writer"), (item.Document?.Source, item.Document?.Author, item.Document?.Application));
        await FileStatementAssert.IndexedAndChainedAsync(vault, item, item.Document, i => i.Document, DocumentDetails.From);
        await ExpertTools.EnsureAsync();
        var bag = await vault.DownloadBagAsync(_folder);
        var said = ExpertTools.ExifToolFields(await ExpertTools.RunGuideCommandAsync(bag, "exiftool -XMP:Creator", EvidenceBundleWriter.EvidencePath(item)))
            .ToDictionary(field => field.Tag, field => field.Value);
        Assert.Equal((item.Document!.Author, item.Document.Application), (said["Creator"], said["Creator Tool"]));

    }

    [Fact]
    public async Task A_word_97_contract_states_its_summary_information_as_exiftool_reads_it()
    {
        using var vault = await app.CreateCaseAsync();

        var item = await vault.UploadNewItemAsync(await SampleDocuments.WriteAsync(_folder, ".doc"), r => r.Headers.Add("X-File-Name", "contract.doc"));

        var expected = new DocumentInfo
        {
            Source = DocumentSources.CompoundFile, Author = SampleDocuments.ContractAuthor, LastModifiedBy = SampleDocuments.ContractEditor,
            CreatedAt = SampleDocuments.ContractCreated + "Z", ModifiedAt = SampleDocuments.ContractModified + "Z",
        };
        Assert.Equal(("application/msword", expected), (item.ContentType, item.Document));
        await FileStatementAssert.IndexedAndChainedAsync(vault, item, expected, i => i.Document, DocumentDetails.From);

        // ExifTool, run as the guide says on the bundle's copy, reads the same names and times.
        await ExpertTools.EnsureAsync();
        var bag = await vault.DownloadBagAsync(_folder);
        var said = ExpertTools.ExifToolFields(await ExpertTools.RunGuideCommandAsync(bag, "exiftool -FlashPix:Author", EvidenceBundleWriter.EvidencePath(item)))
            .ToDictionary(field => field.Tag, field => field.Value);
        Assert.Equal((expected.Author, expected.LastModifiedBy), (said["Author"], said["Last Modified By"]));
        Assert.Equal(("2026:10:28 09:15:00", "2026:11:01 16:42:07"), (said["Create Date"], said["Modify Date"]));
        var row = Assert.Single(ItemsCsvFile.Read(Path.Combine(bag, "data", "items.csv")));
        Assert.Equal((expected.Author, expected.ModifiedAt), (row["document_author"], row["document_modified_at"]));

        // Re-catalogued to name another editor, it no longer agrees with its custody line.
        await BagForgery.AssertRecataloguingCaughtAsync(bag, "\"lastModifiedBy\": \"客服小李\"", "\"lastModifiedBy\": \"客服小王\"", "what the document says of its making");
    }

    [Fact]
    public async Task A_rich_text_contract_states_its_info_group_as_exiftool_reads_it()
    {
        using var vault = await app.CreateCaseAsync();

        var item = await vault.UploadNewItemAsync(await SampleDocuments.WriteAsync(_folder, ".rtf"), r => r.Headers.Add("X-File-Name", "contract.txt"));

        Assert.Equal(("application/rtf", "document", DocumentSources.Rtf, SampleDocuments.ContractAuthor), (item.ContentType, item.Kind, item.Document?.Source, item.Document?.Author));
        await FileStatementAssert.IndexedAndChainedAsync(vault, item, item.Document, i => i.Document, DocumentDetails.From);

        // The bundle keeps it as .rtf, and ExifTool, run as the guide says on the bundle's copy, reads the same author and times.
        await ExpertTools.EnsureAsync();
        var bag = await vault.DownloadBagAsync(_folder);
        Assert.EndsWith(".rtf", EvidenceBundleWriter.EvidencePath(item), StringComparison.Ordinal);
        var said = ExpertTools.ExifToolFields(await ExpertTools.RunGuideCommandAsync(bag, "exiftool -a -RTF:Author", EvidenceBundleWriter.EvidencePath(item)))
            .ToLookup(field => field.Tag, field => field.Value);
        Assert.Equal([item.Document!.Author, SampleDocuments.ContractEditor], said["Author"]); // LibreOffice's second \author is who saved it last
        Assert.Equal((item.Document.CreatedAt, item.Document.ModifiedAt), (ExpertTools.IsoTime(said["Create Date"].Single()), ExpertTools.IsoTime(said["Modify Date"].Single())));
    }

    [Fact]
    public async Task Evidence_that_is_no_office_document_states_no_properties()
    {
        using var vault = await app.CreateCaseAsync();

        await FileStatementAssert.NoneAsync(vault, "screenshot-refund-page.png", i => i.Document, DocumentDetails.From);
    }
}
