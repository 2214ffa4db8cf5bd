using System.IO.Compression;
using System.Text;
using EvidenceVault.Evidence;
using EvidenceVault.Testing;

namespace EvidenceVault.Core.Tests.Evidence;

public sealed class EvidenceFormatDetectorTests
{
    public static TheoryData<string, string, string> AcceptedSamples() => SampleEvidence.AcceptedTheoryData();

    [Theory]
    [MemberData(nameof(AcceptedSamples))]
    public void Detect_RealSampleEvidence_RecognisesFormatAndDefaultKind(string file, string contentType, string kind)
    {
        var format = EvidenceFormatDetector.Detect(Head(SampleEvidence.PathOf(file)));

        Assert.NotNull(format);
        Assert.Equal(contentType, format.ContentType);
        Assert.Equal(kind, format.DefaultKind.ToWireName());
    }

    [Theory]
    [InlineData("bad/not-evidence.exe")]
    [InlineData("bad/script.sh")]
    [InlineData("bad/empty.bin")]
    [InlineData("README.md")]
    public void Detect_NotEvidence_ReturnsNull(string file) =>
        Assert.Null(EvidenceFormatDetector.Detect(Head(SampleEvidence.PathOf(file))));

    [Fact]
    public void Detect_ExecutableNamedPng_IsRefusedByContentNotName() =>
        Assert.Null(EvidenceFormatDetector.Detect(Head(SampleEvidence.PathOf("bad/not-evidence.exe")), "screenshot.png"));

    [Fact]
    public void Detect_TruncatedPng_IsStillAPngToPreserve() =>
        Assert.Equal("image/png", EvidenceFormatDetector.Detect(Head(SampleEvidence.PathOf("bad/truncated.png")))?.ContentType);

