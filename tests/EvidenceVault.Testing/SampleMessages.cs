using System.Net.Mime;
using System.Net.Mail;
using System.Security.Cryptography;
using System.Text;
using EvidenceVault.Evidence;

namespace EvidenceVault.Testing;

/// <summary>
/// A phishing e-mail as the victim's mail program saves it (<c>.eml</c>): written by .NET's own mail writer (which
/// encodes the Chinese sender name and subject as RFC 2047 words), dated as the sender's program dated it, and then
/// delivered — the header fields a receiving server puts on top (<c>Return-Path</c>, <c>Delivered-To</c>, and a
/// <c>Received</c> field per hop, the recipient's provider's last).
/// </summary>
public static class SampleMessages
{
    /// <summary>The sender the phishing mail names.</summary>
    public const string From = "京东客服中心 <service@refund-center.example>";

    /// <summary>Whom it is addressed to: the victim.</summary>
    public const string To = "victim@example.cn";

    /// <summary>Whom the victim's forward (<see cref="OutlookAsync"/> with <c>forwards</c>) is addressed to: the victims' lawyer.</summary>
    public const string ForwardedTo = "张律师 <lawyer@lawfirm.example>";

    /// <summary>Whom the mail copies in when sent to several victims at once (<see cref="Phishing"/> with <c>copied</c>): two more, one named in Chinese.</summary>
    public static readonly IReadOnlyList<MailAddress> OtherVictims = [new("wangfang@example.cn", "王芳"), new("li.na@example.com")];

    /// <summary>What a <c>Cc</c> field naming <see cref="OtherVictims"/> says, its encoded words decoded.</summary>
    public const string OtherVictimsCc = "王芳 <wangfang@example.cn>, li.na@example.com";

    /// <summary>Its subject.</summary>
    public const string Subject = "【重要】您的订单异常，请在24小时内申请退款 - 订单 114-3941689-8772232";

    /// <summary>Its message id.</summary>
    public const string MessageId = "<20261120140317.5f3a@refund-center.example>";

    /// <summary>When the sender's program says it sent it.</summary>
    public static readonly DateTimeOffset SentAt = new(2026, 11, 20, 14, 3, 17, TimeSpan.Zero);

    /// <summary>When the recipient's provider took it in, by its own clock (its <c>Received</c> field).</summary>
    public static readonly DateTimeOffset DeliveredAt = new(2026, 11, 20, 14, 3, 19, TimeSpan.Zero);

    /// <summary>The recipient's provider's server.</summary>
    public const string DeliveredBy = "mx1.mail.example.cn";

    /// <summary>
    /// What the recipient's provider found when it took the mail in (<see cref="Phishing"/> with <c>authenticated</c>),
    /// as its top <c>Authentication-Results</c> field says once its comments are left out: the sending domain's
    /// signature, its server and its policy all passed.
    /// </summary>
    public const string AuthenticationResults =
        "dkim=pass header.i=@refund-center.example header.s=mail2026 header.b=Xk3dP0aB; spf=pass smtp.mailfrom=bounce@refund-center.example; dmarc=pass header.from=refund-center.example";

    /// <summary>The fake refund page the mail links to.</summary>
    public const string Link = "https://refund-center.example/order/114-3941689-8772232/refund";

    /// <summary>What the phishing mail says of itself, read from its header (and body), as saved in the form <paramref name="source"/> names.</summary>
    public static MessageInfo Stated(string source) => new()
    {
        Source = source, From = From, To = To, Subject = Subject, SentAt = SentAt, MessageId = MessageId, DeliveredAt = DeliveredAt, DeliveredBy = DeliveredBy, DeliveredTo = To, Links = [Link],
    };

    /// <summary>Installs <c>msgconvert</c> (Perl's Email::Outlook::Message), a reader of <c>.msg</c> files of its own, with apt-get when missing.</summary>
    public static Task EnsureMsgconvertAsync() =>
        DebianPackages.EnsureAsync(["libemail-outlook-message-perl"], "Reading an Outlook message as msgconvert does", () => Task.FromResult(DebianPackages.HasCommand("msgconvert")));

