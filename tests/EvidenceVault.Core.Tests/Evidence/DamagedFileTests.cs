using EvidenceVault.Evidence;
using EvidenceVault.Testing;

namespace EvidenceVault.Core.Tests.Evidence;

/// <summary>
/// A file's statement is read after its bytes are committed, so a damaged or crafted file must never make a reader
/// fail in a way the vault does not expect: whatever the bytes, a reader states something or nothing. Real files of
/// every kind the vault reads statements from — Office 97–2003 and Office Open XML documents, OpenDocument, PDFs (with
/// document information, and with XMP alone), Rich Text, Outlook messages in both string formats and saved e-mails,
/// photos with EXIF, recordings from encoders and phones, saved pages and web archives, exported chats (WhatsApp's text, Telegram's JSON) — are damaged here a few bytes at
/// a time, in their headers, directories, tables and property sets, with a fixed seed so a failure can be replayed.
/// </summary>
public sealed class DamagedFileTests : IDisposable
{
    private const int Rounds = 1000;

    private readonly string _folder = Directory.CreateTempSubdirectory("ev-damaged-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(".doc")]
    [InlineData(".ppt")]
    [InlineData(".rtf")]
    [InlineData(".docx")]
    [InlineData(".odt")]
    [InlineData(".pdf")]
    public async Task A_damaged_document_states_something_or_nothing_and_never_fails(string extension) =>
        await AssertReadersHoldAsync(await File.ReadAllBytesAsync(await SampleDocuments.WriteAsync(_folder, extension, slidesWithProperties: true)), extension);

    [Fact]
    public async Task A_damaged_pdf_that_states_its_xmp_metadata_states_something_or_nothing_and_never_fails() =>
        await AssertReadersHoldAsync(SampleDocuments.WithoutDocumentInformation(await File.ReadAllBytesAsync(await SampleDocuments.WriteAsync(_folder, ".pdf", pdfA: true))), ".pdf (XMP)");

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(true, true)] // its HTML alone
    public async Task A_damaged_outlook_message_states_something_or_nothing_and_never_fails(bool unicode, bool htmlOnly) =>
        await AssertReadersHoldAsync(await File.ReadAllBytesAsync(await SampleMessages.OutlookAsync(_folder, unicode: unicode, htmlOnly: htmlOnly)), ".msg");

    [Theory]
    [InlineData(0)]
    [InlineData(2)] // forwarded from Outlook as an attachment, twice
    public async Task A_damaged_outlook_message_with_attachments_states_something_or_nothing_and_never_fails(int forwards) =>
        await AssertReadersHoldAsync(await File.ReadAllBytesAsync(await SampleMessages.OutlookAsync(_folder, attachments: true, forwards: forwards)), $".msg (attachments, {forwards} forwards)");

    [Theory]
    [InlineData("call-recording.m4a")]
    [InlineData("call-recording.mp3")]
    [InlineData("call-recording.ogg")]
    [InlineData("call-recording.wav")]
    [InlineData("screen-recording.mov")]
    [InlineData("screen-recording.mp4")]
    [InlineData("screen-recording.webm")]
    [InlineData("page-snapshot-refund.mhtml")]
    [InlineData("page-snapshot-refund.warc")]
    [InlineData("screenshot-refund-page.heic")]
    [InlineData("screenshot-refund-page.webp")]
    public async Task A_damaged_sample_states_something_or_nothing_and_never_fails(string fixture) =>
        await AssertReadersHoldAsync(await File.ReadAllBytesAsync(SampleEvidence.PathOf(fixture)), fixture, needsStatement: false);

