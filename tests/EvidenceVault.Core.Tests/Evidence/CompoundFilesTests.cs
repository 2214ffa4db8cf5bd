using EvidenceVault.Evidence;
using EvidenceVault.Testing;

namespace EvidenceVault.Core.Tests.Evidence;

/// <summary>
/// Word, Excel and PowerPoint 97–2003 documents as an office suite writes them are filed as what they are, told by
/// their directory wherever it lies in the file; a real Windows installer, a compound file like them, is refused
/// under any name. <see cref="FormatSample"/> gathers the bytes either is told by however the file arrives.
/// </summary>
public sealed class CompoundFilesTests : IDisposable
{
    private const string Word = "application/msword";

    private readonly string _folder = Directory.CreateTempSubdirectory("ev-cfb-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(".doc", Word)]
    [InlineData(".xls", "application/vnd.ms-excel")]
    [InlineData(".ppt", "application/vnd.ms-powerpoint")]
    public async Task Office_97_documents_are_their_own_format_whatever_their_name_and_however_they_arrive(string extension, string contentType)
    {
        var file = await File.ReadAllBytesAsync(await SampleDocuments.WriteAsync(_folder, extension));

        // LibreOffice writes the directory after the head, at the very end of a presentation: the head alone cannot tell.
        Assert.True(CompoundFileEdits.DirectoryOffset(file) >= EvidenceFormatDetector.HeadLength);
        Assert.Null(EvidenceFormatDetector.Detect(file));
        foreach (var (length, piece, name) in new (long?, int, string?)[] { (file.Length, file.Length, null), (null, 1000, "contract.zip"), (file.Length, 1, "x.pdf"), (null, 65536, null) })
        {
            var format = Gathered(file, length, piece).Recognise(name);
            Assert.Equal((contentType, extension, EvidenceKind.Document, MediaClass.Office), (format?.ContentType, format?.Extension, format?.DefaultKind, format?.MediaClass));
        }

        Assert.Equal(extension, EvidenceFormatDetector.ExtensionFor(contentType));
        Assert.Equal(Gathered(file).Recognise(null), EvidenceFormatDetector.Recorded(contentType));
    }

    [Theory]
    [InlineData(true)] // Outlook's own class on the root storage
    [InlineData(false)] // none, as libgsf packs it: told by the message's property stream
    public async Task An_email_outlook_saved_is_a_message_filed_as_a_document(bool withClass)
    {
        var file = await File.ReadAllBytesAsync(await SampleMessages.OutlookAsync(_folder, withClass: withClass));

        Assert.Equal(withClass ? SampleMessages.OutlookMessageClass : Guid.Empty, CompoundFileEdits.RootClass(file));
        var format = Gathered(file, file.Length, 100).Recognise("mail.bin");
        Assert.Equal(("application/vnd.ms-outlook", ".msg", MediaClass.Message, EvidenceKind.Document), (format?.ContentType, format?.Extension, format?.MediaClass, format?.DefaultKind));
        Assert.False(format!.Allows(EvidenceKind.PageSnapshot));
    }

    [Fact]
    public async Task A_windows_installer_is_refused_even_named_as_a_word_document()
    {
        var installer = await File.ReadAllBytesAsync(await SampleInstallers.WriteAsync(_folder, "contract.doc"));

        Assert.Equal(new Guid("000C1084-0000-0000-C000-000000000046"), CompoundFileEdits.RootClass(installer)); // an installer package
        Assert.True(Gathered(installer, installer.Length, 512).Complete);
        Assert.Null(Gathered(installer, installer.Length, 512).Recognise("contract.doc"));
        Assert.Null(Gathered(installer).Recognise(null));
    }

    [Fact]
    public async Task The_root_class_decides_and_only_an_empty_one_lets_the_main_stream_tell()
    {
        var document = await File.ReadAllBytesAsync(await SampleDocuments.WriteAsync(_folder, ".doc"));
        Assert.Equal(new Guid("00020906-0000-0000-C000-000000000046"), CompoundFileEdits.RootClass(document)); // Word 97–2003

        // A writer that leaves the class empty: the WordDocument stream says what it is.
        var unclassed = CompoundFileEdits.WithRootClass(document, Guid.Empty);
        Assert.Equal(Word, Gathered(unclassed).Recognise(null)?.ContentType);

        // Without it, or with another program's class (an installer's), it is no document the vault accepts.
        Assert.Null(Gathered(CompoundFileEdits.WithStreamRenamed(unclassed, "WordDocument", "WordDokument")).Recognise("contract.doc"));
        Assert.Null(Gathered(CompoundFileEdits.WithRootClass(document, new Guid("000C1084-0000-0000-C000-000000000046"))).Recognise("contract.doc"));
        Assert.Null(Gathered(CompoundFileEdits.WithRootClass(document, Guid.NewGuid())).Recognise("contract.doc"));
    }

    [Fact]
    public async Task A_header_that_is_no_compound_files_is_refused_as_soon_as_it_is_in()
    {
        var document = await File.ReadAllBytesAsync(await SampleDocuments.WriteAsync(_folder, ".doc"));
        var bigEndian = (byte[])document.Clone();
        bigEndian[0x1C] = 0xFF;
        bigEndian[0x1D] = 0xFE;
        var pastTheEnd = (byte[])document.Clone();
        BitConverter.TryWriteBytes(pastTheEnd.AsSpan(0x30), 0xFFFFFFFE); // "end of chain": no directory at all

        foreach (var broken in new[] { bigEndian, pastTheEnd, document[..EvidenceFormatDetector.HeadLength] })
        {
            var sample = Gathered(broken, broken.Length, 4096);
            Assert.True(sample.Complete);
            Assert.Empty(sample.Directory);
            Assert.Null(sample.Recognise("contract.doc"));
        }
    }

    [Fact]
    public async Task A_sample_continued_from_what_a_session_kept_ends_as_one_gathered_at_once()
    {
        var file = await File.ReadAllBytesAsync(await SampleDocuments.WriteAsync(_folder, ".ppt"));
        var whole = Gathered(file);

        // As a resumable upload keeps it: each PATCH continues the sample its session holds, on any instance.
        var sample = new FormatSample(file.Length);
        for (var offset = 0; offset < file.Length; offset += 70_000)
        {
            Assert.False(sample.Complete);
            sample = new FormatSample(file.Length, offset, sample.Head, sample.Directory);
            sample.Append(file.AsSpan(offset, Math.Min(70_000, file.Length - offset)));
        }

        Assert.True(sample.Complete);
        Assert.Equal(whole.Head, sample.Head);
        Assert.Equal(whole.Directory, sample.Directory);
        Assert.Equal(file.AsSpan(CompoundFileEdits.DirectoryOffset(file)).ToArray(), sample.Directory); // the directory runs to the end of this file
        Assert.Equal(file[..EvidenceFormatDetector.HeadLength], sample.Head);
    }

    [Fact]
    public void A_directory_that_begins_within_the_head_is_taken_from_the_head()
    {
        // A version 3 file whose directory is its first sector (offset 512), as small files may have it.
        var file = new byte[6000];
        new byte[] { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 }.CopyTo(file, 0);
        BitConverter.TryWriteBytes(file.AsSpan(0x1A), (ushort)3);
        BitConverter.TryWriteBytes(file.AsSpan(0x1C), (ushort)0xFFFE);
        BitConverter.TryWriteBytes(file.AsSpan(0x1E), (ushort)9);
        file[512 + 66] = 5; // the root storage
        new Guid("00020820-0000-0000-C000-000000000046").TryWriteBytes(file.AsSpan(512 + 80)); // Excel 97–2003

        foreach (var piece in new[] { 1, 100, 600, 4096, 6000 })
        {
            var sample = Gathered(file, null, piece);
            Assert.Equal(file.AsSpan(512, FormatSample.DirectoryLength).ToArray(), sample.Directory);
            Assert.Equal("application/vnd.ms-excel", sample.Recognise(null)?.ContentType);
        }

        Assert.True(Gathered(file, null, 600).Complete); // all 4 KiB of the directory are in before the file ends
    }

    [Fact]
    public void Files_that_are_no_compound_file_need_only_their_head()
    {
        var png = File.ReadAllBytes(SampleEvidence.PathOf("screenshot-refund-page.png"));

        var sample = new FormatSample();
        sample.Append(png.AsSpan(0, EvidenceFormatDetector.HeadLength - 1));
        Assert.False(sample.Complete);
        sample.Append(png.AsSpan(EvidenceFormatDetector.HeadLength - 1, 2));
        Assert.True(sample.Complete);
        Assert.Empty(sample.Directory);
        Assert.Equal("image/png", sample.Recognise(null)?.ContentType);
        Assert.True(Gathered(png[..100], 100, 100).Complete); // a file shorter than the head, of known length
    }

    /// <summary><paramref name="file"/> appended to a sample in pieces of <paramref name="piece"/> bytes.</summary>
    private static FormatSample Gathered(byte[] file, long? length = null, int piece = 8192)
    {
        var sample = new FormatSample(length);
        for (var offset = 0; offset < file.Length; offset += piece)
        {
            sample.Append(file.AsSpan(offset, Math.Min(piece, file.Length - offset)));
        }

        return sample;
    }
}