    /// <summary>
    /// The files a phishing mail carries: the fake refund form as a PDF (the shared fixture's saved page), which .NET's
    /// mail writer sends in base64, and instructions in Chinese as a text file sent quoted-printable, with lines long
    /// enough to be broken softly and hard line breaks of their own.
    /// </summary>
    public static IReadOnlyList<(string FileName, string ContentType, byte[] Content, TransferEncoding Encoding)> Attachments { get; } =
    [
        ("退款申请表.pdf", "application/pdf", File.ReadAllBytes(SampleEvidence.PathOf("page-snapshot-refund.pdf")), TransferEncoding.Base64),
        ("退款说明.txt", "text/plain", Encoding.UTF8.GetBytes(
            "尊敬的客户：请下载附件中的退款申请表，填写银行卡号、身份证号码和手机验证码后，回复本邮件或登录退款中心提交，我们将在24小时内为您办理退款。\r\n" +
            "退款中心：https://refund-center.example/order/114-3941689-8772232/refund\r\n\r\n= 京东客服中心 =\r\n"), TransferEncoding.QuotedPrintable),
    ];

    /// <summary>What the mail states of <see cref="Attachments"/>: each file's name, type, size and SHA-256.</summary>
    public static IReadOnlyList<MessageAttachment> StatedAttachments { get; } =
        [.. Attachments.Select(a => new MessageAttachment { FileName = a.FileName, ContentType = a.ContentType, Size = a.Content.Length, Sha256 = Convert.ToHexStringLower(SHA256.HashData(a.Content)) })];

    /// <summary>
    /// Writes the phishing mail to <paramref name="path"/>, linking to <paramref name="link"/> (by default
    /// <see cref="Link"/>), with <paramref name="attachments"/> if any; sent to the victim as a hidden (Bcc) recipient
    /// when <paramref name="hiddenRecipients"/>, as mass phishing is, so that its header has no <c>To</c>; copying in
    /// <see cref="OtherVictims"/> when <paramref name="copied"/>; with the recipient's provider's
    /// <c>Authentication-Results</c> field when <paramref name="authenticated"/> (<see cref="AuthenticationResults"/>),
    /// and, below it, one the sender wrote to look checked, which no reader should take for the provider's.
    /// </summary>
    public static string Phishing(
        string path, string link = Link, IEnumerable<(string FileName, string ContentType, byte[] Content, TransferEncoding Encoding)>? attachments = null, bool hiddenRecipients = false,
        bool copied = false, bool authenticated = false)
    {
        var pickup = Directory.CreateTempSubdirectory("ev-mail-");
        try
        {
            using (var client = new SmtpClient("localhost") { DeliveryMethod = SmtpDeliveryMethod.SpecifiedPickupDirectory, PickupDirectoryLocation = pickup.FullName })
            using (var message = new MailMessage { From = new MailAddress("service@refund-center.example", "京东客服中心") })
            {
                (hiddenRecipients ? message.Bcc : message.To).Add(new MailAddress(To));
                foreach (var other in copied ? OtherVictims : [])
                {
                    message.CC.Add(other);
                }
                message.Subject = Subject;
                message.SubjectEncoding = Encoding.UTF8;
                message.Body = $"<p>点击链接申请退款：<a href=\"{link}\">退款中心</a></p>";
                message.IsBodyHtml = true;
                message.BodyEncoding = Encoding.UTF8;
                message.Headers.Add("Message-ID", MessageId);
                foreach (var (fileName, contentType, content, encoding) in attachments ?? [])
                {
                    message.Attachments.Add(new Attachment(new MemoryStream(content), fileName, contentType) { TransferEncoding = encoding, NameEncoding = Encoding.UTF8 });
                }

                client.Send(message);
            }

            var written = File.ReadAllText(Assert.Single(pickup.GetFiles()).FullName);

            // The pickup file opens with its envelope (X-Sender, X-Receiver), which the sending server takes off; the
            // sender's program dates the message; the servers on the way put their fields on top.
            var lines = written.Split("\r\n").ToList();
            var header = lines.FindIndex(line => line.StartsWith("Message-ID:", StringComparison.Ordinal));
            var body = lines.Skip(header).ToList();
            var date = body.FindIndex(line => line.StartsWith("Date:", StringComparison.Ordinal));
            body[date] = "Date: Fri, 20 Nov 2026 22:03:17 +0800";
            if (authenticated)
            {
                body.Insert(date, "Authentication-Results: mx1.mail.example.cn; dkim=pass header.d=jd.com; spf=pass; dmarc=pass"); // the sender's own, forged
            }

            string[] delivery =
            [
                "Return-Path: <bounce@refund-center.example>",
                "Delivered-To: victim@example.cn",
                "Received: from mail.refund-center.example (mail.refund-center.example [203.0.113.25])",
                $"\tby {DeliveredBy} (Postfix) with ESMTPS id 4Q9xYz1Kp3z9sBn",
                "\tfor <victim@example.cn>; Fri, 20 Nov 2026 22:03:19 +0800 (CST)",
                .. authenticated
                    ? (string[])
                    [
                        $"Authentication-Results: {DeliveredBy};",
                        "       dkim=pass header.i=@refund-center.example header.s=mail2026 header.b=Xk3dP0aB;",
                        "       spf=pass (mx1.mail.example.cn: domain of bounce@refund-center.example designates 203.0.113.25 as permitted sender) smtp.mailfrom=bounce@refund-center.example;",
                        "       dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=refund-center.example",
                    ]
                    : [],
                "Received: from [10.0.0.7] (unknown [198.51.100.4])",
                "\tby mail.refund-center.example (Postfix) with ESMTPSA id 7F1A2C0012",
                "\tfor <victim@example.cn>; Fri, 20 Nov 2026 14:03:18 +0000 (UTC)",
            ];
            File.WriteAllText(path, string.Join("\r\n", delivery.Concat(body)));
            return path;
        }
        finally
        {
            pickup.Delete(recursive: true);
        }
    }

