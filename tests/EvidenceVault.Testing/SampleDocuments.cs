using System.IO.Compression;
using System.Text;

namespace EvidenceVault.Testing;

/// <summary>
/// Office documents a scam leaves behind — the fake investment contract, the victim's list of transfers, the
/// "guaranteed returns" slides — written by a real office suite: LibreOffice, headless, converting a small source of
/// each (the contract's with the author, editor and times an office program records) to Office Open XML (<c>.docx</c>, <c>.xlsx</c>, <c>.pptx</c>), OpenDocument (<c>.odt</c>, <c>.ods</c>,
/// <c>.odp</c>) or Office 97–2003's compound files (<c>.doc</c>, <c>.xls</c>, <c>.ppt</c>), the contract as Rich Text (<c>.rtf</c>), and the contract exported to PDF as an office suite does. Installs LibreOffice's headless packages with apt-get when missing (see <see cref="DebianPackages"/>).
/// </summary>
public static class SampleDocuments
{
    /// <summary>The company the contract names, one run of the document's text.</summary>
    public const string ContractParty = "某某资产管理有限公司";

    /// <summary>The contract's author, as its properties name them (ODF <c>meta:initial-creator</c>, OOXML <c>dc:creator</c>).</summary>
    public const string ContractAuthor = "王经理";

    /// <summary>Who saved the contract last, as its properties name them (ODF <c>dc:creator</c>, OOXML <c>cp:lastModifiedBy</c>).</summary>
    public const string ContractEditor = "客服小李";

    /// <summary>The organisation the contract's office program was registered to, as a copy from <see cref="WithCompanyAsync"/> names it.</summary>
    public const string OfficeCompany = "某某科技有限公司";

    /// <summary>The id of document summary information's first property set ([MS-OLEPS]), where the company is.</summary>
    public static readonly Guid DocumentSummarySet = new("D5CDD502-2E9C-101B-9397-08002B2CF9AE");

    /// <summary>When the contract was written, by its writer's clock without a zone, as OpenDocument keeps it.</summary>
    public const string ContractCreated = "2026-10-28T09:15:00";

