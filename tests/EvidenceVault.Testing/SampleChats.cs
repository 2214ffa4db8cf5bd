using System.IO.Compression;
using System.Text;
using System.Text.Json;
using EvidenceVault.Evidence;

namespace EvidenceVault.Testing;

/// <summary>
/// A refund scam that began in a WhatsApp chat, exported with "Export chat" as the victim's phone writes it: one line per
/// message (more for a message of several lines), the phone's date and time, the writer's name as the phone shows it,
/// <c>": "</c> and the text; the app's own notices without a writer. Written in the three layouts phones use — Android in
/// English (12-hour clock, a narrow no-break space before <c>PM</c>), Android in Chinese (<c>下午</c> before the time)
/// and an iPhone (brackets, seconds, CRLF, left-to-right marks before attachments) — and read again by
/// whatsapp-chat-parser (pinned in <c>tests/clients/whatsapp-node</c>, run by Node), a reader of WhatsApp's exports of its own.
/// </summary>
public static class SampleChats
{
    /// <summary>The scammer, as the victim's phone names them: the name they gave themselves.</summary>
    public const string Scammer = "JD Refund Service 京东退款客服";

    /// <summary>The victim, as WhatsApp names the exporting phone's owner.</summary>
    public const string Victim = "李华";

    /// <summary>The fake refund page the scammer sent.</summary>
    public const string RefundLink = "https://refund-center.example/order/114-3941689-8772232/refund";

    /// <summary>The "refund app" the scammer asked the victim to install.</summary>
    public const string AppLink = "https://jd-refund-app.example/download.apk";

    private static readonly JsonSerializerOptions ParserOutput = new(JsonSerializerDefaults.Web);

    /// <summary>Android in English: <c>12/3/26, 10:15 PM - …</c>, LF line breaks.</summary>
    public static SampleChat AndroidEnglish { get; } = Android(
        "WhatsApp Chat with JD Refund Service 京东退款客服.txt",
        (day, time) => $"{day}, {time.Replace(" ", "\u202F", StringComparison.Ordinal)} - ",
        "Messages and calls are end-to-end encrypted. Only people in this chat can read, listen to, or share them. Learn more.",
        "<Media omitted>",
        ("12/3/26", "10:15 PM"), ("12/3/26", "10:16 PM"), ("12/3/26", "10:17 PM"), ("12/3/26", "10:20 PM"), ("12/3/26", "10:21 PM"), ("12/4/26", "9:02 AM"));

    /// <summary>Android in Chinese: <c>2026/12/3 下午10:15 - …</c>.</summary>
    public static SampleChat AndroidChinese { get; } = Android(
        "与JD Refund Service 京东退款客服的 WhatsApp 聊天.txt",
        (day, time) => $"{day} {time} - ",
        "消息和通话已进行端到端加密。只有此聊天中的成员可以查看、收听或分享。了解详情。",
        "<省略影音内容>",
        ("2026/12/3", "下午10:15"), ("2026/12/3", "下午10:16"), ("2026/12/3", "下午10:17"), ("2026/12/3", "下午10:20"), ("2026/12/3", "下午10:21"), ("2026/12/4", "上午9:02"));

    /// <summary>An iPhone's <c>_chat.txt</c>: <c>[03/12/2026, 22:15:32] …</c>, CRLF, the encryption notice under the chat's name.</summary>
    public static SampleChat IPhone { get; } = new(
        "_chat.txt",
        string.Join("\r\n",
            $"[03/12/2026, 22:15:32] {Scammer}: \u200EMessages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them.",
            $"[03/12/2026, 22:15:40] {Scammer}: Hello, this is JD customer service. Your order 114-3941689-8772232 was charged twice.",
            $"[03/12/2026, 22:16:05] {Victim}: 什么问题？",
            $"[03/12/2026, 22:17:12] {Scammer}: Please apply for your refund here: {RefundLink}",
            "Enter your bank card and the code we send you.",
            $"\u200E[03/12/2026, 22:20:11] {Victim}: \u200Eimage omitted",
            $"[03/12/2026, 22:21:30] {Scammer}: Thank you. To finish, install our refund app:",
            $"{AppLink}.",
            $"[04/12/2026, 09:02:47] {Victim}: 我被骗了 38,000 元。你们到底是谁？",
            string.Empty),
        new ChatInfo
        {
            Source = ChatSources.WhatsApp, Participants = [Scammer, Victim], Writers = 2, Messages = 7,
            FirstMessageAt = "03/12/2026, 22:15:32", LastMessageAt = "04/12/2026, 09:02:47", Links = [RefundLink, AppLink],
        });

