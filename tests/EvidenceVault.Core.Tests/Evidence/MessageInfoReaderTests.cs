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
    public async Task ReadAsync_ADeliveredPhishingMail_GivesItsSenderRecipientSubjectDatesAndTheServerThatTookItIn()
    {
        var info = await EvidenceFiles.ReadAsync(SampleMessages.Phishing(Path.Combine(_folder, "mail.eml")), MessageInfoReader.ReadAsync);

        var expected = new MessageInfo
        {
            Source = MessageSources.Eml,
            From = SampleMessages.From,
            To = SampleMessages.To, // the victim: the mailbox the mail was sent to
            Subject = SampleMessages.Subject,
            SentAt = SampleMessages.SentAt,
            MessageId = SampleMessages.MessageId,
            DeliveredAt = SampleMessages.DeliveredAt, // the top Received field: the recipient's provider, not the sender's own server below it
            DeliveredBy = SampleMessages.DeliveredBy,
            DeliveredTo = SampleMessages.To, // the top Delivered-To field, the provider's own
            Links = [SampleMessages.Link], // from its HTML part, which .NET's writer encodes in base64
        };
        Assert.Equal(expected, info);
    }

    [Fact]
    public async Task ReadAsync_APhishingMailSentToHiddenRecipients_StatesTheMailboxItWasDeliveredToThoughItsHeaderNamesNoRecipient()
    {
        var mail = SampleMessages.Phishing(Path.Combine(_folder, "bcc.eml"), hiddenRecipients: true);
        var header = File.ReadAllText(mail).Split("\r\n\r\n")[0];
        Assert.DoesNotContain("\nTo:", header, StringComparison.Ordinal);
        Assert.DoesNotContain("\nBcc:", header, StringComparison.Ordinal);

        var info = await EvidenceFiles.ReadAsync(mail, MessageInfoReader.ReadAsync);

        Assert.Equal(SampleMessages.Stated(MessageSources.Eml) with { To = null }, info);
        Assert.Equal(SampleMessages.To, info?.DeliveredTo);
    }

    [Fact]
    public async Task ReadAsync_AMailTheProviderAuthenticated_StatesTheTopAuthenticationResultsNotTheOneTheSenderWroteBelowIt()
    {
        var mail = SampleMessages.Phishing(Path.Combine(_folder, "authenticated.eml"), authenticated: true);
        Assert.Equal(2, File.ReadAllText(mail).Split("\r\n\r\n")[0].Split("Authentication-Results:").Length - 1);

        var info = await EvidenceFiles.ReadAsync(mail, MessageInfoReader.ReadAsync);

        Assert.Equal(SampleMessages.Stated(MessageSources.Eml) with { AuthenticatedBy = SampleMessages.DeliveredBy, AuthenticationResults = SampleMessages.AuthenticationResults }, info);
    }

    [Theory]
    [InlineData("mx.example.cn; none", "mx.example.cn", "none")]
    [InlineData("mx.google.com 1; spf=softfail (google.com: domain of transitioning x@y.example does not designate 198.51.100.4 as permitted sender) smtp.mailfrom=x@y.example", "mx.google.com", "spf=softfail smtp.mailfrom=x@y.example")]
    [InlineData("mx.example.cn;\r\n\tdkim=fail reason=\"signature verification failed\" header.d=jd.com;\r\n\tdmarc=fail header.from=jd.com", "mx.example.cn", "dkim=fail reason=\"signature verification failed\" header.d=jd.com; dmarc=fail header.from=jd.com")]
    public async Task ReadAsync_AuthenticationResults_AreStatedWithoutTheirComments(string field, string by, string results)
    {
        var path = Path.Combine(_folder, "results.eml");
        File.WriteAllText(path, $"Authentication-Results: {field}\r\nReceived: from mail.jd.example by mx.example.cn; Fri, 20 Nov 2026 22:03:19 +0800\r\nFrom: service@jd.com\r\nSubject: x\r\nMessage-ID: <a@jd.com>\r\n\r\nbody\r\n");

        var info = await EvidenceFiles.ReadAsync(path, MessageInfoReader.ReadAsync);

        Assert.Equal((by, results), (info?.AuthenticatedBy, info?.AuthenticationResults));
    }

    [Fact]
    public async Task ReadAsync_APhishingMailCopiedToOtherVictims_StatesThemDecoded()
    {
        var mail = SampleMessages.Phishing(Path.Combine(_folder, "cc.eml"), copied: true);
        Assert.Contains("\nCc: =?utf-8?", File.ReadAllText(mail).Split("\r\n\r\n")[0], StringComparison.OrdinalIgnoreCase); // the Chinese name as an encoded word

        var info = await EvidenceFiles.ReadAsync(mail, MessageInfoReader.ReadAsync);

        Assert.Equal(SampleMessages.Stated(MessageSources.Eml) with { Cc = SampleMessages.OtherVictimsCc }, info);
    }

    [Theory]
    [InlineData(false, "text/plain")]
    [InlineData(true, "text/html")] // no plain-text body: the link is only the href of the text "退款中心" in its HTML
    public async Task ReadAsync_TheMailAsOutlookSavedIt_GivesWhatItsInternetHeaderSaysAndTheLinkOfItsText(bool htmlOnly, string bodyType)
    {
        var msg = await SampleMessages.OutlookAsync(_folder, htmlOnly: htmlOnly);

        var info = await EvidenceFiles.ReadAsync(msg, MessageInfoReader.ReadAsync);

        Assert.Equal(SampleMessages.Stated(MessageSources.Msg), info);

        // An independent reader of .msg files (Perl's Email::Outlook::Message) converts it to an Internet message, with
        // the body the message kept, that says the same.
        await SampleMessages.EnsureMsgconvertAsync();
        var eml = Path.Combine(_folder, "converted.eml");
        var converted = await ExternalTool.RunAsync("msgconvert", _folder, "--outfile", eml, msg);
        Assert.True(converted.ExitCode == 0, converted.Output);
        Assert.Contains("Content-Type: " + bodyType, await File.ReadAllTextAsync(eml), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(info! with { Source = MessageSources.Eml }, await EvidenceFiles.ReadAsync(eml, MessageInfoReader.ReadAsync));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)] // 8-bit names in the message's code page (GBK)
    public async Task ReadAsync_AnOutlookMessagesAttachments_AreStatedAsTheSameMailsAreAsAnEml_AndMsgconvertTakesOutTheSameFiles(bool unicode)
    {
        var msg = await SampleMessages.OutlookAsync(_folder, unicode: unicode, attachments: true);

        var info = await EvidenceFiles.ReadAsync(msg, MessageInfoReader.ReadAsync);

        Assert.Equal(SampleMessages.Stated(MessageSources.Msg) with { Attachments = SampleMessages.StatedAttachments }, info);
        // msgconvert, a reader of .msg files of its own, writes the same files into the Internet message it makes of it.
        await SampleMessages.EnsureMsgconvertAsync();
        var eml = Path.Combine(_folder, "converted.eml");
        var converted = await ExternalTool.RunAsync("msgconvert", _folder, "--outfile", eml, msg);
        Assert.True(converted.ExitCode == 0, converted.Output);
        var taken = (await EvidenceFiles.ReadAsync(eml, MessageInfoReader.ReadAsync))?.Attachments ?? [];
        Assert.Equal(SampleMessages.StatedAttachments.Select(a => (a.Size, a.Sha256)), taken.Select(a => (a.Size, a.Sha256)));
        if (unicode)
        {
            Assert.Equal(SampleMessages.StatedAttachments, taken); // an 8-bit name msgconvert writes as its bytes, without their code page
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)] // 8-bit strings in the message's code page (GBK), the embedded message's too
    public async Task ReadAsync_APhishingMailOutlookForwardedAsAnAttachment_StatesItAndTheLinksAndFilesOfTheMailItForwards_AsMsgconvertFindsThem(bool unicode)
    {
        var msg = await SampleMessages.OutlookAsync(_folder, unicode: unicode, attachments: true, forwards: 1);

        var info = await EvidenceFiles.ReadAsync(msg, MessageInfoReader.ReadAsync);

        // The victim's own forward is what the properties state; the phishing mail embedded in it is named by its
        // subject, as Outlook shows it (without a hash: it is no file's bytes), and its link and files follow it.
        // It is addressed to the lawyer (its recipient of type To) and copied to the victim herself (of type Cc).
        Assert.Equal(
            (SampleMessages.ForwardedBy, SampleMessages.ForwardedTo, SampleMessages.ForwardedBy, "FW: " + SampleMessages.Subject),
            (info?.From, info?.To, info?.Cc, info?.Subject));
        Assert.Equal([SampleMessages.Link], info?.Links);
        Assert.Equal([SampleMessages.Stated(MessageSources.Msg) with { Links = null }], info?.Forwarded); // the Internet header it arrived with
        Assert.Equal(
            [new MessageAttachment { FileName = SampleMessages.Subject, ContentType = "message/rfc822" }, .. SampleMessages.StatedAttachments],
            info?.Attachments);

        // msgconvert, a reader of .msg files of its own, makes the embedded message a message/rfc822 part of the
        // Internet message it writes, in which the same link and files are found.
        await SampleMessages.EnsureMsgconvertAsync();
        var eml = Path.Combine(_folder, "converted.eml");
        var converted = await ExternalTool.RunAsync("msgconvert", _folder, "--outfile", eml, msg);
        Assert.True(converted.ExitCode == 0, converted.Output);
        var taken = await EvidenceFiles.ReadAsync(eml, MessageInfoReader.ReadAsync);
        Assert.Equal([SampleMessages.Link], taken?.Links);
        Assert.Equal(SampleMessages.StatedAttachments.Select(a => (a.Size, a.Sha256)), taken?.Attachments?.Where(a => a.Sha256 is not null).Select(a => (a.Size, a.Sha256)));
    }

    [Fact]
    public async Task ReadAsync_AnOutlookForwardOfAForward_IsOpenedInTurn_ButNoDeeperThanAForwardedEml()
    {
        var twice = await EvidenceFiles.ReadAsync(await SampleMessages.OutlookAsync(_folder, attachments: true, forwards: 2), MessageInfoReader.ReadAsync);
        var tooDeep = await EvidenceFiles.ReadAsync(await SampleMessages.OutlookAsync(_folder, forwards: MessageBody.MaxDepth + 1), MessageInfoReader.ReadAsync);

        Assert.Equal([SampleMessages.Link], twice?.Links);
        Assert.Equal(
            [new MessageAttachment { FileName = "FW: " + SampleMessages.Subject, ContentType = "message/rfc822" },
             new MessageAttachment { FileName = SampleMessages.Subject, ContentType = "message/rfc822" },
             .. SampleMessages.StatedAttachments],
            twice?.Attachments);

        // The forward inside, without an Internet header, states what its properties say; then the phishing mail.
        Assert.Equal(
            [new MessageInfo
             {
                 Source = MessageSources.Msg, From = SampleMessages.ForwardedBy, To = SampleMessages.ForwardedTo, Cc = SampleMessages.ForwardedBy, Subject = "FW: " + SampleMessages.Subject,
                 SentAt = SampleMessages.SentAt.AddDays(2), MessageId = "<fw1.20261122@example.cn>",
             },
             SampleMessages.Stated(MessageSources.Msg) with { Links = null }],
            twice?.Forwarded);

        // Eight forwards are opened; the ninth, the deepest, is only named, and the phishing mail inside it not read.
        Assert.Null(tooDeep?.Links);
        Assert.Equal(MessageBody.MaxDepth + 1, tooDeep?.Attachments?.Count);
        Assert.All(tooDeep!.Attachments!.Take(MessageBody.MaxDepth), a => Assert.Equal("message/rfc822", a.ContentType));
        Assert.Equal(new MessageAttachment { ContentType = "application/octet-stream" }, tooDeep.Attachments![^1]);
    }

    [Fact]
    public async Task ReadAsync_AnOutlookMessageWhoseAttachmentIsDamaged_StillSaysWhatItsHeaderSays()
    {
        var msg = await SampleMessages.OutlookAsync(_folder, attachments: true);
        var bytes = await File.ReadAllBytesAsync(msg);
        // The first attachment's data stream (the PDF) claims a megabyte more than its chain of sectors holds.
        var name = Encoding.Unicode.GetBytes("__substg1.0_37010102");
        var pdf = SampleMessages.Attachments[0].Content.Length;
        var entry = Enumerable.Range(0, bytes.Length - 128).Single(at => bytes.AsSpan(at, name.Length).SequenceEqual(name) && BitConverter.ToInt32(bytes, at + 120) == pdf);
        BitConverter.GetBytes(pdf + (1024 * 1024)).CopyTo(bytes, entry + 120);
        await File.WriteAllBytesAsync(msg, bytes);

        var info = await EvidenceFiles.ReadAsync(msg, MessageInfoReader.ReadAsync);

        Assert.Equal(SampleMessages.Stated(MessageSources.Msg), info); // no attachment rather than a wrong one; the rest stands
    }

    [Fact]
    public async Task ReadAsync_AnOutlookMessageWithoutItsInternetHeader_GivesWhatItsPropertiesSay()
    {
        // A message that never left one organisation's server keeps no Internet header: its properties still name
        // the sender, subject and message id, and hold when it was submitted and delivered.
        var info = await EvidenceFiles.ReadAsync(await SampleMessages.OutlookAsync(_folder, internetHeader: false), MessageInfoReader.ReadAsync);

        Assert.Equal(SampleMessages.Stated(MessageSources.Msg) with { DeliveredBy = null }, info); // no Received field names a server
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ReadAsync_AnOutlookMessageOfAChineseOutlookInItsCodePage_SaysTheSame(bool internetHeader)
    {
        // Outlook's older, 8-bit message format: every string in the message's code page, here GBK (936).
        var info = await EvidenceFiles.ReadAsync(await SampleMessages.OutlookAsync(_folder, internetHeader, unicode: false), MessageInfoReader.ReadAsync);

        Assert.Equal(SampleMessages.Stated(MessageSources.Msg) with { DeliveredBy = internetHeader ? SampleMessages.DeliveredBy : null }, info);
    }

    [Fact]
    public async Task ReadAsync_AMultipartMail_GivesTheLinksOfItsTextAndHtmlPartsAndAttachedPageInOrderOnce_AndNamesTheAttachment()
    {
        const string Mail = """
            Received: by mx.example; Fri, 20 Nov 2026 22:03:19 +0800
            Content-Type: multipart/mixed; boundary="outer"

            preamble https://not-a-part.example/
            --outer
            Content-Type: multipart/alternative; boundary=inner

            --inner
            Content-Type: text/plain; charset=gb2312
            Content-Transfer-Encoding: quoted-printable

            =C7=EB=B5=E3=BB=F7 https://refund-center.example/r?a=3D1&b=3D2. Or (https://refund-center.example/help).
            --inner
            Content-Type: text/html; charset=utf-8
            Content-Transfer-Encoding: quoted-printable

            <a href=3D"https://refund-center.example/r?a=3D1&amp;b=3D2">=E9=80=80=E6=AC=BE</a> <a href=3D'mailto:x@y.example'>mail</a>=
             <A HREF=https://evil.example/track.gif>x</A>
            --inner--
            --outer
            Content-Type: text/html; name="invoice.html"
            Content-Disposition: attachment; filename="invoice.html"

            <form action="https://attachment.example/login"><a href="https://attachment.example/">登录</a> <a href="https://refund-center.example/help">again</a></form>
            --outer
            Content-Type: image/png
            Content-Transfer-Encoding: base64

            iVBORw0KGgo=
            --outer--
            epilogue https://epilogue.example/
            """;

        var info = await ReadAsync(Mail.Replace("\n", "\r\n", StringComparison.Ordinal));

        // The attached page's form action and link after the body's, each once; the inline image's bytes hold none.
        Assert.Equal(
            ["https://refund-center.example/r?a=1&b=2", "https://refund-center.example/help", "https://evil.example/track.gif", "https://attachment.example/login", "https://attachment.example/"],
            info?.Links);
        // The attachment is named, sent as it is (no size or hash: its bytes are what the lines show); the inline image is no attachment.
        Assert.Equal([new MessageAttachment { FileName = "invoice.html", ContentType = "text/html" }], info?.Attachments);
    }

    [Fact]
    public async Task ReadAsync_APhishingMailWithAttachments_StatesEachFilesNameTypeAndTheSizeAndSha256OfWhatItDecodesTo()
    {
        var mail = SampleMessages.Phishing(Path.Combine(_folder, "mail.eml"), attachments: SampleMessages.Attachments);

        var info = await EvidenceFiles.ReadAsync(mail, MessageInfoReader.ReadAsync);

        Assert.Contains("Content-Transfer-Encoding: quoted-printable", await File.ReadAllTextAsync(mail), StringComparison.Ordinal);
        Assert.Equal(SampleMessages.Stated(MessageSources.Eml) with { Attachments = SampleMessages.StatedAttachments }, info);
    }

    [Fact]
    public async Task ReadAsync_APhishingMailForwardedAsAnAttachment_StatesItAndTheLinksAndFilesOfTheMailItForwards()
    {
        var info = await EvidenceFiles.ReadAsync(SampleMessages.Forwarded(Path.Combine(_folder, "forward.eml")), MessageInfoReader.ReadAsync);

        // The victim's own forward is what the header states; the phishing mail inside it is named as its attachment
        // (without a hash: it is sent as it is), and its link and files are found as if it had been saved by itself.
        Assert.Equal(("victim@example.cn", "Fwd: 退款邮件", "mx.lawfirm.example"), (info?.From, info?.Subject, info?.DeliveredBy));
        Assert.Equal([SampleMessages.Link], info?.Links);

        // What the phishing mail's own header says — its sender, the victim it was sent to, the server that took it in.
        Assert.Equal([SampleMessages.Stated(MessageSources.Eml) with { Links = null }], info?.Forwarded);
        Assert.Equal(
            [new MessageAttachment { FileName = SampleMessages.ForwardedFileName, ContentType = "message/rfc822" }, .. SampleMessages.StatedAttachments],
            info?.Attachments);
    }

    [Fact]
    public async Task ReadAsync_AForwardedMessageInsideAForwardedMessage_IsOpenedInTurn_AndOneSentInBase64IsHashedAsAFile()
    {
        const string Head = "Received: by mx.example; Fri, 20 Nov 2026 22:03:19 +0800\r\nContent-Type: multipart/mixed; boundary=a\r\n\r\n";
        const string Inner = "Content-Type: message/rfc822\r\n\r\nSubject: inner\r\nContent-Type: text/html\r\n\r\n<a href=\"https://inner.example/\">x</a>\r\n";
        var base64 = Convert.ToBase64String("Subject: x\r\n\r\nhttps://not-opened.example/\r\n"u8);
        var mail = Head +
            $"--a\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment; filename=outer.eml\r\n\r\nSubject: outer\r\n{Inner}" +
            $"--a\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment; filename=b.eml\r\nContent-Transfer-Encoding: base64\r\n\r\n{base64}\r\n--a--\r\n";

        var info = await ReadAsync(mail);

        // A message whose whole body is a message is read through to the innermost one's text; one that breaks RFC
        // 2046 by coming in base64 is a file like any other: hashed, not opened.
        Assert.Equal(["https://inner.example/"], info?.Links);
        Assert.Equal(["outer", "inner"], info?.Forwarded?.Select(mail => mail.Subject));
        Assert.Equal(
            [new MessageAttachment { FileName = "outer.eml", ContentType = "message/rfc822" },
             new MessageAttachment { FileName = "b.eml", ContentType = "message/rfc822", Size = 43, Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Convert.FromBase64String(base64))) }],
            info?.Attachments);
    }

    [Theory]
    [InlineData("attachment; filename*=utf-8''%E9%80%80%E6%AC%BE%E7%94%B3%E8%AF%B7%E8%A1%A8.pdf", "application/pdf", "退款申请表.pdf")] // RFC 2231
    [InlineData("attachment;\r\n filename*0*=gb2312''%CD%CB%BF%EE;\r\n filename*1*=%C9%EA%C7%EB%B1%ED;\r\n filename*2=.pdf", "application/pdf", "退款申请表.pdf")] // continued, in GB2312
    [InlineData("attachment", "application/pdf; name=\"=?GBK?B?zcu/7snqx+ux7S5wZGY=?=\"", "退款申请表.pdf")] // a GBK encoded word, named only in its type
    [InlineData("ATTACHMENT; filename=\"refund.apk\"", "application/vnd.android.package-archive", "refund.apk")]
    [InlineData("attachment", "application/octet-stream", null)]
    public async Task ReadAsync_AnAttachmentsName_IsReadAsMailProgramsWriteIt(string disposition, string type, string? name)
    {
        var mail = "Received: by mx.example; Fri, 20 Nov 2026 22:03:19 +0800\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" +
            $"--b\r\nContent-Type: {type}\r\nContent-Disposition: {disposition}\r\nContent-Transfer-Encoding: base64\r\n\r\nSGVs\r\nbG8=\r\n--b--\r\n";

        var info = await ReadAsync(mail);

        var expected = new MessageAttachment { FileName = name, ContentType = type.Split(';')[0], Size = 5, Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("Hello"u8)) };
        Assert.Equal([expected], info?.Attachments);
    }

    [Fact]
    public async Task ReadAsync_AnAttachmentsOverlongNameOrMalformedType_IsLeftOutRatherThanCut()
    {
        var mail = "Received: by mx.example; Fri, 20 Nov 2026 22:03:19 +0800\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" +
            $"--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"{new string('x', 252)}.pdf\"\r\n\r\nx\r\n" +
            $"--b\r\nContent-Type: {new string('a', 200)}/pdf\r\nContent-Disposition: attachment; filename=\"a\tb.pdf\"\r\n\r\nx\r\n--b--\r\n";

        var info = await ReadAsync(mail);

        // Kept in an index column, an attachment's statement stays bounded whatever a mail says.
        Assert.Equal([new MessageAttachment { ContentType = "application/pdf" }, new MessageAttachment { ContentType = "application/octet-stream" }], info?.Attachments);
    }

    [Fact]
    public async Task ReadAsync_AnAttachmentCutOffOrNotBase64_IsLeftOutOrStatedWithoutAHash()
    {
        const string Head = "Received: by mx.example; Fri, 20 Nov 2026 22:03:19 +0800\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n";
        const string Broken = "--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=a.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nSGVs!!bG8=\r\n";
        const string Cut = "--b\r\nContent-Type: application/zip\r\nContent-Disposition: attachment; filename=b.zip\r\nContent-Transfer-Encoding: base64\r\n\r\nSGVsbG8=\r\n";

        var info = await ReadAsync(Head + Broken + Cut); // the file ends inside b.zip: its end, and so its hash, is unknown

        Assert.Equal([new MessageAttachment { FileName = "a.pdf", ContentType = "application/pdf" }], info?.Attachments);
    }

    [Fact]
    public async Task ReadAsync_ALongAttachmentWhoseBase64BreaksEarly_IsStatedWithoutAHash_AndTheNextOneStillIs()
    {
        // Lines of 76 characters, as mail programs write base64; the break is in the first, the buffer of characters
        // fills in the middle of a later one, and the rest is not read.
        var broken = "SGVs!" + string.Concat(Enumerable.Repeat("\r\n" + string.Concat(Enumerable.Repeat("SGVsbG8g", 9)) + "SGVs", 2000));
        var mail = "Received: by mx.example; Fri, 20 Nov 2026 22:03:19 +0800\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" +
            $"--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=a.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n{broken}\r\n" +
            "--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=b.txt\r\nContent-Transfer-Encoding: base64\r\n\r\nSGVsbG8=\r\n--b--\r\n";

        var info = await ReadAsync(mail);

        Assert.Equal(
            [new MessageAttachment { FileName = "a.pdf", ContentType = "application/pdf" },
             new MessageAttachment { FileName = "b.txt", ContentType = "text/plain", Size = 5, Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("Hello"u8)) }],
            info?.Attachments);
    }

    [Fact]
    public async Task ReadAsync_ABodyLineTooLongToRead_KeepsTheHeadersStatementAndTheLinksBeforeIt()
    {
        var mail = $"Received: by mx.example; Fri, 20 Nov 2026 22:03:19 +0800\r\n\r\nsee https://first.example/\r\n{new string('x', 70_000)} https://second.example/\r\n";

        var info = await ReadAsync(mail);

        Assert.Equal(SampleMessages.DeliveredAt, info?.DeliveredAt);
        Assert.Equal(["https://first.example/"], info?.Links);
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

        Assert.Equal(new MessageInfo { Source = MessageSources.Eml, DeliveredAt = SampleMessages.DeliveredAt, DeliveredBy = "mx.example" }, info); // and an empty body has no links
    }

    [Theory]
    [InlineData("Received: from a by b\r\nnot a field\r\n\r\n")]
    [InlineData("X-Mailer: something\r\n\r\n")] // nothing the statement reads
    public async Task ReadAsync_AMalformedOrSilentHeader_GivesNothing(string message) =>
        Assert.Null(await ReadAsync(message));

    [Fact]
    public async Task ReadAsync_AFileOfAnotherFormat_GivesNothing() =>
        Assert.Null(await EvidenceFiles.ReadAsync(SampleEvidence.PathOf("page-snapshot-refund.mhtml"), MessageInfoReader.ReadAsync));

    [Fact]
    public async Task ReadAsync_ManyForwardedMails_StateTheHeadersOfTheFirstThatFitTheBoundOfTheirColumn()
    {
        // Twenty mails forwarded in one, each with a subject near the longest a field may be.
        var forwards = Enumerable.Range(0, 20).Select(i =>
            $"--a\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\nSubject: {i:D2} {new string('退', 900)}\r\n\r\nbody\r\n");
        var mail = "Received: by mx.example; Fri, 20 Nov 2026 22:03:19 +0800\r\nContent-Type: multipart/mixed; boundary=a\r\n\r\n" + string.Concat(forwards) + "--a--\r\n";

        var info = await ReadAsync(mail);

        var forwarded = info?.Forwarded ?? [];
        Assert.InRange(forwarded.Count, 10, 19);
        Assert.Equal(Enumerable.Range(0, forwarded.Count).Select(i => $"{i:D2} {new string('退', 900)}"), forwarded.Select(f => f.Subject));
        Assert.InRange(System.Text.Json.JsonSerializer.Serialize(forwarded, EvidenceVault.Serialization.VaultJson.Compact).Length, 1, MessageInfoReader.MaxForwardedChars);
        Assert.Equal(20, info?.Attachments?.Count); // each still named among the attachments
    }

    private static async Task<MessageInfo?> ReadAsync(string message)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(message));
        return await MessageInfoReader.ReadAsync(stream, Eml);
    }
}
