using System.Text;
using EvidenceVault.Evidence;
using EvidenceVault.Testing;

namespace EvidenceVault.Core.Tests.Evidence;

/// <summary>What office documents LibreOffice wrote say of their making, and what a reader must not be led into.</summary>
public sealed class DocumentInfoReaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ev-document-info-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(".docx", DocumentSources.OfficeOpenXml, "Z")] // Office Open XML keeps times in UTC; LibreOffice marks the zone-less time so
    [InlineData(".odt", DocumentSources.OpenDocument, "")] // OpenDocument keeps the writer's clock without a zone
    public async Task A_contract_states_its_author_editor_times_and_program(string extension, string source, string zone)
    {
        var info = await ReadAsync(await SampleDocuments.WriteAsync(_folder, extension));

        Assert.NotNull(info);
        Assert.Equal(
            (source, SampleDocuments.ContractAuthor, SampleDocuments.ContractEditor, SampleDocuments.ContractCreated + zone, SampleDocuments.ContractModified + zone),
            (info.Source, info.Author, info.LastModifiedBy, info.CreatedAt, info.ModifiedAt));
        Assert.StartsWith("LibreOffice/7.", info.Application, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(".xlsx", DocumentSources.OfficeOpenXml)]
    [InlineData(".pptx", DocumentSources.OfficeOpenXml)]
    [InlineData(".ods", DocumentSources.OpenDocument)]
    [InlineData(".odp", DocumentSources.OpenDocument)]
    public async Task A_document_without_author_or_times_states_only_its_program(string extension, string source)
    {
        var info = await ReadAsync(await SampleDocuments.WriteAsync(_folder, extension));

        Assert.Equal((source, null, null, null, null), (info?.Source, info?.Author, info?.LastModifiedBy, info?.CreatedAt, info?.ModifiedAt));
        Assert.StartsWith("LibreOffice/", info!.Application, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Core_properties_are_found_where_the_package_relationships_point()
    {
        var written = await SampleDocuments.WriteAsync(_folder, ".docx");
        var moved = SampleDocuments.Repack(written, Path.Combine(_folder, "moved.docx"), (name, content) => name switch
        {
            "docProps/core.xml" => ("meta/properties.xml", content),
            "_rels/.rels" => (name, SampleDocuments.ReplaceText(content, "docProps/core.xml", "/meta/properties.xml")),
            "[Content_Types].xml" => (name, SampleDocuments.ReplaceText(content, "/docProps/core.xml", "/meta/properties.xml")),
            _ => (name, content),
        });

        Assert.Equal(SampleDocuments.ContractAuthor, (await ReadAsync(moved))?.Author);
        Assert.Equal(SampleDocuments.ContractAuthor, (await ReadAsync(written))?.Author);
    }

    [Fact]
    public async Task A_document_type_declaration_is_refused_and_no_entity_is_resolved()
    {
        var secret = Path.Combine(_folder, "secret.txt");
        await File.WriteAllTextAsync(secret, "the server's own file");
        var written = await SampleDocuments.WriteAsync(_folder, ".docx");
        var hostile = SampleDocuments.Repack(written, Path.Combine(_folder, "hostile.docx"), (name, content) => name == "docProps/core.xml"
            ? (name, SampleDocuments.ReplaceText(
                SampleDocuments.ReplaceText(content, "<cp:coreProperties", $"<!DOCTYPE cp:coreProperties [<!ENTITY e SYSTEM \"file://{secret}\">]><cp:coreProperties"),
                SampleDocuments.ContractAuthor,
                "&e;"))
            : (name, content));

        Assert.Null(await ReadAsync(hostile));
    }

    [Fact]
    public async Task Text_too_long_to_be_a_name_and_a_time_that_is_no_time_are_not_stated()
    {
        var written = await SampleDocuments.WriteAsync(_folder, ".odt");
        var odd = SampleDocuments.Repack(written, Path.Combine(_folder, "odd.odt"), (name, content) => name == "meta.xml"
            ? (name, SampleDocuments.ReplaceText(SampleDocuments.ReplaceText(content, SampleDocuments.ContractAuthor, new string('王', 129)), SampleDocuments.ContractCreated, "last Tuesday"))
            : (name, content));

        var info = await ReadAsync(odd);

        Assert.Equal((null, null, SampleDocuments.ContractEditor), (info?.Author, info?.CreatedAt, info?.LastModifiedBy));
    }

    [Fact]
    public async Task A_password_protected_document_states_nothing_and_does_not_fail_the_upload()
    {
        await DebianPackages.EnsureAsync(["zip"], "Writing a password-protected package", () => Task.FromResult(DebianPackages.HasCommand("zip")));
        var parts = Directory.CreateDirectory(Path.Combine(_folder, "parts")).FullName;
        System.IO.Compression.ZipFile.ExtractToDirectory(await SampleDocuments.WriteAsync(_folder, ".docx"), parts);
        var locked = Path.Combine(_folder, "locked.docx");
        var zipped = await ExternalTool.RunAsync("zip", parts, "-q", "-r", "-P", "合同密码", locked, ".");
        Assert.True(zipped.ExitCode == 0, zipped.Output);

        Assert.Null(await ReadAsync(locked));
    }

    [Theory]
    [InlineData(14, 0)] // LZMA, which .NET does not read
    [InlineData(99, 1)] // WinZip AES
    public async Task A_properties_part_that_cannot_be_opened_is_passed_over_without_failing_the_upload(ushort method, ushort encrypted)
    {
        var written = await SampleDocuments.WriteAsync(_folder, ".docx");
        var bytes = await File.ReadAllBytesAsync(SampleDocuments.Repack(written, Path.Combine(_folder, "locked.docx"), (name, content) => (name, content)));
        var name = Encoding.ASCII.GetBytes("docProps/core.xml");
        foreach (var (signature, nameAt, flagsAt) in new[] { (new byte[] { 0x50, 0x4B, 0x03, 0x04 }, 30, 6), (new byte[] { 0x50, 0x4B, 0x01, 0x02 }, 46, 8) })
        {
            // The part's local header and its central directory entry both say how it is stored.
            for (var at = bytes.AsSpan().IndexOf(signature); at >= 0; at = NextIndex(bytes, signature, at))
            {
                if (bytes.AsSpan(at + nameAt).StartsWith(name))
                {
                    System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at + flagsAt), encrypted);
                    System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at + flagsAt + 2), method);
                }
            }
        }

        var locked = Path.Combine(_folder, "locked.docx");
        await File.WriteAllBytesAsync(locked, bytes);

        var info = await ReadAsync(locked);

        Assert.Null(info?.Author);

        static int NextIndex(byte[] bytes, byte[] signature, int at)
        {
            var next = bytes.AsSpan(at + 1).IndexOf(signature);
            return next < 0 ? -1 : at + 1 + next;
        }
    }

    [Fact]
    public async Task A_zip_that_is_no_office_document_and_other_formats_state_nothing()
    {
        var notes = Path.Combine(_folder, "notes.zip");
        using (var archive = new System.IO.Compression.ZipArchive(File.Create(notes), System.IO.Compression.ZipArchiveMode.Create))
        using (var entry = new StreamWriter(archive.CreateEntry("notes.txt").Open(), Encoding.UTF8))
        {
            await entry.WriteAsync("not a document");
        }

        var office = EvidenceFormatDetector.Detect(await File.ReadAllBytesAsync(await SampleDocuments.WriteAsync(_folder, ".docx")))!;
        await using var zip = File.OpenRead(notes);
        Assert.Null(await DocumentInfoReader.ReadAsync(zip, office)); // no properties: nothing stated
        await using var png = File.OpenRead(SampleEvidence.PathOf("screenshot-refund-page.png"));
        Assert.Null(await DocumentInfoReader.ReadAsync(png, EvidenceFormatDetector.Detect(await File.ReadAllBytesAsync(SampleEvidence.PathOf("screenshot-refund-page.png")))!));
    }

    [Theory]
    [InlineData(".doc")]
    [InlineData(".ppt")] // LibreOffice keeps the slide's picture in the summary stream: past 4 KiB, so out of the mini stream
    public async Task An_office_97_document_states_its_summary_information(string extension)
    {
        var path = await SampleDocuments.WriteAsync(_folder, extension, slidesWithProperties: true);
        var file = await File.ReadAllBytesAsync(path);
        Assert.Equal(extension == ".ppt", SummaryEntrySize(file) >= 4096);

        var info = await ReadAsync(path);

        // Times are UTC in the file (FILETIME); LibreOffice takes the zone-less times as UTC. It names no program.
        Assert.Equal(
            new DocumentInfo
            {
                Source = DocumentSources.CompoundFile, Author = SampleDocuments.ContractAuthor, LastModifiedBy = SampleDocuments.ContractEditor,
                CreatedAt = SampleDocuments.ContractCreated + "Z", ModifiedAt = SampleDocuments.ContractModified + "Z",
            },
            info);
    }

    [Theory]
    [InlineData(".docx", DocumentSources.OfficeOpenXml, 0)]
    [InlineData(".xlsx", DocumentSources.OfficeOpenXml, 0)]
    [InlineData(".doc", DocumentSources.CompoundFile, 936)] // as a Chinese Office writes its property sets
    [InlineData(".xls", DocumentSources.CompoundFile, 65001)] // as LibreOffice writes them
    [InlineData(".rtf", DocumentSources.Rtf, 0)]
    [InlineData(".pdf", DocumentSources.Pdf, 0)] // as Acrobat's PDFMaker copies it from the Office document
    public async Task A_document_names_the_company_its_office_program_was_registered_to(string extension, string source, int codePage)
    {
        var written = await SampleDocuments.WriteAsync(_folder, extension);
        var without = await ReadAsync(written);

        var info = await ReadAsync(await SampleDocuments.WithCompanyAsync(written, SampleDocuments.OfficeCompany, codePage == 0 ? 65001 : codePage));

        // LibreOffice names no company; the copy that names one states it, and everything else as before.
        Assert.Null(without?.Company);
        Assert.Equal(new DocumentInfo { Source = source, Company = SampleDocuments.OfficeCompany }, info! with { Author = null, LastModifiedBy = null, CreatedAt = null, ModifiedAt = null, Application = null });
        Assert.Equal(without ?? new DocumentInfo { Source = source }, info with { Company = null });
    }

    [Fact]
    public async Task A_company_written_as_word_writes_characters_past_u7fff_is_read_as_written()
    {
        // RTF's \uN is a signed 16-bit number: Word writes 限 (U+9650) as \u-27056, LibreOffice as \u38480.
        var named = await SampleDocuments.WithCompanyAsync(await SampleDocuments.WriteAsync(_folder, ".rtf"), SampleDocuments.OfficeCompany);
        var rtf = await File.ReadAllTextAsync(named, Encoding.Latin1);
        var path = Path.Combine(_folder, "word.rtf");
        await File.WriteAllTextAsync(path, rtf.Replace("\\u38480\\'3f", "\\u-27056?", StringComparison.Ordinal), Encoding.Latin1);

        Assert.Contains("\\u-27056?", await File.ReadAllTextAsync(path, Encoding.Latin1), StringComparison.Ordinal);
        Assert.Equal(SampleDocuments.OfficeCompany, (await ReadAsync(path))?.Company);
    }

    [Fact]
    public async Task A_damaged_document_summary_costs_the_company_not_the_summary()
    {
        var company = await SampleDocuments.WithCompanyAsync(await SampleDocuments.WriteAsync(_folder, ".doc"), SampleDocuments.OfficeCompany);
        var named = await File.ReadAllBytesAsync(company);
        var section = named.AsSpan().IndexOf(SampleDocuments.DocumentSummarySet.ToByteArray()) + 20;
        var damaged = (byte[])named.Clone();
        BitConverter.TryWriteBytes(damaged.AsSpan(section + 4), uint.MaxValue); // claims more properties than the set holds
        var path = Path.Combine(_folder, "damaged.doc");
        await File.WriteAllBytesAsync(path, damaged);

        var info = await ReadAsync(path);

        Assert.Equal((SampleDocuments.ContractAuthor, (string?)null), (info?.Author, info?.Company));
        Assert.Equal(SampleDocuments.OfficeCompany, (await ReadAsync(company))?.Company);
    }

    [Fact]
    public async Task A_rich_text_contract_states_its_info_group_and_generator()
    {
        var info = await ReadAsync(await SampleDocuments.WriteAsync(_folder, ".rtf"));

        // RTF keeps the writer's clock without a zone, to the minute unless it writes seconds. LibreOffice writes who
        // saved it last as a second \author rather than \operator: that is not taken for the last editor.
        Assert.NotNull(info);
        Assert.Equal(
            (DocumentSources.Rtf, SampleDocuments.ContractAuthor, (string?)null, SampleDocuments.ContractCreated, SampleDocuments.ContractModified[..^2] + "00"),
            (info.Source, info.Author, info.LastModifiedBy, info.CreatedAt, info.ModifiedAt));
        Assert.StartsWith("LibreOffice/7.", info.Application, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rich_text_document_in_a_chinese_code_page_is_read_in_it()
    {
        // As WordPad and Chinese Word write it: code page 936 (GBK) bytes as \'hh, the last editor in \operator, seconds.
        static string Hex(string text) => string.Concat(CodePagesEncodingProvider.Instance.GetEncoding(936)!.GetBytes(text).Select(b => $"\\'{b:x2}"));
        var path = Path.Combine(_folder, "合同.rtf");
        await File.WriteAllTextAsync(path, $$$"""
            {\rtf1\ansi\ansicpg936\deff0{\fonttbl{\f0\fnil\fcharset134 \'cb\'ce\'cc\'e5;}}{\*\generator Riched20 10.0.19041}
            {\info{\author {{{Hex(SampleDocuments.ContractAuthor)}}}}{\operator {{{Hex(SampleDocuments.ContractEditor)}}}}{\creatim\yr2026\mo10\dy28\hr9\min15\sec3}{\revtim\yr2026\mo11\dy1\hr16\min42\sec7}}
            \viewkind4\uc1\pard\f0\fs22 {{{Hex(SampleDocuments.ContractParty)}}}\par
            }
            """, Encoding.ASCII);

        var info = await ReadAsync(path);

        Assert.Equal(
            new DocumentInfo
            {
                Source = DocumentSources.Rtf, Author = SampleDocuments.ContractAuthor, LastModifiedBy = SampleDocuments.ContractEditor,
                CreatedAt = "2026-10-28T09:15:03", ModifiedAt = SampleDocuments.ContractModified, Application = "Riched20 10.0.19041",
            },
            info);
    }

    [Theory]
    [InlineData("{\\rtf1\\ansi{\\info{\\author 王")] // a group that never closes
    [InlineData("{\\rtf1\\ansi{\\info{\\creatim\\yr2026\\mo13\\dy40}{\\revtim\\yr99999999999}}}")] // no month 13, a year too long to be one
    public async Task A_rich_text_document_whose_info_is_broken_states_nothing(string rtf)
    {
        var path = Path.Combine(_folder, "broken.rtf");
        await File.WriteAllTextAsync(path, rtf);

        Assert.Null(await ReadAsync(path));
    }

    [Fact]
    public async Task A_presentation_whose_allocation_table_runs_past_the_header_states_its_summary()
    {
        // 10 MB of slides: more allocation table sectors than the header's 109, the rest listed in DIFAT sectors, and
        // the directory and summary at the end, where only those sectors say which sector follows which.
        var path = await SampleDocuments.WriteAsync(_folder, ".ppt", slidesWithProperties: true, slidesWithLargePhoto: true);
        var header = new byte[512];
        await using (var file = File.OpenRead(path))
        {
            await file.ReadExactlyAsync(header);
        }

        Assert.True(BitConverter.ToUInt32(header, 0x2C) > 109, "allocation table sectors");
        Assert.True(BitConverter.ToUInt32(header, 0x48) >= 1, "DIFAT sectors");

        var info = await ReadAsync(path);

        Assert.Equal(
            (SampleDocuments.ContractAuthor, SampleDocuments.ContractEditor, SampleDocuments.ContractCreated + "Z", SampleDocuments.ContractModified + "Z"),
            (info?.Author, info?.LastModifiedBy, info?.CreatedAt, info?.ModifiedAt));
    }

    [Fact]
    public async Task A_word_97_document_from_a_chinese_office_program_is_read_in_its_code_page()
    {
        var file = await File.ReadAllBytesAsync(await SampleDocuments.WriteAsync(_folder, ".doc"));

        var chinese = SampleDocuments.InChineseCodePage(file);

        var path = Path.Combine(_folder, "gbk.doc");
        await File.WriteAllBytesAsync(path, chinese);
        var info = await ReadAsync(path);

        Assert.Equal((SampleDocuments.ContractAuthor, SampleDocuments.ContractEditor), (info?.Author, info?.LastModifiedBy));
        Assert.NotEqual(file, chinese);
    }

    [Fact]
    public async Task A_compound_file_that_states_nothing_or_claims_too_much_states_nothing()
    {
        // LibreOffice's spreadsheet from a CSV: a summary with no names and zero times.
        Assert.Null(await ReadAsync(await SampleDocuments.WriteAsync(_folder, ".xls")));

        var file = await File.ReadAllBytesAsync(await SampleDocuments.WriteAsync(_folder, ".doc"));
        var entry = SummaryEntry(file);
        var huge = (byte[])file.Clone();
        BitConverter.TryWriteBytes(huge.AsSpan(entry + 120), 0x7FFFFFFF); // a 2 GiB summary: not read
        var lost = (byte[])file.Clone();
        BitConverter.TryWriteBytes(lost.AsSpan(entry + 116), 0x00FFFFFF); // a start far outside the mini stream
        var sprawling = (byte[])file.Clone();
        BitConverter.TryWriteBytes(sprawling.AsSpan(0x2C), 0x00FFFFFF); // more allocation table than a 9 KiB file can have
        foreach (var (name, bytes) in new[] { ("huge.doc", huge), ("lost.doc", lost), ("sprawling.doc", sprawling) })
        {
            var path = Path.Combine(_folder, name);
            await File.WriteAllBytesAsync(path, bytes);
            Assert.Null(await ReadAsync(path));
        }
    }

    /// <summary>The statement of the file at <paramref name="path"/>, read as the vault reads it: format from its bytes and name, then the reader.</summary>
    internal static Task<DocumentInfo?> ReadAsync(string path) => EvidenceFiles.ReadAsync(path, DocumentInfoReader.ReadAsync);

    /// <summary>Where the summary information's directory entry is (searched in the directory's first 4 KiB, where LibreOffice writes it).</summary>
    private static int SummaryEntry(byte[] file)
    {
        var directory = CompoundFileEdits.DirectoryOffset(file);
        var at = file.AsSpan(directory, Math.Min(4096, file.Length - directory)).IndexOf(Encoding.Unicode.GetBytes("\u0005SummaryInformation"));
        return at >= 0 && at % 128 == 0 ? directory + at : throw new InvalidDataException("No summary information entry at the directory's start.");
    }

    private static uint SummaryEntrySize(byte[] file) => BitConverter.ToUInt32(file, SummaryEntry(file) + 120);
}