    /// <summary>The name a victim's mail program gives the phishing mail it forwards as an attachment (<see cref="Forwarded"/>).</summary>
    public const string ForwardedFileName = "退款邮件.eml";

    /// <summary>
    /// Writes to <paramref name="path"/> a mailbox export (mbox) of the mails at <paramref name="mails"/>, as Python's
    /// <c>mailbox</c> module writes one — each behind its <c>From </c> separator line, a <c>From</c> at a line's start in
    /// a body quoted — and returns the path.
    /// </summary>
    public static async Task<string> MailboxAsync(string path, params string[] mails)
    {
        string[] arguments =
        [
            "-c", "import mailbox, sys; box = mailbox.mbox(sys.argv[1]); [box.add(open(mail, 'rb').read()) for mail in sys.argv[2:]]; box.flush(); box.close()",
            path, .. mails,
        ];
        var written = await ExternalTool.RunAsync(SampleMailSignatures.DebianPython, Path.GetDirectoryName(Path.GetFullPath(path))!, arguments);
        Xunit.Assert.True(written.ExitCode == 0, written.Output);
        return path;
    }

    /// <summary>
    /// Writes into <paramref name="folder"/> a mailbox export named <paramref name="name"/> holding the phishing mail
    /// <paramref name="copies"/> times, as <see cref="MailboxAsync"/> writes one, and returns its path.
    /// </summary>
    public static Task<string> PhishingMailboxAsync(string folder, string name, int copies = 1) =>
        MailboxAsync(Path.Combine(folder, name), [.. Enumerable.Repeat(Phishing(Path.Combine(folder, "phishing-" + Guid.NewGuid().ToString("N") + ".eml")), copies)]);