    /// <summary>When the contract was saved last, likewise.</summary>
    public const string ContractModified = "2026-11-01T16:42:07";

    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    /// <summary>
    /// The document as <paramref name="extension"/> (e.g. <c>.docx</c>), written to <paramref name="folder"/>; the
    /// slides carry the contract's author, editor and times only when <paramref name="slidesWithProperties"/>, and a
    /// photo of 10 MB (random pixels, which no compression shrinks, made by FFmpeg) when <paramref name="slidesWithLargePhoto"/>;
    /// a PDF is PDF/A-2b, with XMP metadata, when <paramref name="pdfA"/>.
    /// </summary>
    public static async Task<string> WriteAsync(string folder, string extension, bool slidesWithProperties = false, bool slidesWithLargePhoto = false, bool pdfA = false)
    {
        var (sourceName, source) = extension switch
        {
            ".docx" or ".odt" or ".doc" or ".rtf" or ".pdf" => ("contract.fodt", Contract()),
            ".xlsx" or ".ods" or ".xls" => ("transfers.csv", "日期,金额,收款人\n2026-11-01,50000,某某资产管理有限公司\n2026-11-03,120000,某某资产管理有限公司\n"),
            ".pptx" or ".odp" or ".ppt" => ("plan.fodp", Presentation("保本高收益 Guaranteed 30% returns", slidesWithProperties ? Properties() : string.Empty, slidesWithLargePhoto ? await LargePhotoAsync() : string.Empty)),
            _ => throw new ArgumentOutOfRangeException(nameof(extension), extension, "An office document: .docx, .xlsx, .pptx, .odt, .ods, .odp, .doc, .xls, .ppt or .rtf, or the contract exported as .pdf."),
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
                "soffice",
                work,
                "-env:UserInstallation=file://" + Path.Combine(work, "profile"),
                "--headless",
                "--convert-to",
                pdfA ? "pdf:writer_pdf_Export:{\"SelectPdfVersion\":{\"type\":\"long\",\"value\":\"2\"}}" : extension.TrimStart('.'),
                "--outdir",
                work,
                input);
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

    /// <summary>
    /// <paramref name="source"/>'s parts rewritten into <paramref name="path"/>, each through <paramref name="change"/>
    /// (its name and content, new or as they were; null leaves it out). OpenDocument's <c>mimetype</c> stays first and
    /// uncompressed; an Office package's <c>[Content_Types].xml</c> goes first, as Microsoft Office writes it; and every
    /// entry's sizes come before its data, as a ZIP written to a file has them.
    /// </summary>
    public static string Repack(string source, string path, Func<string, byte[], (string Name, byte[] Content)?> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        using var original = ZipFile.OpenRead(source);
        using var archive = new ZipArchive(File.Create(path), ZipArchiveMode.Create);
        foreach (var part in original.Entries.OrderBy(entry => entry.FullName is "mimetype" or "[Content_Types].xml" ? 0 : 1))
        {
            using var copy = new MemoryStream();
            using (var content = part.Open())
            {
                content.CopyTo(copy);
            }

            if (change(part.FullName, copy.ToArray()) is { } changed)
            {
                using var entry = archive.CreateEntry(changed.Name, changed.Name == "mimetype" ? CompressionLevel.NoCompression : CompressionLevel.Optimal).Open();
                entry.Write(changed.Content);
            }
        }

        return path;
    }

    /// <summary>
    /// <paramref name="pdf"/> with its trailer's <c>/Info</c> entry blanked out (spaces of the same length, so every
    /// offset stands): a PDF whose document information is gone, as PDF 2.0 keeps none.
    /// </summary>
    public static byte[] WithoutDocumentInformation(byte[] pdf)
    {
        var trailer = pdf.AsSpan().LastIndexOf("trailer"u8);
        var at = trailer < 0 ? -1 : pdf.AsSpan(trailer).IndexOf("/Info"u8);
        if (at < 0)
        {
            throw new ArgumentException("No trailer with /Info.", nameof(pdf));
        }

        var copy = (byte[])pdf.Clone();
        copy.AsSpan(trailer + at, pdf.AsSpan(trailer + at).IndexOf((byte)'R') + 1).Fill((byte)' ');
        return copy;
    }

    /// <summary>
    /// A copy of <paramref name="path"/> (written by <see cref="WriteAsync"/>) that names <paramref name="company"/> as
    /// its company, where each format keeps it and as Office writes it: in an Office Open XML package's extended
    /// properties (<c>&lt;Company&gt;</c> in <c>docProps/app.xml</c>); in a Rich Text document's <c>\info</c> group
    /// (<c>{\*\company …}</c>, its text as <c>\uN\'3f</c>, as LibreOffice writes text); in a 97–2003 file's document
    /// summary information (<c>\x05DocumentSummaryInformation</c>, PIDDSI_COMPANY in <paramref name="codePage"/>:
    /// UTF-8, as LibreOffice writes its property sets, or 936, GBK, as a Chinese Office writes them), which
    /// LibreOffice writes without a company: that stream is rewritten in place, at the same length, where the file holds
    /// it — found by its property set's id and checked, before and after, against the stream as libgsf's <c>gsf cat</c>
    /// reads it (apt-get installs <c>libgsf-bin</c> when missing); in a PDF's document information (<c>/Company</c>,
    /// UTF-16 as Acrobat's PDFMaker writes it), the PDF rewritten by qpdf into its editable form, the key added, and its
    /// cross-references rebuilt by qpdf's <c>fix-qdf</c> (apt-get installs <c>qpdf</c> when missing).
    /// </summary>
    public static async Task<string> WithCompanyAsync(string path, string company, int codePage = 65001)
    {
        var extension = Path.GetExtension(path);
        var copy = Path.Combine(Path.GetDirectoryName(path)!, "company-" + Path.GetFileName(path));
        switch (extension)
        {
            case ".docx" or ".xlsx" or ".pptx":
                return Repack(path, copy, (name, content) => (name, name == "docProps/app.xml"
                    ? ReplaceText(content, "</Properties>", $"<Company>{System.Security.SecurityElement.Escape(company)}</Company></Properties>")
                    : content));
            case ".rtf":
                var rtf = await File.ReadAllTextAsync(path, Encoding.Latin1);
                var escaped = string.Concat(company.Select(c => c < 128 ? c.ToString() : $"\\u{(int)c}\\'3f"));
                await File.WriteAllTextAsync(copy, rtf.Replace("{\\info", "{\\info{\\*\\company " + escaped + "}", StringComparison.Ordinal), Encoding.Latin1);
                return copy;
            case ".doc" or ".xls" or ".ppt":
                await DebianPackages.EnsureAsync(["libgsf-bin"], "Reading a compound file's streams", () => Task.FromResult(DebianPackages.HasCommand("gsf")));
                const string stream = "\u0005DocumentSummaryInformation";
                var file = await File.ReadAllBytesAsync(path);
                var original = await GsfCatAsync(path, stream);
                var at = file.AsSpan().IndexOf(DocumentSummarySet.ToByteArray()) - 28;
                if (at < 0 || !file.AsSpan(at, original.Length).SequenceEqual(original))
                {
                    throw new InvalidOperationException("The document summary information is not in one place in the file.");
                }

                var documentSummary = DocumentSummaryNaming(company, codePage, original.Length);
                documentSummary.CopyTo(file, at);
                file = codePage == 936 ? InChineseCodePage(file) : file; // the summary too, as a Chinese Office writes both
                await File.WriteAllBytesAsync(copy, file);
                return (await GsfCatAsync(copy, stream)).SequenceEqual(documentSummary) ? copy : throw new InvalidOperationException("The rewritten stream is not where libgsf reads it.");
            case ".pdf":
                await DebianPackages.EnsureAsync(["qpdf"], "Adding to a PDF's document information", () => Task.FromResult(DebianPackages.HasCommand("qpdf")));
                var editable = copy + ".qdf";
                var rewritten = await ExternalTool.RunAsync("qpdf", Path.GetDirectoryName(path)!, "--qdf", "--object-streams=disable", path, editable);
                var qdf = await File.ReadAllBytesAsync(editable);
                var producer = qdf.AsSpan().IndexOf("\n  /Producer "u8);
                if (rewritten.ExitCode != 0 || producer < 0)
                {
                    throw new InvalidOperationException("qpdf gave no document information to add to:\n" + rewritten.Output);
                }

                var key = Encoding.ASCII.GetBytes($"\n  /Company <FEFF{Convert.ToHexString(Encoding.BigEndianUnicode.GetBytes(company))}>");
                await File.WriteAllBytesAsync(editable, [.. qdf[..producer], .. key, .. qdf[producer..]]);
                var fixedUp = await ExternalTool.RunAsync("sh", Path.GetDirectoryName(path)!, "-c", "fix-qdf \"$0\" > \"$1\"", editable, copy);
                File.Delete(editable);
                return fixedUp.ExitCode == 0 ? copy : throw new InvalidOperationException("fix-qdf failed:\n" + fixedUp.Output);
            default:
                throw new ArgumentException("No company for " + extension, nameof(path));
        }
    }

    /// <summary>
    /// A 97–2003 file LibreOffice wrote, with its summary information as a Chinese Office writes it: in code page 936
    /// (GBK), the author's and editor's names in it, each padded with NULs to the length of its UTF-8. The summary's
    /// code page is the first UTF-8 one in the file, as LibreOffice lays the streams out.
    /// </summary>
    public static byte[] InChineseCodePage(byte[] file)
    {
        var gbk = CodePagesEncodingProvider.Instance.GetEncoding(936)!;
        var chinese = ReplaceOnce(file, [0x02, 0x00, 0x00, 0x00, 0xE9, 0xFD], [0x02, 0x00, 0x00, 0x00, 0xA8, 0x03]);
        foreach (var name in new[] { ContractAuthor, ContractEditor })
        {
            var utf8 = Encoding.UTF8.GetBytes(name);
            chinese = ReplaceOnce(chinese, utf8, [.. gbk.GetBytes(name), .. new byte[utf8.Length - gbk.GetByteCount(name)]]);
        }

        return chinese;
    }

    private static byte[] ReplaceOnce(byte[] file, byte[] from, byte[] to)
    {
        var at = file.AsSpan().IndexOf(from);
        if (at < 0 || from.Length != to.Length)
        {
            throw new ArgumentException("Nothing of that length to replace.", nameof(from));
        }

        var copy = (byte[])file.Clone();
        to.CopyTo(copy, at);
        return copy;
    }

    /// <summary>A document summary information stream ([MS-OLEPS]) of <paramref name="length"/> bytes: its code page and the company, in it.</summary>
    private static byte[] DocumentSummaryNaming(string company, int codePage, int length)
    {
        var text = (codePage == 65001 ? Encoding.UTF8 : CodePagesEncodingProvider.Instance.GetEncoding(codePage)!).GetBytes(company + "\0");
        var padded = (text.Length + 3) / 4 * 4;
        var section = new byte[8 + 16 + 8 + 8 + padded];
        BitConverter.TryWriteBytes(section.AsSpan(0), section.Length);
        BitConverter.TryWriteBytes(section.AsSpan(4), 2); // two properties: the code page and the company
        BitConverter.TryWriteBytes(section.AsSpan(8), 1);
        BitConverter.TryWriteBytes(section.AsSpan(12), 24);
        BitConverter.TryWriteBytes(section.AsSpan(16), 15);
        BitConverter.TryWriteBytes(section.AsSpan(20), 32);
        BitConverter.TryWriteBytes(section.AsSpan(24), 2); // VT_I2
        BitConverter.TryWriteBytes(section.AsSpan(28), (ushort)codePage);
        BitConverter.TryWriteBytes(section.AsSpan(32), 0x1E); // VT_LPSTR
        BitConverter.TryWriteBytes(section.AsSpan(36), text.Length);
        text.CopyTo(section, 40);
        var stream = new byte[length];
        stream[0] = 0xFE;
        stream[1] = 0xFF;
        BitConverter.TryWriteBytes(stream.AsSpan(4), 0x00020001); // written on Windows NT
        BitConverter.TryWriteBytes(stream.AsSpan(24), 1);
        DocumentSummarySet.TryWriteBytes(stream.AsSpan(28));
        BitConverter.TryWriteBytes(stream.AsSpan(44), 48);
        return 48 + section.Length <= length ? [.. stream[..48], .. section, .. stream[(48 + section.Length)..]] : throw new ArgumentException("The company does not fit the stream LibreOffice wrote.", nameof(company));
    }

    private static async Task<byte[]> GsfCatAsync(string path, string stream)
    {
        var read = await ExternalTool.RunAsync("sh", Path.GetDirectoryName(path)!, ["-c", "gsf cat \"$0\" \"$1\" | od -An -v -tx1", path, stream]);
        return read.ExitCode == 0 ? Convert.FromHexString(string.Concat(read.Output.Where(char.IsAsciiHexDigit))) : throw new InvalidOperationException("gsf cat failed:\n" + read.Output);
    }

    /// <summary>A part's UTF-8 text with <paramref name="from"/> replaced, for <see cref="Repack"/>.</summary>
    public static byte[] ReplaceText(byte[] content, string from, string to) =>
        Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(content).Replace(from, to, StringComparison.Ordinal));