    [Fact]
    public async Task Damaged_photos_recordings_pages_mails_and_chats_with_statements_state_something_or_nothing_and_never_fail()
    {
        var exif = SamplePhotos.Exif(littleEndian: false, "Apple", "iPhone 15", "2026:11:20 22:03:17", "+08:00");
        string[] files =
        [
            SamplePhotos.Jpeg(Path.Combine(_folder, "photo.jpg"), exif),
            SamplePhotos.Png(Path.Combine(_folder, "photo.png"), exif),
            SampleRecordings.IPhoneMovie(Path.Combine(_folder, "call.mov"), new DateTimeOffset(2026, 11, 20, 14, 3, 17, TimeSpan.Zero), "2026-11-20T22:03:17+0800", "Apple", "iPhone 15"),
            await SampleRecordings.AndroidCallAsync(_folder, ".amr"),
            await SampleRecordings.AndroidCallAsync(_folder, ".aac"),
            SamplePackages.Wacz(
                Path.Combine(_folder, "page.wacz"),
                """{"profile":"data-package","wacz_version":"1.1.1","mainPageUrl":"https://refund-center.example/order/114","mainPageDate":"2026-11-23T22:40:00Z","resources":[]}"""),
            SamplePackages.GzippedWarc(Path.Combine(_folder, "page.warc.gz"), memberPerRecord: true),
            SampleMessages.Phishing(Path.Combine(_folder, "mail.eml")),
            SampleMessages.Forwarded(Path.Combine(_folder, "forward.eml")),
            await SampleRecordings.WeChatVoiceAsync(_folder),
            await SamplePackages.WebArchiveAsync(Path.Combine(_folder, "page.webarchive")),
            SampleChats.Write(_folder, SampleChats.AndroidEnglish),
            SampleChats.IPhoneZip(Path.Combine(_folder, "WhatsApp Chat.zip")),
            SampleChats.Write(_folder, SampleTelegramChats.PersonalChat),
        ];
        foreach (var file in files)
        {
            await AssertReadersHoldAsync(await File.ReadAllBytesAsync(file), Path.GetFileName(file));
        }
    }

    private static async Task AssertReadersHoldAsync(byte[] original, string extension, bool needsStatement = true)
    {
        var format = Recognised(original) ?? throw new InvalidOperationException($"The undamaged {extension} is not recognised.");
        var random = new Random(20261206 + extension.Length);
        var stated = 0;
        for (var round = 0; round < Rounds; round++)
        {
            var damaged = (byte[])original.Clone();
            for (var hits = random.Next(1, 9); hits > 0; hits--)
            {
                // Most damage where the structures are (the first and last 16 KiB), some anywhere.
                var at = random.Next(3) switch
                {
                    0 => random.Next(Math.Min(16 * 1024, damaged.Length)),
                    1 => damaged.Length - 1 - random.Next(Math.Min(16 * 1024, damaged.Length)),
                    _ => random.Next(damaged.Length),
                };
                damaged[at] = random.Next(4) == 0 ? (byte)0xFF : (byte)random.Next(256);
            }

            await using var content = new MemoryStream(damaged, writable: false);
            var exception = await Record.ExceptionAsync(async () => stated += await StatementAsync(content, format) is null ? 0 : 1);
            Assert.True(exception is null, $"{extension}, round {round}: {exception}");
            Assert.Null(Record.Exception(() => Recognised(damaged))); // recognition holds too
        }

        if (needsStatement)
        {
            Assert.True(stated > 0, $"{extension}: no statement in any round, so the reader was not really reached");
        }
    }

    /// <summary>What the file says of itself, read by the reader the vault uses for its format.</summary>
    private static async Task<object?> StatementAsync(Stream content, EvidenceFormat format) => format.MediaClass switch
    {
        MediaClass.Page => await PageSnapshotOriginReader.ReadAsync(content, format),
        MediaClass.Audio or MediaClass.Video => await RecordingInfoReader.ReadAsync(content, format),
        MediaClass.Image => await PhotoInfoReader.ReadAsync(content, format),
        MediaClass.Message => await MessageInfoReader.ReadAsync(content, format),
        MediaClass.Chat when format.ContentType == EvidenceFormatDetector.TelegramChatContentType => await TelegramExportReader.ReadAsync(content),
        MediaClass.Chat => await ChatInfoReader.ReadAsync(content),
        MediaClass.Archive => await ChatInfoReader.ReadZipAsync(content),
        _ => await DocumentInfoReader.ReadAsync(content, format),
    };

    private static EvidenceFormat? Recognised(byte[] file)
    {
        var sample = new FormatSample(file.Length);
        sample.Append(file);
        return sample.Recognise(null);
    }
}
