using System.IO.Compression;
using System.Text;

namespace EvidenceVault.Evidence;

/// <summary>
/// Recognises accepted evidence formats by their magic bytes, never by the name or the declared type, so an
/// executable or a script renamed to <c>.png</c> is refused. Truncated or damaged files of an accepted format are
/// accepted: the vault preserves exactly what the victim has, it does not judge whether it still plays.
/// </summary>
public static class EvidenceFormatDetector
{
    /// <summary>How many leading bytes detection looks at (more are ignored, fewer may be given).</summary>
    public const int HeadLength = 4096;

    /// <summary>The content type of a saved e-mail (RFC 5322 message, <c>.eml</c>).</summary>
    public const string MessageContentType = "message/rfc822";

    /// <summary>The content type of an e-mail Outlook saved (<c>.msg</c>).</summary>
    public const string OutlookMessageContentType = "application/vnd.ms-outlook";

    /// <summary>The content type of a chat exported as text (<c>.txt</c>): UTF-8, as the messaging app writes it.</summary>
    public const string ChatContentType = "text/plain; charset=utf-8";

    /// <summary>The content type of a chat Telegram Desktop exported in JSON (<c>result.json</c>).</summary>
    public const string TelegramChatContentType = "application/json";

    /// <summary>The content type of a Rich Text Format document (<c>.rtf</c>).</summary>
    public const string RtfContentType = "application/rtf";

    private static readonly EvidenceFormat Png = new("image/png", ".png", MediaClass.Image, EvidenceKind.Screenshot);
    private static readonly EvidenceFormat Jpeg = new("image/jpeg", ".jpg", MediaClass.Image, EvidenceKind.Screenshot);
    private static readonly EvidenceFormat Gif = new("image/gif", ".gif", MediaClass.Image, EvidenceKind.Screenshot);
    private static readonly EvidenceFormat WebP = new("image/webp", ".webp", MediaClass.Image, EvidenceKind.Screenshot);
    private static readonly EvidenceFormat Heic = new("image/heic", ".heic", MediaClass.Image, EvidenceKind.Screenshot);
    private static readonly EvidenceFormat Avif = new("image/avif", ".avif", MediaClass.Image, EvidenceKind.Screenshot);
    private static readonly EvidenceFormat Wav = new("audio/wav", ".wav", MediaClass.Audio, EvidenceKind.Audio);
    private static readonly EvidenceFormat Mp3 = new("audio/mpeg", ".mp3", MediaClass.Audio, EvidenceKind.Audio);
    private static readonly EvidenceFormat Aac = new("audio/aac", ".aac", MediaClass.Audio, EvidenceKind.Audio);
    private static readonly EvidenceFormat M4a = new("audio/mp4", ".m4a", MediaClass.Audio, EvidenceKind.Audio);
    private static readonly EvidenceFormat Amr = new("audio/amr", ".amr", MediaClass.Audio, EvidenceKind.Audio);
    private static readonly EvidenceFormat AmrWb = new("audio/amr-wb", ".awb", MediaClass.Audio, EvidenceKind.Audio);
    private static readonly EvidenceFormat Silk = new("audio/silk", ".silk", MediaClass.Audio, EvidenceKind.Audio);
    private static readonly EvidenceFormat Ogg = new("audio/ogg", ".ogg", MediaClass.Audio, EvidenceKind.Audio);
    private static readonly EvidenceFormat Flac = new("audio/flac", ".flac", MediaClass.Audio, EvidenceKind.Audio);
    private static readonly EvidenceFormat Mp4 = new("video/mp4", ".mp4", MediaClass.Video, EvidenceKind.Video);
    private static readonly EvidenceFormat QuickTime = new("video/quicktime", ".mov", MediaClass.Video, EvidenceKind.Video);
    private static readonly EvidenceFormat ThreeGp = new("video/3gpp", ".3gp", MediaClass.Video, EvidenceKind.Video);
    private static readonly EvidenceFormat WebM = new("video/webm", ".webm", MediaClass.Video, EvidenceKind.Video);
    private static readonly EvidenceFormat Pdf = new("application/pdf", ".pdf", MediaClass.Pdf, EvidenceKind.Document);
    private static readonly EvidenceFormat Mhtml = new("multipart/related", ".mhtml", MediaClass.Page, EvidenceKind.PageSnapshot);
    private static readonly EvidenceFormat Html = new("text/html", ".html", MediaClass.Page, EvidenceKind.PageSnapshot);
    private static readonly EvidenceFormat Warc = new("application/warc", ".warc", MediaClass.Page, EvidenceKind.PageSnapshot);
    private static readonly EvidenceFormat WarcGzip = new("application/gzip", ".warc.gz", MediaClass.Page, EvidenceKind.PageSnapshot);
    private static readonly EvidenceFormat Wacz = new("application/wacz", ".wacz", MediaClass.Page, EvidenceKind.PageSnapshot);
    private static readonly EvidenceFormat WebArchive = new("application/x-webarchive", ".webarchive", MediaClass.Page, EvidenceKind.PageSnapshot);
    private static readonly EvidenceFormat Zip = new("application/zip", ".zip", MediaClass.Archive, EvidenceKind.Document);
    private static readonly EvidenceFormat Eml = new(MessageContentType, ".eml", MediaClass.Message, EvidenceKind.Document);
    private static readonly EvidenceFormat Rtf = OfficeDocuments.Format(RtfContentType, ".rtf");
    private static readonly EvidenceFormat ChatText = new(ChatContentType, ".txt", MediaClass.Chat, EvidenceKind.Document);
    private static readonly EvidenceFormat TelegramChat = new(TelegramChatContentType, ".json", MediaClass.Chat, EvidenceKind.Document);

