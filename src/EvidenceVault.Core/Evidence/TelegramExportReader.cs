using System.Text;
using System.Text.Json;

namespace EvidenceVault.Evidence;

/// <summary>
/// Recognises one chat exported by Telegram Desktop ("Export chat history" in JSON, saved as <c>result.json</c>) and
/// reads what it says about itself (<see cref="ChatInfo"/>). The export is one JSON object: the chat's <c>name</c>
/// (for a personal chat, the other person as the exporting account names them), its <c>type</c> and <c>id</c>, then
/// <c>messages</c>, each with its <c>type</c> (<c>message</c>, or <c>service</c> for the app's notices), its
/// <c>date</c> by the exporting computer's clock, the writer's name in <c>from</c> and Telegram's id of their account
/// in <c>from_id</c> (stated as <see cref="ChatInfo.Accounts"/>), and its <c>text</c>: a string, or a list of strings and marked parts, among them the links the app
/// showed the victim to tap — written out (<c>link</c>), or behind other words (<c>text_link</c>, whose address is in
/// <c>href</c>), the way a scammer hides a fake page behind "official refund page". Those links are the statement's
/// (the absolute web addresses among them); Telegram marks every address it shows as one. The export is read as it streams, up to
/// <see cref="ChatInfoReader.MaxChatBytes"/>; a longer one, one that is not JSON to its end, or one with a value longer
/// than <see cref="ReadBufferBytes"/> states nothing, and the evidence stands without it.
/// </summary>
public static class TelegramExportReader
{
    /// <summary>How much one read of a stored export brings, and the longest single value the reader can hold.</summary>
    public const int ReadBufferBytes = ChatInfoReader.ReadBufferBytes;

    /// <summary>The chat types Telegram Desktop writes in a single chat's export.</summary>
    private static readonly HashSet<string> ChatTypes = new(StringComparer.Ordinal)
    {
        "personal_chat", "bot_chat", "private_group", "private_supergroup", "public_supergroup", "private_channel", "public_channel", "saved_messages", "replies",
    };

    /// <summary>
    /// Whether <paramref name="head"/>, a file's first bytes, is the start of one chat's export as Telegram Desktop writes
    /// it: a JSON object whose first members are the chat's <c>name</c> (left out for saved messages), a <c>type</c> of
    /// chat Telegram knows, its numeric <c>id</c>, then the <c>messages</c> list. A whole account's export, which starts
    /// otherwise, is not one chat.
    /// </summary>
    public static bool IsExport(ReadOnlySpan<byte> head)
    {
        var reader = new Utf8JsonReader(head, isFinalBlock: false, default);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            var (named, type, numbered) = (false, (string?)null, false);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var member = reader.GetString();
                if (!reader.Read())
                {
                    return false;
                }

                switch (member)
                {
                    case "name" when !named && type is null && reader.TokenType is JsonTokenType.String or JsonTokenType.Null:
                        named = true;
                        break;
                    case "type" when type is null && reader.TokenType == JsonTokenType.String:
                        type = reader.GetString();
                        break;
                    case "id" when type is not null && !numbered && reader.TokenType == JsonTokenType.Number:
                        numbered = true;
                        break;
                    case "messages" when numbered:
                        return reader.TokenType == JsonTokenType.StartArray && ChatTypes.Contains(type!);
                    default:
                        return false;
                }
            }

