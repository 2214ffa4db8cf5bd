using System.Text;
using EvidenceVault.Evidence;
using EvidenceVault.Testing;

namespace EvidenceVault.Core.Tests.Evidence;

/// <summary>
/// What a saved e-mail's header says: read from a phishing mail written by .NET's own mail writer and delivered, and
/// from header fields as Chinese mail programs write them (GB2312 and GBK words, UTF-8 split across words).
/// </summary>
public sealed class MessageInfoReaderTests : IDisposable
{
    private static readonly EvidenceFormat Eml = EvidenceFormatDetector.Detect("Received: x\r\n\r\n"u8)!;

    private readonly string _folder = Directory.CreateTempSubdirectory("ev-message-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task ReadAsync_ADeliveredPhishingMail_GivesItsSenderSubjectDatesAndTheServerThatTookItIn()
    {
        var info = await EvidenceFiles.ReadAsync(SampleMessages.Phishing(Path.Combine(_folder, "mail.eml")), MessageInfoReader.ReadAsync);

        var expected = new MessageInfo
        {
            Source = MessageSources.Eml,
            From = SampleMessages.From,
            Subject = SampleMessages.Subject,
            SentAt = SampleMessages.SentAt,
            MessageId = SampleMessages.MessageId,
            DeliveredAt = SampleMessages.DeliveredAt, // the top Received field: the recipient's provider, not the sender's own server below it
            DeliveredBy = SampleMessages.DeliveredBy,
        };
        Assert.Equal(expected, info);
    }

    [Theory]
    [InlineData("=?gb2312?B?vqm2q7/Nt/7W0NDE?= <service@refund-center.example>", "京东客服中心 <service@refund-center.example>")] // Foxmail, QQ Mail
    [InlineData("=?GBK?Q?=BE=A9=B6=AB?= \"Service\" <s@x.example>", "京东 \"Service\" <s@x.example>")]
    [InlineData("=?utf-8?B?5Lqs?= =?utf-8?B?5Lic?=", "京东")] // whitespace between words is dropped
    [InlineData("=?utf-8?B?5Lo=?= =?utf-8?B?rOS4nA==?=", "京东")] // a character split across two words
    [InlineData("Re: =?utf-8?Q?=E9=80=80=E6=AC=BE?= now", "Re: 退款 now")] // plain words keep their spaces
    [InlineData("=?x-unknown?B?5Lqs?= and =?utf-8?B?5Lqs?=", "=?x-unknown?B?5Lqs?= and 京")]
    public async Task ReadAsync_EncodedWords_AreDecodedAsMailProgramsWriteThem(string from, string decoded)
    {
        var info = await ReadAsync($"Received: by mx.example; Fri, 20 Nov 2026 22:03:19 +0800\r\nFrom: {from}\r\n\r\nbody");

        Assert.Equal(decoded, info?.From);
    }

    [Fact]
    public async Task ReadAsync_AFieldLongerThanAnyLine_IsLeftOutRatherThanCut()
    {
        var info = await ReadAsync($"Received: by mx.example; Fri, 20 Nov 2026 22:03:19 +0800\r\nSubject: {new string('x', MessageInfoReader.MaxFieldLength + 1)}\r\n\r\n");

        Assert.Equal(new MessageInfo { Source = MessageSources.Eml, DeliveredAt = SampleMessages.DeliveredAt, DeliveredBy = "mx.example" }, info);
    }

    [Theory]
    [InlineData("Received: from a by b\r\nnot a field\r\n\r\n")]
    [InlineData("X-Mailer: something\r\n\r\n")] // nothing the statement reads
    public async Task ReadAsync_AMalformedOrSilentHeader_GivesNothing(string message) =>
        Assert.Null(await ReadAsync(message));

    [Fact]
    public async Task ReadAsync_AFileOfAnotherFormat_GivesNothing() =>
        Assert.Null(await EvidenceFiles.ReadAsync(SampleEvidence.PathOf("page-snapshot-refund.mhtml"), MessageInfoReader.ReadAsync));

    private static async Task<MessageInfo?> ReadAsync(string message)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(message));
        return await MessageInfoReader.ReadAsync(stream, Eml);
    }
}
