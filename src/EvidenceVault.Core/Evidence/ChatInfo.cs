namespace EvidenceVault.Evidence;

/// <summary>
/// What an exported chat says about itself: who wrote in it, how many messages it holds, when the first and the
/// last were written by the exporting device's clock, as the export writes those times, and the web addresses its
/// messages point to — in a scam that began in a chat, the scammer's name as the victim's phone showed it, and the fake
/// shop or refund page they sent. Like <see cref="MessageInfo"/>, statements of the file a court expert can read in the
/// file itself (it is plain text, or JSON), kept beside the victim's claims; whoever exports a chat can edit the text,
/// so it says what the export claims.
/// </summary>
public sealed record ChatInfo
{
    /// <summary>Which app's export it was read as (<see cref="ChatSources"/>).</summary>
    public required string Source { get; init; }

    /// <summary>
    /// The names before the messages, in the order they first wrote (at most <see cref="ChatInfoReader.MaxParticipants"/>):
    /// as the export names each writer — a contact's saved name, else the number or the name they gave themselves.
    /// </summary>
    public IReadOnlyList<string>? Participants { get; init; }

    /// <summary>
    /// The writers' accounts, as the app's ids of them, in the order they first wrote (at most
    /// <see cref="ChatInfoReader.MaxParticipants"/>): Telegram's <c>from_id</c> (<c>user7012345678</c>), which stays the
    /// account's whatever name it shows, and which Telegram can be asked about; a deleted account's too. WhatsApp's text
    /// export names no account (an unsaved contact's name is their number).
    /// </summary>
    public IReadOnlyList<string>? Accounts { get; init; }

    /// <summary>
    /// How many writers it names in all — in a scam's group chat, where an "investment teacher" and their helpers talk
    /// to a hundred victims, more than <see cref="Participants"/> lists (the count goes up to
    /// <see cref="ChatInfoReader.MaxWritersCounted"/>). Telegram's are told apart by their account's id, as two accounts
    /// may bear one name.
    /// </summary>
    public required int Writers { get; init; }

    /// <summary>How many messages with a writer it holds (the app's own notices, such as the encryption notice, are not counted).</summary>
    public required int Messages { get; init; }

    /// <summary>
    /// When the first message was written, exactly as the export gives it (<c>03/12/2026, 22:15:32</c>,
    /// <c>2026/12/3 下午10:15</c>, Telegram's <c>2026-12-03T22:15:32</c>): in the exporting device's own date order and
    /// clock, without a zone, so it is stated, not read as a time.
    /// </summary>
    public required string FirstMessageAt { get; init; }

    /// <summary>When the last message was written, as the export gives it.</summary>
    public required string LastMessageAt { get; init; }

    /// <summary>
    /// The web addresses its messages hold, in order, each once (at most <see cref="TextLinks.MaxLinks"/>): written in a
    /// WhatsApp export's text; in a Telegram export, the links the app marked, also those behind other words.
    /// </summary>
    public IReadOnlyList<string>? Links { get; init; }

    /// <summary>Equal when every field is, the participants, accounts and links in the same order.</summary>
    public bool Equals(ChatInfo? other) =>
        other is not null && Source == other.Source && Writers == other.Writers && Messages == other.Messages && FirstMessageAt == other.FirstMessageAt && LastMessageAt == other.LastMessageAt &&
        (Participants ?? []).SequenceEqual(other.Participants ?? []) && (Accounts ?? []).SequenceEqual(other.Accounts ?? []) && (Links ?? []).SequenceEqual(other.Links ?? []);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Source, Writers, Messages, FirstMessageAt, LastMessageAt, Participants?.Count ?? 0, Accounts?.Count ?? 0, Links?.Count ?? 0);
}

/// <summary>The <see cref="ChatInfo.Source"/> values.</summary>
public static class ChatSources
{
    /// <summary>WhatsApp's "Export chat" text, as an Android phone shares it (a <c>.txt</c>), or an iPhone's <c>_chat.txt</c> taken out of its ZIP.</summary>
    public const string WhatsApp = "whatsapp";

    /// <summary>The same text as an iPhone exports it: <c>_chat.txt</c> in a ZIP, beside the photos and voice messages the chat holds.</summary>
    public const string WhatsAppZip = "whatsapp-zip";

    /// <summary>One chat's history as Telegram Desktop exports it in JSON (<c>result.json</c>; <see cref="TelegramExportReader"/>).</summary>
    public const string Telegram = "telegram";
}