    /// <summary>The magic line of a SILK v3 stream (the Skype SILK SDK's file format).</summary>
    internal static ReadOnlySpan<byte> SilkMagic => "#!SILK_V3"u8;

    /// <summary>The byte WeChat and QQ write before a SILK stream's magic line.</summary>
    internal const byte TencentSilkByte = 0x02;

    /// <summary>Header fields only delivery writes into a message; a browser's MHTML, which is a message too, has none of them.</summary>
    private static readonly string[] DeliveryFields = ["Received", "Message-ID", "Return-Path", "Delivered-To"];

    private static readonly Dictionary<string, EvidenceFormat> FormatsByContentType = new EvidenceFormat[]
    {
        Png, Jpeg, Gif, WebP, Heic, Avif, Wav, Mp3, Aac, M4a, Amr, AmrWb, Silk, Ogg, Flac, Mp4, QuickTime, ThreeGp, WebM, Pdf, Mhtml, Html, Warc, WarcGzip, Wacz, WebArchive, Zip, Eml, Rtf, ChatText, TelegramChat,
    }.Concat(OfficeDocuments.All).Concat(CompoundFiles.All).ToDictionary(f => f.ContentType, StringComparer.OrdinalIgnoreCase);

    /// <summary>The file extension (with the dot) the vault uses for a content type it recorded; <c>.bin</c> if unknown.</summary>
    public static string ExtensionFor(string contentType) =>
        FormatsByContentType.TryGetValue(contentType, out var format) ? format.Extension : ".bin";

    /// <summary>
    /// The format the vault recorded under <paramref name="contentType"/> when it received a file, or null for one it
    /// does not know: what a file was filed as stays what it is, though the vault may recognise more since.
    /// </summary>
    public static EvidenceFormat? Recorded(string? contentType) =>
        contentType is not null && FormatsByContentType.TryGetValue(contentType, out var format) ? format : null;

    /// <summary>
    /// Detects the format from the first bytes of a file (up to <see cref="HeadLength"/>) and, for a compound file,
    /// the first bytes of its directory (<paramref name="directory"/>, gathered by <see cref="FormatSample"/>);
    /// <paramref name="fileName"/> only helps tell a WACZ or an office document from another ZIP. Returns null for
    /// anything that is not accepted evidence.
    /// </summary>
    public static EvidenceFormat? Detect(ReadOnlySpan<byte> head, string? fileName = null, ReadOnlySpan<byte> directory = default)
    {
        if (head.Length > HeadLength)
        {
            head = head[..HeadLength];
        }

        return DetectBinary(head, fileName, directory) ?? DetectText(head);
    }

