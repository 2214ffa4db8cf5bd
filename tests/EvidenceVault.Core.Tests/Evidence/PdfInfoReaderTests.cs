using EvidenceVault.Evidence;
using EvidenceVault.Testing;

namespace EvidenceVault.Core.Tests.Evidence;

/// <summary>
/// What a PDF's document information says — found the way PDF readers find it, through classic cross-reference tables
/// and through cross-reference and object streams — for PDFs a browser, an office suite and qpdf wrote.
/// </summary>
public sealed class PdfInfoReaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ev-pdf-info-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_page_a_browser_saved_as_pdf_states_the_browser_and_when()
    {
        var info = await ReadAsync(SampleEvidence.PathOf("page-snapshot-refund.pdf"));

        Assert.Equal(
            (DocumentSources.Pdf, null, null, "2026-11-23T22:39:32+00:00", "2026-11-23T22:39:32+00:00"),
            (info?.Source, info?.Author, info?.LastModifiedBy, info?.CreatedAt, info?.ModifiedAt));
        Assert.Equal("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36", info?.Application); // /Creator, its \( \) escapes read
    }

    [Fact]
    public async Task A_contract_exported_to_pdf_states_its_author_in_utf16_and_the_program_whichever_cross_references_it_has()
    {
        var exported = await SampleDocuments.WriteAsync(_folder, ".pdf");
        await DebianPackages.EnsureAsync(["qpdf"], "Rewriting a PDF with object streams", () => Task.FromResult(DebianPackages.HasCommand("qpdf")));
        var streams = Path.Combine(_folder, "object-streams.pdf");
        var rewritten = await ExternalTool.RunAsync("qpdf", _folder, "--object-streams=generate", "--compress-streams=y", exported, streams);
        Assert.True(rewritten.ExitCode == 0, rewritten.Output);
        Assert.Contains("/ObjStm", await File.ReadAllTextAsync(streams, System.Text.Encoding.Latin1), StringComparison.Ordinal); // and a cross-reference stream

        var info = await ReadAsync(exported);

        Assert.Equal((DocumentSources.Pdf, SampleDocuments.ContractAuthor, "Writer"), (info?.Source, info?.Author, info?.Application));
        Assert.Matches(@"^20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ$", info?.CreatedAt); // LibreOffice dates the export, in UTC
        Assert.Equal(info, await ReadAsync(streams));
    }

    [Fact]
    public async Task A_pdf_whose_document_information_is_gone_states_its_xmp_metadata()
    {
        // PDF/A keeps the same statement twice: in /Info and in the catalog's XMP packet, which PDF 2.0 keeps alone.
        var exported = await SampleDocuments.WriteAsync(_folder, ".pdf", pdfA: true);
        var withInfo = await ReadAsync(exported);
        Assert.Equal((DocumentSources.Pdf, SampleDocuments.ContractAuthor), (withInfo?.Source, withInfo?.Author));

        var xmpOnly = Path.Combine(_folder, "xmp-only.pdf");
        await File.WriteAllBytesAsync(xmpOnly, SampleDocuments.WithoutDocumentInformation(await File.ReadAllBytesAsync(exported)));
        var info = await ReadAsync(xmpOnly);

        Assert.Equal(
            new DocumentInfo { Source = DocumentSources.Xmp, Author = SampleDocuments.ContractAuthor, CreatedAt = withInfo!.CreatedAt, Application = "Writer" },
            info);

        // ExifTool finds the same in the packet: its XMP group.
        await DebianPackages.EnsureAsync(["libimage-exiftool-perl"], "Reading XMP as ExifTool does", () => Task.FromResult(DebianPackages.HasCommand("exiftool")));
        var said = await ExternalTool.RunAsync("exiftool", _folder, "-s3", "-XMP:Creator", "-XMP:CreatorTool", "-XMP:CreateDate", xmpOnly);
        Assert.Equal([SampleDocuments.ContractAuthor, "Writer", withInfo.CreatedAt!.Replace('-', ':')[..10] + " " + withInfo.CreatedAt[11..]], said.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task An_encrypted_pdf_states_nothing()
    {
        var exported = await SampleDocuments.WriteAsync(_folder, ".pdf");
        await DebianPackages.EnsureAsync(["qpdf"], "Encrypting a PDF", () => Task.FromResult(DebianPackages.HasCommand("qpdf")));
        var encrypted = Path.Combine(_folder, "encrypted.pdf");
        var run = await ExternalTool.RunAsync("qpdf", _folder, "--encrypt", "user", "owner", "256", "--", exported, encrypted);
        Assert.True(run.ExitCode == 0, run.Output);

        Assert.Null(await ReadAsync(encrypted));
    }

    [Fact]
    public async Task A_string_a_writer_ends_with_a_nul_is_read_without_it()
    {
        var exported = await SampleDocuments.WriteAsync(_folder, ".pdf");
        var bytes = await File.ReadAllBytesAsync(exported);
        var creator = "/Creator<FEFF005700720069007400650072>"u8; // Writer, in UTF-16BE
        var at = bytes.AsSpan().IndexOf(creator);
        Assert.True(at >= 0, "LibreOffice names itself Writer");
        "/Creator<FEFF005700720069007400650000>"u8.CopyTo(bytes.AsSpan(at)); // Write and a NUL: the same length, so no offset moves
        var edited = Path.Combine(_folder, "nul.pdf");
        await File.WriteAllBytesAsync(edited, bytes);

        Assert.Equal("Write", (await ReadAsync(edited))?.Application);
    }

    [Theory]
    [InlineData(2, "Wang")] // 400,002 objects across its sections: read
    [InlineData(3, null)] // 600,003: more than the vault keeps track of, so no statement rather than the memory
    public async Task Cross_reference_sections_are_followed_along_prev_up_to_a_bounded_number_of_entries(int sections, string? author)
    {
        const int Free = 200_000;
        var pdf = new MemoryStream();
        void Write(string text) => pdf.Write(System.Text.Encoding.ASCII.GetBytes(text));
        Write("%PDF-1.4\n");
        var info = pdf.Position;
        Write("1 0 obj\n<< /Author (Wang) >>\nendobj\n");
        long previous = -1;
        for (var section = 0; section < sections; section++)
        {
            var at = pdf.Position;
            Write($"xref\n1 1\n{info:D10} 00000 n \n{2 + (section * Free)} {Free}\n");
            Write(string.Concat(Enumerable.Repeat("0000000000 65535 f \n", Free)));
            Write($"trailer\n<< /Size {2 + ((section + 1) * Free)} /Info 1 0 R {(previous >= 0 ? $"/Prev {previous} " : string.Empty)}>>\n");
            previous = at;
        }

        Write($"startxref\n{previous}\n%%EOF\n");
        var path = Path.Combine(_folder, "sections.pdf");
        await File.WriteAllBytesAsync(path, pdf.ToArray());

        Assert.Equal(author, (await ReadAsync(path))?.Author);
    }

    [Theory]
    [InlineData("D:20261028091500+08'00'", "2026-10-28T09:15:00+08:00")]
    [InlineData("D:20261028091500+08'00", "2026-10-28T09:15:00+08:00")]
    [InlineData("D:20261206174846Z'", "2026-12-06T17:48:46Z")]
    [InlineData("D:20261028091500-05", "2026-10-28T09:15:00-05:00")]
    [InlineData("D:20261028091500", "2026-10-28T09:15:00")] // no zone: none is made up
    [InlineData("D:2026", "2026-01-01T00:00:00")]
    [InlineData("20261028", "2026-10-28T00:00:00")]
    [InlineData("D:20261328091500Z", null)] // a thirteenth month
    [InlineData("D:202610280915001", null)]
    [InlineData("last Tuesday", null)]
    [InlineData("D:20261028091500+8", null)]
    public void Dates_as_pdf_writes_them_become_iso_8601_with_the_zone_they_give(string written, string? iso) =>
        Assert.Equal(iso, PdfInfoReader.Date(written));

    private static Task<DocumentInfo?> ReadAsync(string path) => DocumentInfoReaderTests.ReadAsync(path);
}
