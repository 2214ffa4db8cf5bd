using System.Text;
using EvidenceVault.Evidence;
using EvidenceVault.Testing;

namespace EvidenceVault.Core.Tests.Evidence;

public sealed class TelegramExportReaderTests : IDisposable
{
    /// <summary>
    /// A group chat as Telegram Desktop exported one in 2021 (telegram-chat-parser keeps such an export among its test
    /// data): <c>from_id</c> a bare number, no <c>date_unixtime</c> and no <c>text_entities</c>.
    /// </summary>
    private const string OlderGroupExport = """
        {
         "name": "高回报投资交流群",
         "type": "private_group",
         "id": 9155211900,
         "messages": [
          {
           "id": 321550,
           "type": "service",
           "date": "2021-03-18T15:20:24",
           "actor": "投资导师 Kevin",
           "actor_id": 5069406102,
           "action": "create_group",
           "title": "高回报投资交流群",
           "members": [
            "投资导师 Kevin",
            "助理小美"
           ],
           "text": ""
          },
          {
           "id": 321551,
           "type": "message",
           "date": "2021-03-18T15:20:37",
           "from": "投资导师 Kevin",
           "from_id": 5069406102,
           "text": [
            "今天的指令：在 ",
            {
             "type": "link",
             "text": "https://invest-app.example/trade"
            },
            " 买入。"
           ]
          },
          {
           "id": 321552,
           "type": "message",
           "date": "2021-03-18T15:21:02",
           "from": "助理小美",
           "from_id": 5069406103,
           "text": "收到，老师！"
          }
         ]
        }
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("evidencevault-telegram-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task ReadAsync_PersonalChatExport_StatesWritersCountTimesAndTheLinkBehindOtherWords()
    {
        var chat = SampleTelegramChats.PersonalChat;

        Assert.Equal(chat.Stated, await ReadAsync(chat.Text));
    }

    [Fact]
    public async Task ReadAsync_PersonalChatExport_AgreesWithTelegramChatParser()
    {
        var chat = SampleTelegramChats.PersonalChat;
        var parsed = await SampleTelegramChats.ParseAsync(SampleChats.Write(_folder, chat));

        var stated = await ReadAsync(chat.Text);

        Assert.NotNull(stated);
        Assert.Equal(
            (parsed.Messages, parsed.Writers, Names(parsed.Names), Names(parsed.Accounts), parsed.First, parsed.Last),
            (stated.Messages, stated.Writers, Names(stated.Participants), Names(stated.Accounts), stated.FirstMessageAt, stated.LastMessageAt));
        Assert.Equal(("personal_chat", SampleChats.Scammer), (parsed.Type, parsed.Name));

        // What the app shows of the refund message is the words the page hides behind, not its address: only the export's marks hold it.
        var refund = Assert.Single(parsed.Texts, text => text.Contains(SampleTelegramChats.HiddenLinkWords, StringComparison.Ordinal));
        Assert.DoesNotContain(SampleChats.RefundLink, refund, StringComparison.Ordinal);
        Assert.Contains(SampleChats.RefundLink, stated.Links ?? []);
    }

    [Fact]
    public async Task ReadAsync_OlderExportWithBareNumbersForWriters_StatesTheSame()
    {
        var stated = await ReadAsync(OlderGroupExport);

        Assert.Equal(
            new ChatInfo
            {
                Source = ChatSources.Telegram, Participants = ["投资导师 Kevin", "助理小美"], Accounts = ["5069406102", "5069406103"], Writers = 2, Messages = 2,
                FirstMessageAt = "2021-03-18T15:20:37", LastMessageAt = "2021-03-18T15:21:02", Links = ["https://invest-app.example/trade"],
            },
            stated);
        var parsed = await SampleTelegramChats.ParseAsync(Write("older.json", OlderGroupExport));
        Assert.Equal((parsed.Messages, parsed.Writers, Names(parsed.Names), Names(parsed.Accounts)), (stated?.Messages, stated?.Writers, Names(stated?.Participants), Names(stated?.Accounts)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4093)]
    public async Task ReadAsync_ExportArrivingInPiecesOfAnySize_StatesTheSame(int piece)
    {
        var chat = SampleTelegramChats.PersonalChat;
        await using var trickle = new TricklingStream(Encoding.UTF8.GetBytes(chat.Text), piece);

        Assert.Equal(chat.Stated, await TelegramExportReader.ReadAsync(trickle));
    }

    [Fact]
    public async Task ReadAsync_AWriterWhoseAccountIsDeleted_IsCountedButNotNamed()
    {
        var export = Export(Message(1, "2026-12-03T22:15:32", "null", "\"user7012345678\"", "\"我是客服\""), Message(2, "2026-12-03T22:16:05", "\"李华\"", "\"user5550001234\"", "\"你是谁？\""));

        var stated = await ReadAsync(export);

        Assert.Equal((2, 2, "李华", "user7012345678 | user5550001234"), (stated?.Writers, stated?.Messages, Names(stated?.Participants), Names(stated?.Accounts)));
    }

    [Fact]
    public async Task ReadAsync_AGroupOfManyWriters_NamesTheFirstThirtyTwoAndCountsEveryWriter()
    {
        var export = Export([.. Enumerable.Range(1, 40).Select(i => Message(i, $"2026-12-03T22:{i:00}:00", $"\"Member {i}\"", $"\"user{1000 + i}\"", "\"今天又赚了\""))]);

        var stated = await ReadAsync(export);

        Assert.Equal((40, 40, ChatInfoReader.MaxParticipants, ChatInfoReader.MaxParticipants), (stated?.Writers, stated?.Messages, stated?.Participants?.Count, stated?.Accounts?.Count));
    }

    [Fact]
    public async Task ReadAsync_TwoWritersUnderOneName_AreTwoWriters()
    {
        // A scammer may take the name of the victim's contact: Telegram's id tells the two apart.
        var export = Export(Message(1, "2026-12-03T22:15:32", "\"客服\"", "\"user1\"", "\"a\""), Message(2, "2026-12-03T22:16:05", "\"客服\"", "\"user2\"", "\"b\""));

        var stated = await ReadAsync(export);

        Assert.Equal((2, "客服", "user1 | user2"), (stated?.Writers, Names(stated?.Participants), Names(stated?.Accounts)));
    }

    [Fact]
    public async Task ReadAsync_NoticesOnly_StatesNothing() =>
        Assert.Null(await ReadAsync(Export("""
            {
               "id": 1,
               "type": "service",
               "date": "2026-12-03T22:14:58",
               "actor": "李华",
               "actor_id": "user5550001234",
               "action": "clear_history",
               "text": ""
              }
            """)));

    [Theory]
    [InlineData(200)] // cut off, as by a download that failed
    [InlineData(1000)]
    public async Task ReadAsync_ExportCutOff_StatesNothing(int length) =>
        Assert.Null(await ReadAsync(SampleTelegramChats.PersonalChat.Text[..length]));

    [Fact]
    public async Task ReadAsync_AControlCharacterAsTelegramDesktopEscapesIt_StatesNothing()
    {
        // Telegram Desktop writes a control character other than a line break or tab as \x01, which is not JSON.
        var export = Export(Message(1, "2026-12-03T22:15:32", "\"客服\"", "\"user1\"", "\"a\\x01b\""));

        Assert.Null(await ReadAsync(export));
    }

    [Fact]
    public async Task ReadAsync_AValueLongerThanTheReaderHolds_StatesNothing()
    {
        var export = Export(Message(1, "2026-12-03T22:15:32", "\"客服\"", "\"user1\"", $"\"{new string('a', TelegramExportReader.ReadBufferBytes)}\""));

        Assert.Null(await ReadAsync(export));
    }

    [Fact]
    public async Task ReadAsync_LinksInEveryKindOfPart_KeepsTheMarkedLinksThatAreAbsoluteWebAddresses()
    {
        var text = """
            [
                "看这里 https://unmarked.example/a，",
                { "type": "link", "text": "https://written.example/b" },
                { "type": "text_link", "text": "点这里", "href": "https://hidden.example/c" },
                { "type": "link", "text": "no-scheme.example/d" },
                { "type": "email", "text": "refund@scam.example" },
                { "type": "bold", "text": "https://bold.example/e" },
                { "type": "text_link", "text": "电话", "href": "tg://resolve?domain=scammer" }
               ]
            """;

        var stated = await ReadAsync(Export(Message(1, "2026-12-03T22:15:32", "\"客服\"", "\"user1\"", text)));

        Assert.Equal(["https://written.example/b", "https://hidden.example/c"], stated?.Links);
    }

    [Fact]
    public void Detect_PersonalChatExport_IsAChatFiledAsADocument()
    {
        var format = EvidenceFormatDetector.Detect(Encoding.UTF8.GetBytes(SampleTelegramChats.PersonalChat.Text), "result.json");

        Assert.Equal((EvidenceFormatDetector.TelegramChatContentType, ".json", MediaClass.Chat, EvidenceKind.Document), (format?.ContentType, format?.Extension, format?.MediaClass, format?.DefaultKind));
    }

    [Fact]
    public void Detect_HeadOfALongExport_IsAChat()
    {
        var head = Encoding.UTF8.GetBytes(Export([.. Enumerable.Range(1, 200).Select(i => Message(i, "2026-12-03T22:15:32", "\"客服\"", "\"user1\"", "\"您好\""))]));

        Assert.True(head.Length > EvidenceFormatDetector.HeadLength);
        Assert.Equal(EvidenceFormatDetector.TelegramChatContentType, EvidenceFormatDetector.Detect(head)?.ContentType);
    }

    [Theory]
    [InlineData("{\n \"type\": \"saved_messages\",\n \"id\": 5550001234,\n \"messages\": [\n ]\n}", true)] // saved messages have no name
    [InlineData("{\n \"name\": \"x\",\n \"type\": \"personal_chat\",\n \"id\": 1,\n \"messages\": [\n ]\n}", true)]
    [InlineData("{\n \"name\": null,\n \"type\": \"private_supergroup\",\n \"id\": 1,\n \"messages\": [\n ]\n}", true)] // a chat whose name is gone
    [InlineData("{\n \"about\": \"Here is the data you requested.\",\n \"personal_information\": {}\n}", false)] // a whole account's export
    [InlineData("{\n \"name\": \"x\",\n \"type\": \"diary\",\n \"id\": 1,\n \"messages\": [\n ]\n}", false)] // not a chat type Telegram writes
    [InlineData("{\n \"name\": \"x\",\n \"type\": \"personal_chat\",\n \"id\": \"1\",\n \"messages\": [\n ]\n}", false)]
    [InlineData("{\n \"name\": \"x\",\n \"type\": \"personal_chat\",\n \"id\": 1,\n \"messages\": {}\n}", false)]
    [InlineData("{\n \"messages\": [],\n \"name\": \"x\",\n \"type\": \"personal_chat\",\n \"id\": 1\n}", false)]
    [InlineData("[\n {\n  \"name\": \"x\"\n }\n]", false)]
    [InlineData("{\"name\": \"x\", \"type\": \"personal_chat\"", false)] // too short to tell
    [InlineData("{ \"compilerOptions\": { \"strict\": true } }", false)]
    public void IsExport_TheStartOfAJsonFile_IsOneChatsExportOnlyInTelegramsLayout(string head, bool expected) =>
        Assert.Equal(expected, TelegramExportReader.IsExport(Encoding.UTF8.GetBytes(head)));

    [Fact]
    public void Detect_JsonThatIsNoTelegramExport_IsRefused() =>
        Assert.Null(EvidenceFormatDetector.Detect("{ \"name\": \"evidencevault\", \"version\": \"1.0.0\" }"u8.ToArray(), "package.json"));

    /// <summary>Writers' names in order, one string to compare.</summary>
    private static string Names(IReadOnlyList<string>? names) => string.Join(" | ", names ?? []);

    private static async Task<ChatInfo?> ReadAsync(string export)
    {
        await using var content = new MemoryStream(Encoding.UTF8.GetBytes(export));
        return await TelegramExportReader.ReadAsync(content);
    }

    /// <summary>A personal chat's export holding <paramref name="messages"/>, laid out as Telegram Desktop lays one out.</summary>
    private static string Export(params string[] messages) =>
        $"{{\n \"name\": \"客服\",\n \"type\": \"personal_chat\",\n \"id\": 1,\n \"messages\": [\n  {string.Join(",\n  ", messages)}\n ]\n}}";

    /// <summary>A message object with the JSON values given for its writer's name and id and its text.</summary>
    private static string Message(int id, string date, string from, string fromId, string text) =>
        $"{{\n   \"id\": {id},\n   \"type\": \"message\",\n   \"date\": \"{date}\",\n   \"from\": {from},\n   \"from_id\": {fromId},\n   \"text\": {text}\n  }}";

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }
}