    /// <summary>The contract in OpenDocument's flat XML, which LibreOffice Writer reads, with the properties an office program sets.</summary>
    private static string Contract() => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
            xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
            office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
          {Properties()}
          <office:body><office:text>
            <text:p>投资协议 Investment agreement</text:p><text:p>甲方: {ContractParty}</text:p><text:p>乙方: 投资人</text:p><text:p>年化收益 30%，保本保息。</text:p>
          </office:text></office:body>
        </office:document>
        """;

    /// <summary>A one-slide presentation in OpenDocument's flat XML, which LibreOffice Impress reads.</summary>
    private static string Presentation(string text, string properties, string photo) => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
            xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
            xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
            office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.presentation">
          {properties}
          <office:body><office:presentation><draw:page draw:name="1">
            <draw:frame svg:x="2cm" svg:y="2cm" svg:width="20cm" svg:height="3cm"><draw:text-box><text:p>{text}</text:p></draw:text-box></draw:frame>
            {photo}
          </draw:page></office:presentation></office:body>
        </office:document>
        """;

    /// <summary>The properties an office program records of the contract, as OpenDocument's flat XML holds them.</summary>
    private static string Properties() => $"""
        <office:meta>
          <meta:initial-creator>{ContractAuthor}</meta:initial-creator><meta:creation-date>{ContractCreated}</meta:creation-date>
          <dc:creator>{ContractEditor}</dc:creator><dc:date>{ContractModified}</dc:date><dc:title>投资协议</dc:title>
        </office:meta>
        """;