    [Theory]
    [InlineData("#!AMR\n\u003c\u0091", "audio/amr")]
    [InlineData("#!AMR-WB\n\u0004", "audio/amr-wb")]
    [InlineData("\u0002#!SILK_V3\u0020\u0000", "audio/silk")] // WeChat's and QQ's voice messages
    [InlineData("#!SILK_V3\u0020\u0000", "audio/silk")] // the SILK SDK's own files
    [InlineData("GIF89a\u0001\u0000", "image/gif")]
    [InlineData("WARC/1.0\r\nWARC-Type: response\r\n", "application/warc")]
    [InlineData("<!-- saved from url=(0014)about:internet -->\n<html><body>x</body></html>", "text/html")]
    [InlineData("\uFEFF  <!doctype HTML><title>x</title>", "text/html")]
    public void Detect_GeneratedHeaders_Recognised(string head, string contentType) =>
        Assert.Equal(contentType, EvidenceFormatDetector.Detect(Encoding.Latin1.GetBytes(head.Replace("\uFEFF", "\u00EF\u00BB\u00BF", StringComparison.Ordinal)))?.ContentType);

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xF1, 0x50, 0x80 }, "audio/aac")]
    [InlineData(new byte[] { 0xFF, 0xFB, 0x90, 0x64 }, "audio/mpeg")]
    [InlineData(new byte[] { 0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'3', (byte)'g', (byte)'p', (byte)'4' }, "video/3gpp")]
    [InlineData(new byte[] { 0, 0, 0, 0x08, (byte)'w', (byte)'i', (byte)'d', (byte)'e' }, "video/quicktime")]
    public void Detect_BinarySignatures_Recognised(byte[] head, string contentType) =>
        Assert.Equal(contentType, EvidenceFormatDetector.Detect(head)?.ContentType);

    [Fact]
    public async Task Detect_ASafariWebArchive_IsAPageSnapshotButAnotherPropertyListIsNot()
    {
        var folder = Directory.CreateTempSubdirectory("ev-webarchive-").FullName;
        try
        {
            var archive = EvidenceFormatDetector.Detect(Head(await SamplePackages.WebArchiveAsync(Path.Combine(folder, "page.webarchive"))));

            Assert.Equal(("application/x-webarchive", ".webarchive", EvidenceKind.PageSnapshot), (archive?.ContentType, archive?.Extension, archive?.DefaultKind));
            Assert.Null(EvidenceFormatDetector.Detect([.. "bplist00"u8, 0xD1, 0x01, 0x02, 0x54, .. "Name"u8, 0x53, .. "App"u8])); // an app's settings
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Detect_GzippedWarc_IsAPageSnapshotButOtherGzipIsNot()
    {
        Assert.Equal(".warc.gz", EvidenceFormatDetector.Detect(Gzip(File.ReadAllText(SampleEvidence.PathOf("page-snapshot-refund.warc"))))?.Extension);
        Assert.Null(EvidenceFormatDetector.Detect(Gzip("#!/bin/sh\nrm -rf /\n")));
    }

    [Fact]
    public void Detect_WaczBuiltFromTheWarc_IsWaczEvenWithoutItsName()
    {
        var folder = Directory.CreateTempSubdirectory("ev-wacz-").FullName;
        try
        {
            var head = Head(SamplePackages.Wacz(Path.Combine(folder, "capture.zip"), """{"profile":"data-package","wacz_version":"1.1.1","resources":[]}"""));

            Assert.Equal("application/wacz", EvidenceFormatDetector.Detect(head)?.ContentType);
            Assert.Equal(EvidenceKind.PageSnapshot, EvidenceFormatDetector.Detect(head)?.DefaultKind);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Detect_ASavedPhishingMail_IsAMessageFiledAsADocumentOnly()
    {
        var folder = Directory.CreateTempSubdirectory("ev-mail-").FullName;
        try
        {
            var format = EvidenceFormatDetector.Detect(Head(SampleMessages.Phishing(Path.Combine(folder, "mail.eml"))));

            Assert.Equal(("message/rfc822", ".eml", EvidenceKind.Document), (format?.ContentType, format?.Extension, format?.DefaultKind));
            Assert.False(format!.Allows(EvidenceKind.PageSnapshot));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("Received: from a by b; Fri, 20 Nov 2026 22:03:19 +0800\r\nFrom: x@y.example\r\nContent-Type: multipart/related; boundary=b\r\n\r\n--b\r\n", "message/rfc822")] // an HTML mail with inline images: related parts, but delivered
    [InlineData("Delivered-To: v@example.cn\nSubject: hi\n", "message/rfc822")] // header fields alone, LF line ends
    [InlineData("From: <Saved by Blink>\r\nSnapshot-Content-Location: https://a.example/\r\nMessage-ID: <x>\r\nContent-Type: multipart/related; boundary=b\r\n\r\n", "multipart/related")]
    public void Detect_MessagesAndBrowserPages_AreToldApartByTheirFields(string head, string contentType) =>
        Assert.Equal(contentType, EvidenceFormatDetector.Detect(Encoding.UTF8.GetBytes(head))?.ContentType);

    [Fact]
    public void Detect_AMessageWhoseHeaderRunsPastTheHead_IsStillAMessage()
    {
        // Providers put their signatures and authentication results on top: From may come kilobytes later.
        var seal = "ARC-Seal: i=1; a=rsa-sha256; t=1795671799; cv=none; d=mail.example.cn; s=arc;\r\n" + string.Concat(Enumerable.Repeat("\tb=" + new string('A', 70) + "\r\n", 80));
        var head = Encoding.ASCII.GetBytes("Delivered-To: victim@example.cn\r\n" + seal + "From: x@y.example\r\n\r\n");

        Assert.True(head.Length > EvidenceFormatDetector.HeadLength);
        Assert.Equal("message/rfc822", EvidenceFormatDetector.Detect(head)?.ContentType);
    }

    [Fact]
    public async Task IsMailbox_AMailboxExportOfMails_IsOneAndNoEvidenceFormat()
    {
        var folder = Directory.CreateTempSubdirectory("ev-mbox-").FullName;
        try
        {
            var mailbox = await SampleMessages.MailboxAsync(
                Path.Combine(folder, "phishing.mbox"), SampleMessages.Phishing(Path.Combine(folder, "a.eml")), SampleMessages.Phishing(Path.Combine(folder, "b.eml"), hiddenRecipients: true));
            var head = Head(mailbox);

            Assert.StartsWith("From ", Encoding.ASCII.GetString(head), StringComparison.Ordinal);
            Assert.True(EvidenceFormatDetector.IsMailbox(head));
            Assert.Null(EvidenceFormatDetector.Detect(head));
            Assert.False(EvidenceFormatDetector.IsMailbox(Head(Path.Combine(folder, "a.eml")))); // one saved mail is no mailbox
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("From - Fri Nov 20 14:03:21 2026\r\nX-Mozilla-Status: 0001\r\nDelivered-To: v@example.cn\r\nFrom: x@y.example\r\n\r\n", true)] // Thunderbird's folder file
    [InlineData("From 1785123456789012345@xxx Fri Nov 20 14:03:21 +0000 2026\nX-GM-THRID: 1785123456789012345\nReceived: by 2002:a05:6a10; Fri, 20 Nov 2026 06:03:21 -0800\n\n", true)] // Google Takeout's
    [InlineData("From the desk of the refund centre\r\nplease reply today\r\n", false)] // text that only begins like one
    [InlineData("From: x@y.example\r\nReceived: from a by b; Fri, 20 Nov 2026 22:03:19 +0800\r\n\r\n", false)] // a saved mail
    public void IsMailbox_TellsAMailboxBySeparatorAndHeader(string head, bool mailbox) =>
        Assert.Equal(mailbox, EvidenceFormatDetector.IsMailbox(Encoding.UTF8.GetBytes(head)));

    [Theory]
    [InlineData("Subject: hello\r\nFrom: a@b.example\r\n\r\nbody")] // no field only delivery writes: a note, not a received mail
    [InlineData("Received: from a by b; Fri, 20 Nov 2026 22:03:19 +0800\r\nthis line is no field\r\n\r\n")]
    public void Detect_TextThatIsNoReceivedMessage_IsRefused(string head) =>
        Assert.Null(EvidenceFormatDetector.Detect(Encoding.UTF8.GetBytes(head)));

    [Theory]
    [InlineData(".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]
    [InlineData(".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")]
    [InlineData(".pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation")]
    [InlineData(".odt", "application/vnd.oasis.opendocument.text")]
    [InlineData(".ods", "application/vnd.oasis.opendocument.spreadsheet")]
    [InlineData(".odp", "application/vnd.oasis.opendocument.presentation")]
    [InlineData(".rtf", "application/rtf")]
    public Task Detect_OfficeDocumentsAnOfficeSuiteWrote_AreTheirOwnFormatWhateverTheirName(string extension, string contentType) => InFolderAsync(async folder =>
    {
        var head = Head(await SampleDocuments.WriteAsync(folder, extension));

        foreach (var name in new[] { null, "evidence.zip", "contract.pdf" })
        {
            var format = EvidenceFormatDetector.Detect(head, name);
            Assert.Equal((contentType, extension, EvidenceKind.Document), (format?.ContentType, format?.Extension, format?.DefaultKind));
            Assert.False(format!.Allows(EvidenceKind.PageSnapshot));
        }

        Assert.Equal(extension, EvidenceFormatDetector.ExtensionFor(contentType));
        Assert.Equal(EvidenceFormatDetector.Detect(head), EvidenceFormatDetector.Recorded(contentType));
    });

    [Fact]
    public Task Detect_AWordDocumentWithMacros_IsToldByItsContentTypesOrElseByItsName() => InFolderAsync(async folder =>
    {
        const string Docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
        const string Docm = "application/vnd.ms-word.document.macroEnabled.12";
        var written = await SampleDocuments.WriteAsync(folder, ".docx");

        // LibreOffice writes its content types last, after the head: its name is all that can say "macros".
        Assert.Equal(Docx, EvidenceFormatDetector.Detect(Head(written))?.ContentType);
        Assert.Equal(Docm, EvidenceFormatDetector.Detect(Head(written), "contract.DOCM")?.ContentType);
        Assert.Equal(Docx, EvidenceFormatDetector.Detect(Head(written), "contract.xlsm")?.ContentType); // a spreadsheet's name does not make it one

        // Microsoft Office writes them first, with their sizes before the data: what they declare decides.
        var office = SampleDocuments.Repack(written, Path.Combine(folder, "office.docx"), (name, content) =>
            (name, name == "[Content_Types].xml" ? SampleDocuments.ReplaceText(content, "wordprocessingml.document.main+xml", "vnd.ms-word.document.macroEnabled.main+xml") : content));
        Assert.Equal(Docm, EvidenceFormatDetector.Detect(Head(office))?.ContentType);
        Assert.Equal(".docm", EvidenceFormatDetector.Detect(Head(office), "contract.docx")?.Extension);
        Assert.Equal(Docx, EvidenceFormatDetector.Detect(Head(SampleDocuments.Repack(written, Path.Combine(folder, "plain.docx"), (name, content) => (name, content))))?.ContentType);
    });

    [Fact]
    public Task Detect_AZipWithoutAnOfficePackagesMarks_StaysAZipWhateverItsName() => InFolderAsync(folder =>
    {
        var notes = Zip(Path.Combine(folder, "notes.zip"), ("word/document.xml", "<w:document/>"u8.ToArray(), CompressionLevel.Optimal));
        var odfLike = Zip(Path.Combine(folder, "odf.zip"), ("mimetype", "application/vnd.oasis.opendocument.text"u8.ToArray(), CompressionLevel.Optimal));
        var other = Zip(Path.Combine(folder, "other.zip"), ("mimetype", "application/epub+zip"u8.ToArray(), CompressionLevel.NoCompression));

        Assert.Equal("application/zip", EvidenceFormatDetector.Detect(Head(notes), "contract.docx")?.ContentType); // no [Content_Types].xml or _rels/.rels
        Assert.Equal("application/zip", EvidenceFormatDetector.Detect(Head(odfLike), "contract.odt")?.ContentType); // OpenDocument stores its mimetype uncompressed
        Assert.Equal("application/zip", EvidenceFormatDetector.Detect(Head(other))?.ContentType);
        return Task.CompletedTask;
    });

    [Theory]
    [InlineData("screenshot-refund-page.png", EvidenceKind.Screenshot, true)]
    [InlineData("screenshot-refund-page.png", EvidenceKind.PageSnapshot, true)]
    [InlineData("screenshot-refund-page.png", EvidenceKind.Audio, false)]
    [InlineData("call-recording.mp3", EvidenceKind.Video, false)]
    [InlineData("screen-recording.webm", EvidenceKind.Audio, true)]
    [InlineData("screen-recording.mp4", EvidenceKind.ScreenRecording, true)]
    [InlineData("page-snapshot-refund.pdf", EvidenceKind.PageSnapshot, true)]
    [InlineData("page-snapshot-refund.mhtml", EvidenceKind.Screenshot, false)]
    [InlineData("call-recording.ogg", EvidenceKind.Document, true)]
    public void Allows_DeclaredKind_MatchesMediaClass(string file, EvidenceKind kind, bool allowed) =>
        Assert.Equal(allowed, EvidenceFormatDetector.Detect(Head(SampleEvidence.PathOf(file)))!.Allows(kind));

    [Theory]
    [InlineData("screen-recording", EvidenceKind.ScreenRecording)]
    [InlineData("PAGE-SNAPSHOT", EvidenceKind.PageSnapshot)]
    public void EvidenceKinds_WireNames_RoundTrip(string name, EvidenceKind kind)
    {
        Assert.True(EvidenceKinds.TryParse(name, out var parsed));
        Assert.Equal(kind, parsed);
        Assert.Equal(name.ToLowerInvariant(), kind.ToWireName());
    }

    private static byte[] Head(string path)
    {
        using var stream = File.OpenRead(path);
        var buffer = new byte[EvidenceFormatDetector.HeadLength];
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        return buffer[..read];
    }

    private static async Task InFolderAsync(Func<string, Task> test)
    {
        var folder = Directory.CreateTempSubdirectory("ev-office-").FullName;
        try
        {
            await test(folder);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Zip(string path, params (string Name, byte[] Content, CompressionLevel Level)[] entries)
    {
        using var archive = new ZipArchive(File.Create(path), ZipArchiveMode.Create);
        foreach (var (name, content, level) in entries)
        {
            using var entry = archive.CreateEntry(name, level).Open();
            entry.Write(content);
        }

        return path;
    }

    private static byte[] Gzip(string text)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return output.ToArray();
    }
}