    private static EvidenceFormat? DetectBinary(ReadOnlySpan<byte> head, string? fileName, ReadOnlySpan<byte> directory)
    {
        if (CompoundFiles.IsCompoundFile(head))
        {
            return CompoundFiles.Detect(head, directory);
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return Png;
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return Jpeg;
        }

        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8))
        {
            return Gif;
        }

        if (head.Length >= 12 && head.StartsWith("RIFF"u8))
        {
            var form = head.Slice(8, 4);
            return form.SequenceEqual("WEBP"u8) ? WebP : form.SequenceEqual("WAVE"u8) ? Wav : null;
        }

        if (head.Length >= 12 && head.Slice(4, 4).SequenceEqual("ftyp"u8))
        {
            return DetectIsoMedia(head);
        }

        if (head.Length >= 8 && (head.Slice(4, 4).SequenceEqual("moov"u8) || head.Slice(4, 4).SequenceEqual("mdat"u8) || head.Slice(4, 4).SequenceEqual("wide"u8)))
        {
            return QuickTime; // QuickTime files from older iPhones start without an ftyp box.
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0x1A, 0x45, 0xDF, 0xA3]))
        {
            return WebM; // EBML: WebM and Matroska.
        }

        if (head.StartsWith("OggS"u8))
        {
            return Ogg;
        }

        if (head.StartsWith("fLaC"u8))
        {
            return Flac;
        }

        if (head.StartsWith("#!AMR-WB\n"u8))
        {
            return AmrWb;
        }

        if (head.StartsWith("#!AMR\n"u8))
        {
            return Amr;
        }

        if (head.StartsWith(SilkMagic) || (head.Length > 0 && head[0] == TencentSilkByte && head[1..].StartsWith(SilkMagic)))
        {
            return Silk; // a WeChat or QQ voice message (behind Tencent's 0x02 byte), whatever its name says (WeChat's say .amr)
        }

        if (head.StartsWith(BinaryPropertyList.Magic) && head.IndexOf("WebMainResource"u8) >= 0)
        {
            return WebArchive; // Safari's saved page: a binary property list whose top dictionary's first key names the page
        }

        if (head.StartsWith("ID3"u8))
        {
            return Mp3;
        }

        if (head.Length >= 2 && head[0] == 0xFF)
        {
            // ADTS AAC: sync 0xFFF, layer 00. MPEG audio (MP3): sync 0xFFE, layer not 00.
            if ((head[1] & 0xF6) == 0xF0)
            {
                return Aac;
            }

            if ((head[1] & 0xE0) == 0xE0 && ((head[1] >> 1) & 0x3) != 0)
            {
                return Mp3;
            }
        }

        if (head.StartsWith("%PDF-"u8))
        {
            return Pdf;
        }

        if (head.StartsWith("{\\rtf"u8))
        {
            return Rtf; // Rich Text Format: the contract as WordPad, Word or a shop's system writes it
        }

        if (head.StartsWith("WARC/1."u8))
        {
            return Warc;
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B]))
        {
            return IsGzippedWarc(head) ? WarcGzip : null;
        }

        if (head.StartsWith("PK\u0003\u0004"u8))
        {
            return IsWacz(head, fileName) ? Wacz : OfficeDocuments.Detect(head, fileName) ?? Zip;
        }

        return null;
    }

    private static EvidenceFormat? DetectIsoMedia(ReadOnlySpan<byte> head)
    {
        var brand = Encoding.ASCII.GetString(head.Slice(8, 4));
        return brand switch
        {
            "heic" or "heix" or "hevc" or "hevx" or "heim" or "heis" or "hevm" or "hevs" or "mif1" or "msf1" => Heic,
            "avif" or "avis" => Avif,
            "M4A " or "M4B " or "M4P " => M4a,
            "qt  " => QuickTime,
            _ when brand.StartsWith("3g", StringComparison.Ordinal) => ThreeGp,
            "isom" or "iso2" or "iso4" or "iso5" or "iso6" or "mp41" or "mp42" or "avc1" or "dash" or "M4V " or "MSNV" or "f4v " => Mp4,
            _ => null,
        };
    }

    private static bool IsWacz(ReadOnlySpan<byte> head, string? fileName)
    {
        if (fileName is not null && fileName.EndsWith(".wacz", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        // A local file header names its entry at offset 30; WACZ writers put datapackage.json or archive/ first.
        if (head.Length < 30)
        {
            return false;
        }

        var nameLength = head[26] | (head[27] << 8);
        if (head.Length < 30 + nameLength)
        {
            return false;
        }

        var name = Encoding.UTF8.GetString(head.Slice(30, nameLength));
        return name is "datapackage.json" or "datapackage-digest.json" || name.StartsWith("archive/", StringComparison.Ordinal);
    }

    private static bool IsGzippedWarc(ReadOnlySpan<byte> head)
    {
        // Inflate just enough of the first member to see whether it is a WARC record. The head is at most
        // HeadLength (4 KiB) bytes, so copying it for GZipStream is bounded.
        try
        {
            using var compressed = new MemoryStream(head.ToArray(), writable: false);
            using var gzip = new GZipStream(compressed, CompressionMode.Decompress);
            Span<byte> start = stackalloc byte[7];
            var read = gzip.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
            return read == start.Length && start.SequenceEqual("WARC/1."u8);
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    private static EvidenceFormat? DetectText(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            head = head[3..];
        }

        // Latin-1 maps bytes one to one, so markup is found whatever the page's real encoding.
        var text = Encoding.Latin1.GetString(head).TrimStart();
        if (IsReceivedMessage(text, cutOff: head.Length == HeadLength))
        {
            return Eml;
        }

        if (IsMhtml(text))
        {
            return Mhtml;
        }

        var lower = text.ToLowerInvariant();
        if (lower.StartsWith("<!doctype html", StringComparison.Ordinal) || lower.StartsWith("<html", StringComparison.Ordinal) ||
            lower.StartsWith("<head", StringComparison.Ordinal) || (lower.StartsWith("<!--", StringComparison.Ordinal) && lower.Contains("<html", StringComparison.Ordinal)))
        {
            return Html;
        }

        return TelegramExportReader.IsExport(head) ? TelegramChat : ChatInfoReader.IsChatExport(head) ? ChatText : null;
    }

    /// <summary>
    /// Whether <paramref name="head"/> begins a mailbox export (mbox, RFC 4155): a <c>From </c> separator line (Google
    /// Takeout's <c>From 1785…@xxx Fri Nov 20 14:03:21 +0000 2026</c>, Thunderbird's <c>From - Fri Nov 20 14:03:21 2026</c>)
    /// followed by a received e-mail's header. Such a file holds a whole folder of mails, the owner's private ones among
    /// them, so the vault refuses it and asks for the one mail instead; it is no evidence format of its own.
    /// </summary>
    public static bool IsMailbox(ReadOnlySpan<byte> head)
    {
        if (!head.StartsWith("From "u8) || head.IndexOf((byte)'\n') is not (> 5 and var end))
        {
            return false;
        }

        return IsReceivedMessage(Encoding.Latin1.GetString(head[(end + 1)..]), cutOff: head.Length == HeadLength);
    }

    /// <summary>
    /// A received e-mail as mail programs save it (RFC 5322): every line up to the first blank one a header field
    /// (<c>Name: value</c>) or the folded rest of one, among them a field only delivery writes. A long header may run
    /// past the head, whose last line is then cut off and not judged.
    /// </summary>
    private static bool IsReceivedMessage(string text, bool cutOff)
    {
        var blank = text.IndexOf("\n\n", StringComparison.Ordinal) is var lf and >= 0 ? lf : int.MaxValue;
        var crlf = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        blank = crlf >= 0 && crlf < blank ? crlf : blank;
        var lines = (blank == int.MaxValue ? text : text[..blank]).Split('\n');
        if (blank == int.MaxValue && (cutOff || lines[^1].Length == 0))
        {
            lines = lines[..^1]; // cut off by the head's end, or the break that ends a file of header fields alone
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Select(line => line.TrimEnd('\r')))
        {
            if (line.Length > 0 && line[0] is ' ' or '\t')
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !line[..colon].All(c => c is > ' ' and < (char)127))
            {
                return false;
            }

            names.Add(line[..colon]);
        }

        return DeliveryFields.Any(names.Contains) && !names.Contains("Snapshot-Content-Location");
    }

    private static bool IsMhtml(string text)
    {
        // MHTML is a MIME message: header lines up to the first blank line, one of them Content-Type: multipart/related.
        var end = text.IndexOf("\n\n", StringComparison.Ordinal) is var lf and >= 0 ? lf : text.Length;
        var crlf = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (crlf >= 0 && crlf < end)
        {
            end = crlf;
        }

        var headers = text[..end];
        var firstLine = headers.Split('\n', 2)[0];
        var colon = firstLine.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && firstLine[..colon].All(c => char.IsAsciiLetterOrDigit(c) || c == '-') &&
               headers.Contains("multipart/related", StringComparison.OrdinalIgnoreCase);
    }
}
