namespace EvidenceVault.Evidence;

/// <summary>
/// What a reader of exported chats gathers of the messages it finds, bounded as <see cref="ChatInfo"/> keeps it: how
/// many there are, the first and last one's time as written, the writers counted (up to
/// <see cref="ChatInfoReader.MaxWritersCounted"/>) and named in the order they first wrote (up to
/// <see cref="ChatInfoReader.MaxParticipants"/>, each at most <see cref="ChatInfoReader.MaxNameLength"/>), and the links.
/// WhatsApp's text and Telegram's JSON are read apart and counted alike.
/// </summary>
internal sealed class ChatTally
{
    private readonly List<string> _participants = [];
    private readonly HashSet<string> _writers = new(StringComparer.Ordinal);
    private int _messages;
    private string? _first, _last;

    /// <summary>The links found so far, in order, each once (<see cref="TextLinks"/> adds to them).</summary>
    public List<string> Links { get; } = [];

    /// <summary>A message written at <paramref name="at"/> by the writer <paramref name="writer"/> tells apart, under <paramref name="name"/> if it names one.</summary>
    public void Message(string writer, string? name, string at)
    {
        _messages++;
        if (_writers.Count < ChatInfoReader.MaxWritersCounted)
        {
            _writers.Add(writer);
        }

        _first ??= at;
        _last = at;
        if (_participants.Count < ChatInfoReader.MaxParticipants && name is not null && StatementText.Plain(name, ChatInfoReader.MaxNameLength) is { } plain && !_participants.Contains(plain))
        {
            _participants.Add(plain);
        }
    }

    /// <summary>The statement of an export read as <paramref name="source"/> (with the writers' <paramref name="accounts"/>, if it names them), or null when it holds no message with a writer.</summary>
    public ChatInfo? Statement(string source, IReadOnlyList<string>? accounts = null) => _first is null || _last is null
        ? null
        : new ChatInfo
        {
            Source = source,
            Participants = _participants.Count > 0 ? _participants : null,
            Accounts = accounts is { Count: > 0 } ? accounts : null,
            Writers = _writers.Count,
            Messages = _messages,
            FirstMessageAt = _first,
            LastMessageAt = _last,
            Links = Links.Count > 0 ? Links : null,
        };
}