    /// <summary>
    /// Writes to <paramref name="path"/> the phishing mail with its <see cref="Attachments"/>, forwarded "as an
    /// attachment" as Thunderbird forwards a mail and then delivered: a message of the victim's own whose
    /// <c>message/rfc822</c> part holds the phishing mail's bytes as they were, named by an RFC 2231
    /// <c>filename*</c>. The phishing mail is written afresh, or, when given, is the one at <paramref name="phishing"/>
    /// (one its sender's server signed).
    /// </summary>
    public static string Forwarded(string path, string? phishing = null)
    {
        var original = File.ReadAllText(phishing ?? Phishing(path, attachments: Attachments));
        string[] forward =
        [
            "Received: from [192.168.1.20] (unknown [198.51.100.7])",
            "\tby mx.lawfirm.example (Postfix) with ESMTPSA id 5C2D1E0091",
            "\tfor <lawyer@lawfirm.example>; Sat, 21 Nov 2026 09:12:44 +0800 (CST)",
            "Content-Type: multipart/mixed; boundary=\"------------0Zp3kV7mQ2nW1bX8sT4yR6aL\"",
            "Message-ID: <4b1f2c7e-93aa-4d0e-b1c2-7a0f5e6d8c31@example.cn>",
            "Date: Sat, 21 Nov 2026 09:12:41 +0800",
            "MIME-Version: 1.0",
            "User-Agent: Mozilla Thunderbird",
            "Content-Language: zh-CN",
            "To: lawyer@lawfirm.example",
            "From: victim@example.cn",
            "Subject: =?UTF-8?B?RndkOiDpgIDmrL7pgq7ku7Y=?=",
            string.Empty,
            "This is a multi-part message in MIME format.",
            "--------------0Zp3kV7mQ2nW1bX8sT4yR6aL",
            "Content-Type: text/plain; charset=UTF-8; format=flowed",
            "Content-Transfer-Encoding: 8bit",
            string.Empty,
            "律师您好，这是骗子冒充客服发来的邮件，原件见附件。",
            string.Empty,
            "--------------0Zp3kV7mQ2nW1bX8sT4yR6aL",
            "Content-Type: message/rfc822; charset=UTF-8; name=\"=?UTF-8?B?6YCA5qy+6YKu5Lu2LmVtbA==?=\"",
            "Content-Disposition: attachment; filename*=UTF-8''%E9%80%80%E6%AC%BE%E9%82%AE%E4%BB%B6.eml",
            string.Empty,
            original.TrimEnd('\r', '\n'),
            "--------------0Zp3kV7mQ2nW1bX8sT4yR6aL--",
            string.Empty,
        ];
        File.WriteAllText(path, string.Join("\r\n", forward));
        return path;
    }

    /// <summary>Outlook's class for a message, which it writes as the root storage's class of a <c>.msg</c>.</summary>
    public static readonly Guid OutlookMessageClass = new("00020D0B-0000-0000-C000-000000000046");

    /// <summary>The victim who forwards the phishing mail from Outlook "as an attachment" (<see cref="OutlookAsync"/> with <c>forwards</c>).</summary>
    public const string ForwardedBy = "王女士 <victim@example.cn>";

