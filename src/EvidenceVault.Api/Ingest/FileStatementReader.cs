using EvidenceVault.Evidence;
using Microsoft.Extensions.Options;

namespace EvidenceVault.Api.Ingest;

/// <summary>Reads what a file says of itself from its bytes, by its recognised format.</summary>
internal interface IFileStatementReader
{
    /// <summary>The statements <paramref name="content"/>, a file of <paramref name="format"/>, makes; <see cref="FileStatements.None"/> for a format that states nothing.</summary>
    Task<FileStatements> ReadAsync(Stream content, EvidenceFormat format, CancellationToken cancellationToken);
}

/// <summary>
/// The vault's format readers: a saved page's address and capture time, a recording's length and making, a photo's
/// EXIF time and device, an e-mail's sender, subject, dates and receiving server (and whether its DKIM signatures hold, the signing domains asked for their keys), an office document's or a PDF's
/// author, dates and program, an exported chat's writers, span and links (WhatsApp's text, also in the ZIP an iPhone exports, and Telegram Desktop's JSON).
/// </summary>
internal sealed class FileStatementReader(IMailKeyDirectory mailKeys, IOptions<MailKeyOptions> mailKeyOptions) : IFileStatementReader
{
    /// <summary>
    /// How much a reader of <paramref name="format"/> reads from storage at a time, or null when the format states
    /// nothing the vault reads (the blob is then not opened). A WACZ or an office document is a ZIP whose directory
    /// sits at its end (as does a plain ZIP's, opened for the chat an iPhone exports in one), a PDF's cross-references are found from its end, and a phone may write a movie's header after
    /// its media, so those are read with ranged requests of 256 KiB; an AMR, AAC (ADTS) or SILK recording's frames are
    /// counted, and an e-mail's attachments hashed and a chat's text read, a megabyte at a time.
    /// </summary>
    public static int? ReadBufferBytes(EvidenceFormat format) => ReaderOf(format) switch
    {
        Reader.Page or Reader.Document or Reader.ChatZip => 256 * 1024,
        Reader.Recording => RecordingInfoReader.ReadBufferBytes(format),
        Reader.Photo => 64 * 1024,
        Reader.Message => MessageInfoReader.ReadBufferBytes,
        Reader.Chat => ChatInfoReader.ReadBufferBytes,
        Reader.TelegramChat => TelegramExportReader.ReadBufferBytes,
        _ => null,
    };

    public async Task<FileStatements> ReadAsync(Stream content, EvidenceFormat format, CancellationToken cancellationToken) => ReaderOf(format) switch
    {
        Reader.Page => new FileStatements(await PageSnapshotOriginReader.ReadAsync(content, format, cancellationToken), null),
        Reader.Recording => new FileStatements(null, await RecordingInfoReader.ReadAsync(content, format, cancellationToken)),
        Reader.Photo => new FileStatements(null, null, await PhotoInfoReader.ReadAsync(content, format, cancellationToken)),
        Reader.Message => new FileStatements(null, null, null, await MessageInfoReader.ReadAsync(content, format, mailKeyOptions.Value.Check ? mailKeys : null, cancellationToken)),
        Reader.Document => new FileStatements(null, null, null, null, await DocumentInfoReader.ReadAsync(content, format, cancellationToken)),
        Reader.Chat => FileStatements.None with { Chat = await ChatInfoReader.ReadAsync(content, cancellationToken) },
        Reader.ChatZip => FileStatements.None with { Chat = await ChatInfoReader.ReadZipAsync(content, cancellationToken) },
        Reader.TelegramChat => FileStatements.None with { Chat = await TelegramExportReader.ReadAsync(content, cancellationToken) },
        _ => FileStatements.None,
    };

    private static Reader ReaderOf(EvidenceFormat format) =>
        format.MediaClass == MediaClass.Page && format.Extension != ".html" ? Reader.Page
        : format.MediaClass is MediaClass.Audio or MediaClass.Video ? Reader.Recording
        : format.ContentType is "image/jpeg" or "image/png" or "image/webp" or "image/heic" or "image/avif" ? Reader.Photo
        : format.MediaClass == MediaClass.Message ? Reader.Message
        : format.MediaClass is MediaClass.Office or MediaClass.Pdf ? Reader.Document
        : format.ContentType == EvidenceFormatDetector.TelegramChatContentType ? Reader.TelegramChat
        : format.MediaClass == MediaClass.Chat ? Reader.Chat
        : format.MediaClass == MediaClass.Archive ? Reader.ChatZip
        : Reader.None;

    private enum Reader
    {
        None,
        Page,
        Recording,
        Photo,
        Message,
        Document,
        Chat,
        ChatZip,
        TelegramChat,
    }
}