            return false;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return false; // not JSON, or a string that is not UTF-8
        }
    }

    /// <summary>The statement of <paramref name="content"/>, a Telegram chat export from its first byte; null when none is stated.</summary>
    public static async Task<ChatInfo?> ReadAsync(Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var buffer = new byte[ReadBufferBytes];
        var walk = new ExportWalk();
        var state = new JsonReaderState();
        var (held, total, ended) = (0, 0L, false);
        try
        {
            while (!ended)
            {
                var read = await content.ReadAsync(buffer.AsMemory(held), cancellationToken);
                (held, total, ended) = (held + read, total + read, read == 0);
                if (total > ChatInfoReader.MaxChatBytes)
                {
                    return null;
                }

                var consumed = walk.Step(buffer.AsSpan(0, held), ended, ref state);
                if (consumed == 0 && held == buffer.Length)
                {
                    return null; // one value longer than the buffer
                }

                buffer.AsSpan(consumed, held - consumed).CopyTo(buffer);
                held -= consumed;
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null; // not JSON to its end, or a string that is not UTF-8
        }

        return walk.Statement();
    }

    /// <summary>
    /// The reader's place in the export between reads — which member of the chat, of a message and of a marked part of
    /// its text it is in — and what it has gathered: the statement's writers, count, first and last time, and links.
    /// </summary>
    private sealed class ExportWalk
    {
        // Depths as Utf8JsonReader counts them: the chat object 0, its members 1, a message object 2, a message's
        // members 3, the parts of a text list 4, a marked part's members 5.
        private const int MessageDepth = 2, MemberDepth = 3, PartDepth = 4, PartMemberDepth = 5;

        private readonly ChatTally _tally = new();
        private readonly List<string> _accounts = [];
        private string? _chatMember, _member, _partMember;
        private bool _inMessages;

        // The message being read.
        private string? _type, _date, _from, _fromId;

        // The marked part of its text being read.
        private string? _partType, _partText, _href;

        /// <summary>Reads the whole tokens in <paramref name="data"/>; returns how many of its bytes they took.</summary>
        public int Step(ReadOnlySpan<byte> data, bool final, ref JsonReaderState state)
        {
            var reader = new Utf8JsonReader(data, final, state);
            while (reader.Read())
            {
                Take(ref reader);
            }

            state = reader.CurrentState;
            return (int)reader.BytesConsumed;
        }

        /// <summary>What the export states, or null when it holds no message with a writer.</summary>
        public ChatInfo? Statement() => _tally.Statement(ChatSources.Telegram, _accounts);

        private void Take(ref Utf8JsonReader reader)
        {
            var depth = reader.CurrentDepth;
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName when depth == 1:
                    _chatMember = reader.GetString();
                    break;
                case JsonTokenType.StartArray when depth == 1:
                    _inMessages = _chatMember == "messages";
                    break;
                case JsonTokenType.EndArray when depth == 1:
                    _inMessages = false;
                    break;
                case JsonTokenType.StartObject when depth == MessageDepth && _inMessages:
                    (_type, _date, _from, _fromId, _member) = (null, null, null, null, null);
                    break;
                case JsonTokenType.EndObject when depth == MessageDepth && _inMessages:
                    EndMessage();
                    break;
                case JsonTokenType.PropertyName when depth == MemberDepth && _inMessages:
                    _member = reader.GetString();
                    break;
                case JsonTokenType.String or JsonTokenType.Number when depth == MemberDepth && _inMessages:
                    TakeMember(ref reader);
                    break;
                case JsonTokenType.StartObject when depth == PartDepth && _inMessages && _member == "text":
                    (_partType, _partText, _href, _partMember) = (null, null, null, null);
                    break;
                case JsonTokenType.PropertyName when depth == PartMemberDepth && _inMessages && _member == "text":
                    _partMember = reader.GetString();
                    break;
                case JsonTokenType.String when depth == PartMemberDepth && _inMessages && _member == "text":
                    TakePartMember(reader.GetString()!);
                    break;
                case JsonTokenType.EndObject when depth == PartDepth && _inMessages && _member == "text":
                    EndPart();
                    break;
            }
        }

        private void TakeMember(ref Utf8JsonReader reader)
        {
            var value = reader.TokenType == JsonTokenType.String ? reader.GetString()! : Encoding.UTF8.GetString(reader.ValueSpan);
            switch (_member)
            {
                case "type":
                    _type = value;
                    break;
                case "date":
                    _date = value;
                    break;
                case "from":
                    _from = value;
                    break;
                case "from_id":
                    _fromId = value; // "user123…" now, a bare number in older exports
                    break;
            }
        }

        private void TakePartMember(string value)
        {
            switch (_partMember)
            {
                case "type":
                    _partType = value;
                    break;
                case "text":
                    _partText = value;
                    break;
                case "href":
                    _href = value;
                    break;
            }
        }

        /// <summary>A marked part of a text: a link written out gives itself, a link behind other words its address.</summary>
        private void EndPart()
        {
            if ((_partType == "link" ? _partText : _partType == "text_link" ? _href : null) is { } link)
            {
                TextLinks.Add([link], _tally.Links);
            }
        }

        /// <summary>A message with a writer counts, as WhatsApp's do; the app's notices (<c>service</c>) do not.</summary>
        private void EndMessage()
        {
            if (_type != "message" || _date is null || (_fromId ?? _from) is not { } writer)
            {
                return;
            }

            _tally.Message(_fromId is null ? "name:" + writer : writer, _from, _date);
            if (_accounts.Count < ChatInfoReader.MaxParticipants && _fromId is not null && _fromId.Length <= ChatInfoReader.MaxNameLength && !_accounts.Contains(_fromId))
            {
                _accounts.Add(_fromId);
            }
        }
    }
}