    /// <summary>
    /// The same phishing mail as Outlook saves it (<c>.msg</c>, [MS-OXMSG]) to <paramref name="folder"/>: its properties
    /// as Outlook keeps them — the subject, the sender's name and address, the message id, the plain-text body with the
    /// link, the submit and delivery times, and, when <paramref name="internetHeader"/>, the Internet header it arrived
    /// with — each in its stream, packed into a compound file by libgsf's <c>gsf createole</c> (installed with apt-get
    /// when missing), with Outlook's root class set as Outlook sets it unless <paramref name="withClass"/> is false. Its
    /// strings are Unicode, or, unless <paramref name="unicode"/>, 8-bit text in code page 936 (GBK), as a Chinese
    /// Outlook saves a message in the older "Outlook Message Format". With <paramref name="htmlOnly"/> it has no
    /// plain-text body but its HTML (PR_HTML, UTF-8 as its Internet code page says), where the link is only an
    /// <c>href</c> behind its text, as programs that keep only the HTML save a message. With <paramref name="attachments"/>
    /// it carries <see cref="Attachments"/> as Outlook keeps attachments: a storage each, with the file's long name, MIME
    /// type and data (the PDF long enough for the file's regular sectors, the text short enough for its mini stream).
    /// With <paramref name="forwards"/> the file is the victim's own message (from <see cref="ForwardedBy"/>, with a
    /// line of text and no link) forwarding that mail "as an attachment", as Outlook keeps one: an attachment storage
    /// whose method is an embedded message (5), named by the mail's subject (PR_DISPLAY_NAME), holding the mail's
    /// properties, attachments and all, in a storage of its own (PR_ATTACH_DATA_OBJ) whose property stream has the
    /// shorter header of an embedded message — and with more than one, that forward forwarded again, and so on.
    /// </summary>
    public static async Task<string> OutlookAsync(
        string folder, bool internetHeader = true, bool withClass = true, bool unicode = true, bool htmlOnly = false, bool attachments = false, int forwards = 0)
    {
        await DebianPackages.EnsureAsync(["libgsf-bin"], "Packing a message as a compound file", () => Task.FromResult(DebianPackages.HasCommand("gsf")));
        var parts = Directory.CreateTempSubdirectory("ev-msg-");
        try
        {
            var eml = File.ReadAllText(Phishing(Path.Combine(parts.FullName, "mail.eml")));
            File.Delete(Path.Combine(parts.FullName, "mail.eml"));
            var (type, encoding) = unicode ? ("001F", Encoding.Unicode) : ("001E", CodePagesEncodingProvider.Instance.GetEncoding(936)!);
            var streams = new Dictionary<string, byte[]>
            {
                ["__substg1.0_001A" + type] = encoding.GetBytes("IPM.Note"),
                ["__substg1.0_0037" + type] = encoding.GetBytes(Subject),
                ["__substg1.0_0C1A" + type] = encoding.GetBytes("京东客服中心"),
                ["__substg1.0_0C1F" + type] = encoding.GetBytes("service@refund-center.example"),
                ["__substg1.0_1035" + type] = encoding.GetBytes(MessageId),
                ["__substg1.0_5D07" + type] = encoding.GetBytes(To), // PR_RECEIVED_BY_SMTP_ADDRESS: the victim's mailbox
                ["__substg1.0_1000" + type] = encoding.GetBytes($"点击链接申请退款：退款中心 <{Link}>\r\n"),
                ["__properties_version1.0"] =
                    [.. new byte[forwards > 0 ? 24 : 32], .. Property(0x00390040, SentAt.UtcDateTime.ToFileTimeUtc()), .. Property(0x0E060040, DeliveredAt.UtcDateTime.ToFileTimeUtc()), .. Property(0x3FFD0003, encoding.CodePage)],
            };
            if (htmlOnly)
            {
                streams.Remove("__substg1.0_1000" + type);
                streams["__substg1.0_10130102"] = Encoding.UTF8.GetBytes($"<html><head><meta charset=\"utf-8\"></head><body><p>点击<a href=\"{Link}\">退款中心</a>申请退款</p></body></html>");
                streams["__properties_version1.0"] = [.. streams["__properties_version1.0"], .. Property(0x3FDE0003, 65001)];
            }

            if (internetHeader)
            {
                streams["__substg1.0_007D" + type] = encoding.GetBytes(eml[..(eml.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)]);
            }

            // The phishing mail is the file's root, or the storage of the innermost forward's one attachment.
            const string Embedded = "__attach_version1.0_#00000000/__substg1.0_3701000D";
            var mail = Path.Combine([parts.FullName, .. Enumerable.Repeat(Embedded, forwards)]);
            Directory.CreateDirectory(mail);
            foreach (var (index, (fileName, contentType, content, _)) in (attachments ? Attachments : []).Index())
            {
                var storage = Path.Combine(mail, $"__attach_version1.0_#{index:X8}");
                Directory.CreateDirectory(storage);
                await File.WriteAllBytesAsync(Path.Combine(storage, "__substg1.0_3707" + type), encoding.GetBytes(fileName));
                await File.WriteAllBytesAsync(Path.Combine(storage, "__substg1.0_370E" + type), encoding.GetBytes(contentType));
                await File.WriteAllBytesAsync(Path.Combine(storage, "__substg1.0_37010102"), content);
                await File.WriteAllBytesAsync(Path.Combine(storage, "__properties_version1.0"), [.. new byte[8], .. Property(0x37050003, 1)]); // by value
            }

            foreach (var (name, content) in streams)
            {
                await File.WriteAllBytesAsync(Path.Combine(mail, name), content);
            }

            // Addressed to the victim, as Outlook names a recipient whose name is its address.
            await RecipientAsync(mail, 0, type, encoding, To, To, 1);

            for (var forward = 0; forward < forwards; forward++)
            {
                var message = Path.Combine([parts.FullName, .. Enumerable.Repeat(Embedded, forward)]);
                var attachment = Path.Combine(message, "__attach_version1.0_#00000000");
                var inner = forward == forwards - 1 ? Subject : "FW: " + Subject;
                await File.WriteAllBytesAsync(Path.Combine(attachment, "__substg1.0_3001" + type), encoding.GetBytes(inner));
                await File.WriteAllBytesAsync(Path.Combine(attachment, "__properties_version1.0"), [.. new byte[8], .. Property(0x37050003, 5)]); // an embedded message
                var properties = new Dictionary<string, byte[]>
                {
                    ["__substg1.0_001A" + type] = encoding.GetBytes("IPM.Note"),
                    ["__substg1.0_0037" + type] = encoding.GetBytes("FW: " + inner),
                    ["__substg1.0_0C1A" + type] = encoding.GetBytes("王女士"),
                    ["__substg1.0_0C1F" + type] = encoding.GetBytes("victim@example.cn"),
                    ["__substg1.0_1035" + type] = encoding.GetBytes($"<fw{forward}.20261122@example.cn>"),
                    ["__substg1.0_1000" + type] = encoding.GetBytes("律师您好，这是我收到的钓鱼邮件，见附件。\r\n"),
                    ["__properties_version1.0"] = [.. new byte[forward == 0 ? 32 : 24], .. Property(0x00390040, SentAt.AddDays(2).UtcDateTime.ToFileTimeUtc()), .. Property(0x3FFD0003, encoding.CodePage)],
                };
                foreach (var (name, content) in properties)
                {
                    await File.WriteAllBytesAsync(Path.Combine(message, name), content);
                }

                // To the lawyer (To), a copy to herself (Cc).
                await RecipientAsync(message, 0, type, encoding, "张律师", "lawyer@lawfirm.example", 1);
                await RecipientAsync(message, 1, type, encoding, "王女士", "victim@example.cn", 2);
            }

            var path = Path.Combine(folder, string.Concat(Enumerable.Repeat("FW-", forwards)) + (internetHeader ? "退款邮件" : "退款邮件-内部") + (htmlOnly ? "-html" : string.Empty) + (attachments ? "-附件.msg" : ".msg"));
            var packed = await ExternalTool.RunAsync("gsf", parts.FullName, ["createole", path, .. parts.EnumerateFileSystemInfos().Select(entry => entry.Name)]);
            if (packed.ExitCode != 0)
            {
                throw new InvalidOperationException("gsf did not pack the message:\n" + packed.Output);
            }

            if (withClass)
            {
                await File.WriteAllBytesAsync(path, CompoundFileEdits.WithRootClass(await File.ReadAllBytesAsync(path), OutlookMessageClass));
            }

            return path;
        }
        finally
        {
            parts.Delete(recursive: true);
        }
    }

    /// <summary>
    /// A recipient as Outlook keeps one in the message whose storage is the folder <paramref name="message"/>: a storage
    /// (<c>__recip_version1.0_#…</c>) with its display name, SMTP address and type (1 To, 2 Cc).
    /// </summary>
    private static async Task RecipientAsync(string message, int index, string type, Encoding encoding, string name, string address, int recipientType)
    {
        var storage = Directory.CreateDirectory(Path.Combine(message, $"__recip_version1.0_#{index:X8}")).FullName;
        await File.WriteAllBytesAsync(Path.Combine(storage, "__substg1.0_3001" + type), encoding.GetBytes(name));
        await File.WriteAllBytesAsync(Path.Combine(storage, "__substg1.0_39FE" + type), encoding.GetBytes(address));
        await File.WriteAllBytesAsync(Path.Combine(storage, "__properties_version1.0"), [.. new byte[8], .. Property(0x0C150003, recipientType)]);
    }

    /// <summary>A fixed-size property as a message's property stream holds it: tag, flags (readable, writable), 8 bytes of value.</summary>
    private static byte[] Property(uint tag, long value) => [.. BitConverter.GetBytes(tag), .. BitConverter.GetBytes(6u), .. BitConverter.GetBytes(value)];
}
