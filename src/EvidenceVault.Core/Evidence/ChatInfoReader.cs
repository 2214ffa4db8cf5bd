using System.Text;
using System.Text.RegularExpressions;

namespace EvidenceVault.Evidence;

/// <summary>
/// Recognises a chat exported as text and reads what it says about itself (<see cref="ChatInfo"/>). WhatsApp's
/// "Export chat" writes one line per message, or more for a message of several lines: the phone's date and time, in
/// brackets on an iPhone (<c>[03/12/2026, 22:15:32] 客服小王: 您好</c>) or before a dash on Android
/// (<c>12/3/26, 10:15 PM - 客服小王: 您好</c>), in the phone's own date order, clock and language
/// (<c>2026/12/3 下午10:15 - …</c>), then the writer's name and the text; the app's own notices carry no name. A line that
/// starts otherwise continues the message before it. The whole export is read, up to <see cref="MaxChatBytes"/>; a longer
/// one, or one with a line longer than <see cref="HeaderBlockReader.MaxHeaderBytes"/>, states nothing, and the evidence
/// stands without it. An iPhone exports a ZIP: the chat as <see cref="ZipChatName"/> beside the photos and voice
/// messages it holds (<see cref="ReadZipAsync"/>).
/// </summary>
public static partial class ChatInfoReader
{
    /// <summary>How much one read of a stored export should bring.</summary>
    public const int ReadBufferBytes = 1024 * 1024;

    /// <summary>The longest export read: years of a busy chat's text.</summary>
    public const long MaxChatBytes = 64L * 1024 * 1024;

    /// <summary>At most this many writers are named.</summary>
    public const int MaxParticipants = 32;

    /// <summary>At most this many different writers are counted (a WhatsApp group holds at most 1,024 members).</summary>
    public const int MaxWritersCounted = 4096;

    /// <summary>The longest writer's name kept; a longer one is left out rather than cut.</summary>
    public const int MaxNameLength = 128;

    /// <summary>The name an iPhone gives the chat's text in the ZIP it exports.</summary>
    public const string ZipChatName = "_chat.txt";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Whether <paramref name="head"/>, a file's first bytes after any byte-order mark, is the start of an exported chat:
    /// UTF-8 text without control characters other than tabs and line breaks, whose first line starts with a message's
    /// date and time as the app writes them.
    /// </summary>
    public static bool IsChatExport(ReadOnlySpan<byte> head)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(head[..CompleteLength(head)]);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        var firstLine = text.Split('\n', 2)[0].TrimEnd('\r');
        return !text.Any(c => char.IsControl(c) && c is not ('\t' or '\r' or '\n')) && MessageLine().IsMatch(firstLine);
    }

    /// <summary>
    /// The statement of the chat a ZIP holds as <see cref="ZipChatName"/> at its top, as an iPhone exports one, with
    /// <see cref="ChatSources.WhatsAppZip"/> as its source; null for a ZIP without one (or whose directory is larger than
    /// a package's may be), or one whose chat states nothing.
    /// </summary>
    /// <param name="content">The ZIP, seekable.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    public static async Task<ChatInfo?> ReadZipAsync(Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        try
        {
            await using var zip = await ZipPackages.OpenAsync(content, cancellationToken);
            if (zip?.GetEntry(ZipChatName) is not { } entry)
            {
                return null;
            }

            await using var text = await entry.OpenAsync(cancellationToken);
            return await ReadAsync(text, cancellationToken) is { } chat ? chat with { Source = ChatSources.WhatsAppZip } : null;
        }
        catch (InvalidDataException)
        {
            return null; // a damaged ZIP, or a damaged chat in it
        }
    }

    /// <summary>The statement of <paramref name="content"/>, a chat export from its first byte; null when none is stated.</summary>
    public static async Task<ChatInfo?> ReadAsync(Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var reader = new HeaderBlockReader(content, MaxChatBytes + 1);
        var tally = new ChatTally();
        try
        {
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (MessageLine().Match(line) is { Success: true } message && message.Groups["writer"] is { Success: true } writer)
                {
                    tally.Message(writer.Value, writer.Value, message.Groups["at"].Value);
                }

                if (tally.Links.Count < TextLinks.MaxLinks)
                {
                    TextLinks.AddWritten(line, tally.Links);
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or RegexMatchTimeoutException)
        {
            return null;
        }

        return reader.Consumed > MaxChatBytes ? null : tally.Statement(ChatSources.WhatsApp);
    }

    /// <summary>How many of <paramref name="head"/>'s bytes end on a whole UTF-8 character: a head cut off inside one leaves it out.</summary>
    private static int CompleteLength(ReadOnlySpan<byte> head)
    {
        for (var back = 1; back <= Math.Min(4, head.Length); back++)
        {
            var b = head[^back];
            if ((b & 0xC0) != 0x80)
            {
                var length = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
                return length > back ? head.Length - back : head.Length;
            }
        }

        return head.Length;
    }

    /// <summary>
    /// The start of a message line: direction marks the app writes before some lines; the date (day, month and year in
    /// the phone's order, by slashes, dots or dashes); the time, after a word such as <c>下午</c> or <c>klo</c> and before
    /// one such as <c>PM</c>, in brackets or followed by a dash; then, for a message rather than a notice, the writer and
    /// <c>": "</c>. The bundle guide's Perl command spells the same pattern.
    /// </summary>
    [GeneratedRegex(
        @"^[\uFEFF\u200E\u200F]*\[?(?<at>[0-9]{1,4}[./-] ?[0-9]{1,2}[./-] ?[0-9]{1,4},?[ \u00A0\u202F]\p{L}{0,4} ?[0-9]{1,2}[:.][0-9]{2}(?:[:.][0-9]{2})?(?:[ \u00A0\u202F]?(?:[AaPp]\.? ?[Mm]\.?|\p{L}{1,4}))?)(?:\] | - )(?:(?<writer>[^:]+?): )?",
        RegexOptions.None,
        matchTimeoutMilliseconds: 100)]
    private static partial Regex MessageLine();
}
