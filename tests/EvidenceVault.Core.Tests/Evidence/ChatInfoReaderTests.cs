using System.Text;
using EvidenceVault.Evidence;
using EvidenceVault.Testing;

namespace EvidenceVault.Core.Tests.Evidence;

public sealed class ChatInfoReaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("evidencevault-chat-").FullName;

    public static TheoryData<string> Layouts() => new(SampleChats.All.Select(chat => chat.FileName));

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [MemberData(nameof(Layouts))]
    public async Task ReadAsync_ExportInEachLayout_StatesWritersCountTimesAndLinks(string fileName)
    {
        var chat = SampleChats.All.Single(sample => sample.FileName == fileName);

        var stated = await ReadAsync(chat.Text);

        Assert.Equal(chat.Stated, stated);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public async Task ReadAsync_ExportInEachLayout_AgreesWithWhatsAppChatParser(string fileName)
    {
        var chat = SampleChats.All.Single(sample => sample.FileName == fileName);
        var parsed = await SampleChats.ParseAsync(SampleChats.Write(_folder, chat));

        var stated = await ReadAsync(chat.Text);

        Assert.NotNull(stated);
        Assert.Equal(parsed.Messages, stated.Messages);
        Assert.Equal(parsed.Writers, stated.Participants);
        Assert.Equal([SampleChats.RefundLink, SampleChats.AppLink], parsed.Texts.SelectMany(text => text.Split(' ', '\n', '\r')).Where(word => word.StartsWith("https://", StringComparison.Ordinal)).Select(link => link.TrimEnd('.')));
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Detect_ExportInEachLayout_IsAChatFiledAsADocument(string fileName)
    {
        var chat = SampleChats.All.Single(sample => sample.FileName == fileName);

        var format = EvidenceFormatDetector.Detect(Encoding.UTF8.GetBytes(chat.Text), "chat.txt");

        Assert.Equal((EvidenceFormatDetector.ChatContentType, ".txt", MediaClass.Chat, EvidenceKind.Document), (format?.ContentType, format?.Extension, format?.MediaClass, format?.DefaultKind));
    }

    [Theory]
    [InlineData("\uFEFF")] // a byte-order mark, as an editor may add when the victim opens and saves the export
    [InlineData("\u200E")] // the left-to-right mark an iPhone writes before a line with an attachment
    public void Detect_ExportAfterAMark_IsAChat(string mark) =>
        Assert.Equal(EvidenceFormatDetector.ChatContentType, EvidenceFormatDetector.Detect(Encoding.UTF8.GetBytes(mark + SampleChats.IPhone.Text))?.ContentType);

    [Fact]
    public void Detect_HeadCutInsideAChineseCharacter_IsStillAChat()
    {
        const string Start = "2026/12/3 下午10:15 - 客服: ";
        var padding = Enumerable.Range(0, 3).First(pad => (EvidenceFormatDetector.HeadLength - Encoding.UTF8.GetByteCount(Start) - pad) % 3 != 0);
        var bytes = Encoding.UTF8.GetBytes(Start + new string(' ', padding) + new string('您', 2000) + "\n");

        Assert.Equal(0x80, bytes[EvidenceFormatDetector.HeadLength] & 0xC0); // the head ends inside a character
        Assert.Equal(EvidenceFormatDetector.ChatContentType, EvidenceFormatDetector.Detect(bytes)?.ContentType);
    }

    [Theory]
    [InlineData("Meeting notes\n12/3/26, 10:15 PM - Alice: hello\n")] // the first line is not a message
    [InlineData("#!/bin/sh\n12/3/26, 10:15 PM - Alice: hello\n")] // a script
    [InlineData("12/3/26 - Alice: hello\n")] // a date without a time
    [InlineData("12/3/26, 10:15 PM - Alice: hello\u0000\u0001\n")] // control characters: not text
    [InlineData("2026-12-03T22:15:00Z INFO started\n")] // a log's ISO time is not how a chat app writes one
    public void Detect_TextThatIsNoExportedChat_IsRefused(string text) =>
        Assert.Null(EvidenceFormatDetector.Detect(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void Detect_InvalidUtf8_IsRefused() =>
        Assert.Null(EvidenceFormatDetector.Detect([.. "12/3/26, 10:15 PM - Alice: "u8, 0xC3, 0x28, (byte)'\n']));

    [Fact]
    public void Detect_GbkText_IsRefused() =>
        Assert.Null(EvidenceFormatDetector.Detect(CodePagesEncodingProvider.Instance.GetEncoding(936)!.GetBytes("2026/12/3 下午10:15 - 客服: 您好\n")));

    [Fact]
    public async Task ReadAsync_ALineLongerThanAHeaderLine_StatesNothing()
    {
        var text = SampleChats.AndroidEnglish.Text + "12/4/26, 9:03\u202FAM - 李华: " + new string('啊', HeaderBlockReader.MaxHeaderBytes / 3 + 1) + "\n";

        Assert.Null(await ReadAsync(text));
    }

    [Fact]
    public async Task ReadAsync_AGroupOfManyWriters_NamesTheFirstThirtyTwoAndCountsEveryMessage()
    {
        var text = string.Concat(Enumerable.Range(1, 40).Select(i => $"12/3/26, 10:{i:00} PM - Victim {i}: I was charged too\n"));

        var stated = await ReadAsync(text);

        Assert.NotNull(stated);
        Assert.Equal((40, 40), (stated.Messages, stated.Writers));
        Assert.Equal(Enumerable.Range(1, ChatInfoReader.MaxParticipants).Select(i => $"Victim {i}"), stated.Participants);
        Assert.Equal(("12/3/26, 10:01 PM", "12/3/26, 10:40 PM"), (stated.FirstMessageAt, stated.LastMessageAt));
    }

    [Fact]
    public async Task ReadAsync_AChatOfManyLinks_KeepsTheFirstThirtyTwoEachOnce()
    {
        var text = string.Concat(Enumerable.Range(1, 40).Select(i => $"12/3/26, 10:{i:00} PM - Scammer: pay here https://pay-{i}.example/, or here https://pay-1.example/\n"));

        var stated = await ReadAsync(text);

        Assert.Equal(Enumerable.Range(1, TextLinks.MaxLinks).Select(i => $"https://pay-{i}.example/"), stated?.Links);
    }

    [Fact]
    public async Task ReadAsync_NoticesOnly_StatesNothing() =>
        Assert.Null(await ReadAsync("12/3/26, 10:15 PM - Messages and calls are end-to-end encrypted.\n12/3/26, 10:16 PM - You blocked this contact.\n"));

    [Fact]
    public async Task ReadAsync_ANameTooLongToKeep_IsLeftOutButItsMessageCounted()
    {
        var name = new string('x', ChatInfoReader.MaxNameLength + 1);

        var stated = await ReadAsync($"12/3/26, 10:15 PM - {name}: hello\n12/3/26, 10:16 PM - Alice: hi\n");

        Assert.NotNull(stated);
        Assert.Equal((2, 2), (stated.Messages, stated.Writers)); // counted, though not named
        Assert.Equal(["Alice"], stated.Participants);
    }

    [Fact]
    public async Task ReadZipAsync_AnIPhonesExport_StatesTheChatInIt()
    {
        await using var zip = File.OpenRead(SampleChats.IPhoneZip(Path.Combine(_folder, "WhatsApp Chat - JD Refund Service.zip")));

        Assert.Equal(SampleChats.IPhone.Stated with { Source = ChatSources.WhatsAppZip }, await ChatInfoReader.ReadZipAsync(zip));
    }

    [Theory]
    [InlineData("chat/_chat.txt")] // not at the top, where an iPhone puts it
    [InlineData("notes.txt")]
    public async Task ReadZipAsync_AZipWithoutAChatAtItsTop_StatesNothing(string name)
    {
        var path = Path.Combine(_folder, "other.zip");
        using (var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Create))
        {
            await using var entry = new StreamWriter(zip.CreateEntry(name).Open());
            await entry.WriteAsync(SampleChats.IPhone.Text);
        }

        await using var content = File.OpenRead(path);
        Assert.Null(await ChatInfoReader.ReadZipAsync(content));
    }

    [Fact]
    public async Task ReadZipAsync_NotAZip_StatesNothing()
    {
        using var content = new MemoryStream(Encoding.UTF8.GetBytes("PK\u0003\u0004 but no more"));

        Assert.Null(await ChatInfoReader.ReadZipAsync(content));
    }

    private static async Task<ChatInfo?> ReadAsync(string text)
    {
        using var content = new MemoryStream(Encoding.UTF8.GetBytes(text));
        return await ChatInfoReader.ReadAsync(content);
    }
}