    /// <summary>The three layouts.</summary>
    public static IReadOnlyList<SampleChat> All { get; } = [AndroidEnglish, AndroidChinese, IPhone];

    /// <summary>Writes <paramref name="chat"/> (a WhatsApp or a Telegram export) into <paramref name="folder"/> under its name, in UTF-8 without a byte-order mark as the apps write it; returns the path.</summary>
    public static string Write(string folder, SampleChat chat)
    {
        ArgumentNullException.ThrowIfNull(chat);
        var path = Path.Combine(folder, chat.FileName);
        File.WriteAllText(path, chat.Text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        return path;
    }

    /// <summary>
    /// The ZIP an iPhone exports the chat in (<c>WhatsApp Chat - …zip</c>): its text as <c>_chat.txt</c>, deflated, beside
    /// the photo the victim sent (the shared screenshot, as WhatsApp names an attachment), written to <paramref name="path"/>.
    /// </summary>
    public static string IPhoneZip(string path)
    {
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using (var chat = new StreamWriter(zip.CreateEntry(ChatInfoReader.ZipChatName, CompressionLevel.Optimal).Open(), new UTF8Encoding(false)))
            {
                chat.Write(IPhone.Text);
            }

            zip.CreateEntryFromFile(SampleEvidence.PathOf("screenshot-refund-page.jpg"), "00000006-PHOTO-2026-12-03-22-20-11.jpg");
        }

        return path;
    }

    /// <summary>What whatsapp-chat-parser reads in the export at <paramref name="path"/>: its messages with a writer, their writers in the order they first wrote, and each one's text.</summary>
    public static Task<ParsedChat> ParseAsync(string path) => RunParserAsync<ParsedChat>("whatsapp-node", path);

    /// <summary>What the reader of exported chats in <c>tests/clients/<paramref name="client"/></c> prints, as JSON, for the export at <paramref name="path"/>.</summary>
    internal static async Task<T> RunParserAsync<T>(string client, string path)
    {
        var parsed = await ExternalTool.RunAsync("node", Path.Combine(SampleEvidence.RepositoryRoot, "tests", "clients", client), "parse.mjs", path);
        return parsed.ExitCode == 0
            ? JsonSerializer.Deserialize<T>(parsed.Output, ParserOutput) ?? throw new InvalidOperationException("The parser printed null.")
            : throw new InvalidOperationException(parsed.Output);
    }

    /// <summary>An Android export of the same chat: its lines start with <paramref name="at"/>'s writing of each message's day and time.</summary>
    private static SampleChat Android(string fileName, Func<string, string, string> at, string encryptionNotice, string mediaOmitted, params (string Day, string Time)[] times)
    {
        var starts = times.Select(time => at(time.Day, time.Time)).ToArray(); // the six messages' line starts
        var lines = new[]
        {
            starts[0] + encryptionNotice,
            starts[0] + $"{Scammer}: Hello, this is JD customer service. Your order 114-3941689-8772232 was charged twice.",
            starts[1] + $"{Victim}: 什么问题？",
            starts[2] + $"{Scammer}: Please apply for your refund here: {RefundLink}",
            "Enter your bank card and the code we send you.",
            starts[3] + $"{Victim}: {mediaOmitted}",
            starts[4] + $"{Scammer}: Thank you. To finish, install our refund app:",
            $"{AppLink}.",
            starts[5] + $"{Victim}: 我被骗了 38,000 元。你们到底是谁？",
            string.Empty,
        };
        var (first, last) = (starts[0], starts[^1]);
        return new SampleChat(
            fileName,
            string.Join("\n", lines),
            new ChatInfo
            {
                Source = ChatSources.WhatsApp, Participants = [Scammer, Victim], Writers = 2, Messages = 6,
                FirstMessageAt = first[..first.LastIndexOf(" - ", StringComparison.Ordinal)], LastMessageAt = last[..last.LastIndexOf(" - ", StringComparison.Ordinal)],
                Links = [RefundLink, AppLink],
            });
    }
}

/// <summary>A sample exported chat: the name the app gives the file, its text, and what it states.</summary>
public sealed record SampleChat(string FileName, string Text, ChatInfo Stated);

/// <summary>What whatsapp-chat-parser reads in an export.</summary>
public sealed record ParsedChat(int Messages, IReadOnlyList<string> Writers, IReadOnlyList<string> Texts);
