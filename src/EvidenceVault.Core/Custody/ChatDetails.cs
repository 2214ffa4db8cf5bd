using System.Globalization;
using EvidenceVault.Evidence;

namespace EvidenceVault.Custody;

/// <summary>
/// How an <c>item.received</c> custody line records what an exported chat says (<see cref="ChatInfo"/>), so that
/// statement is hash-chained with the receipt of the bytes and a bundle's <c>items.json</c> can be checked against it.
/// </summary>
public static class ChatDetails
{
    /// <summary>Detail naming the app whose export it was read as (<c>whatsapp</c>, <c>telegram</c>).</summary>
    public const string Source = "chatSource";

    /// <summary>Detail with the writers' names, a JSON array in the order they first wrote.</summary>
    public const string Participants = "chatParticipants";

    /// <summary>Detail with the writers' account ids, a JSON array in the order they first wrote.</summary>
    public const string Accounts = "chatAccounts";

    /// <summary>Detail with how many writers it names in all.</summary>
    public const string Writers = "chatWriters";

    /// <summary>Detail with how many messages with a writer it holds.</summary>
    public const string Messages = "chatMessages";

    /// <summary>Detail with the first message's time, as the export writes it.</summary>
    public const string FirstMessageAt = "chatFirstMessageAt";

    /// <summary>Detail with the last message's time, as the export writes it.</summary>
    public const string LastMessageAt = "chatLastMessageAt";

    /// <summary>Detail with the web addresses its messages hold, a JSON array in order.</summary>
    public const string Links = "chatLinks";

    /// <summary>The details for <paramref name="chat"/>.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Of(ChatInfo chat)
    {
        ArgumentNullException.ThrowIfNull(chat);
        return StatementDetails.Given(
            (Source, chat.Source), (Participants, TextsValue(chat.Participants)), (Accounts, TextsValue(chat.Accounts)), (Writers, chat.Writers.ToString(CultureInfo.InvariantCulture)),
            (Messages, chat.Messages.ToString(CultureInfo.InvariantCulture)),
            (FirstMessageAt, chat.FirstMessageAt), (LastMessageAt, chat.LastMessageAt), (Links, TextsValue(chat.Links)));
    }

    /// <summary>The statement a custody line records, or null when it records none.</summary>
    /// <exception cref="FormatException">A detail the vault did not write.</exception>
    public static ChatInfo? From(IReadOnlyDictionary<string, string>? details) =>
        details is not null && details.TryGetValue(Source, out var source)
            ? new ChatInfo
            {
                Source = source,
                Participants = TextsFrom(details.GetValueOrDefault(Participants)),
                Accounts = TextsFrom(details.GetValueOrDefault(Accounts)),
                Writers = Count(details, Writers),
                Messages = Count(details, Messages),
                FirstMessageAt = Required(details, FirstMessageAt),
                LastMessageAt = Required(details, LastMessageAt),
                Links = TextsFrom(details.GetValueOrDefault(Links)),
            }
            : null;

    /// <summary>The names, accounts or links a <see cref="Participants"/>, <see cref="Accounts"/> or <see cref="Links"/> detail (or an index column) holds.</summary>
    /// <exception cref="FormatException">The detail is not a JSON array of strings.</exception>
    public static IReadOnlyList<string>? TextsFrom(string? value) => StatementDetails.ListFrom<string>(value, "chat's names or links");

    /// <summary>Names, accounts or links as a <see cref="Participants"/>, <see cref="Accounts"/> or <see cref="Links"/> detail holds them.</summary>
    public static string? TextsValue(IReadOnlyList<string>? texts) => StatementDetails.ListValue(texts);

    private static int Count(IReadOnlyDictionary<string, string> details, string name) =>
        int.TryParse(Required(details, name), NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : throw new FormatException($"The chat's {name} is not a count.");

    private static string Required(IReadOnlyDictionary<string, string> details, string name) =>
        details.TryGetValue(name, out var value) ? value : throw new FormatException($"The chat statement has no {name}.");
}