    /// <summary>A slide frame holding a 10 MB PNG of random pixels (3000 × 2300), made by FFmpeg, inline as flat XML holds pictures.</summary>
    private static async Task<string> LargePhotoAsync()
    {
        await DebianPackages.EnsureAsync(["ffmpeg"], "Making a large photo for a presentation", () => Task.FromResult(DebianPackages.HasCommand("ffmpeg")));
        var work = Directory.CreateTempSubdirectory("ev-photo-").FullName;
        try
        {
            var made = await ExternalTool.RunAsync(
                "ffmpeg", work, "-loglevel", "error", "-f", "lavfi", "-i", "nullsrc=s=3000x2300", "-vf", "geq=r='random(1)*255':g='random(2)*255':b='random(3)*255'", "-frames:v", "1", "photo.png");
            var photo = Path.Combine(work, "photo.png");
            if (made.ExitCode != 0 || !File.Exists(photo))
            {
                throw new InvalidOperationException("FFmpeg did not make the photo:\n" + made.Output);
            }

            return $"""<draw:frame svg:x="2cm" svg:y="6cm" svg:width="12cm" svg:height="9cm"><draw:image><office:binary-data>{Convert.ToBase64String(await File.ReadAllBytesAsync(photo))}</office:binary-data></draw:image></draw:frame>""";
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
