using EvidenceVault.Api.Tests.Infrastructure;
using EvidenceVault.Custody;
using EvidenceVault.Evidence;
using EvidenceVault.Testing;

namespace EvidenceVault.Api.Tests.Ingest;

/// <summary>
/// A saved phishing e-mail is accepted as evidence, and what its header says — the sender it names, its subject and
/// date, and the server of the victim's provider that took it in — is read from the stored bytes, chained into the
/// custody log and carried into the bundle, where Perl reads the same header and a catalog that says otherwise is caught.
/// </summary>
[Collection(VaultOnAzurite.Name)]
public sealed class MessageTests(VaultApp app) : IClassFixture<VaultApp>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ev-messages-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_saved_phishing_mail_states_its_sender_recipient_subject_and_delivery_and_the_bundle_cannot_say_otherwise()
    {
        using var vault = await app.CreateCaseAsync();
        var mail = SampleMessages.Phishing(Path.Combine(_folder, "phishing.eml"));
        var expected = SampleMessages.Stated(MessageSources.Eml);

        var item = await vault.UploadNewItemAsync(mail, r => r.Headers.Add("X-File-Name", "%E9%80%80%E6%AC%BE%E9%82%AE%E4%BB%B6.eml")); // 退款邮件.eml

        Assert.Equal(("message/rfc822", "document"), (item.ContentType, item.Kind));
        Assert.Equal(expected, item.Message);
        await FileStatementAssert.IndexedAndChainedAsync(vault, item, expected, i => i.Message, MessageDetails.From);

        // The bundle: the e-mail under its own extension, items.csv and the report carrying what its header says.
        var bag = await vault.DownloadBagAsync(_folder);
        var file = EvidenceVault.Bundles.EvidenceBundleWriter.EvidencePath(item);
        Assert.EndsWith(".eml", file, StringComparison.Ordinal);
        var html = await File.ReadAllTextAsync(Path.Combine(bag, "data", "report.html"));
        Assert.Contains("文件自述 The file says (EML): 发件人 from 京东客服中心 &lt;service@refund-center.example&gt; · 收件人 to victim@example.cn · 主题 subject 【重要】您的订单异常", html, StringComparison.Ordinal);
        Assert.Contains("收件服务器接收 taken in by <code>mx1.mail.example.cn</code> 2026-11-20T14:03:19.000Z (UTC)", html, StringComparison.Ordinal);
        Assert.Contains($"邮件中的链接 links in it: <code>{SampleMessages.Link}</code>", html, StringComparison.Ordinal);
        Assert.DoesNotContain($"href=\"{SampleMessages.Link}\"", html, StringComparison.Ordinal); // a phishing link is shown, never made one to follow
        var row = Assert.Single(ItemsCsvFile.Read(Path.Combine(bag, "data", "items.csv")));
        Assert.Equal(
            (SampleMessages.From, SampleMessages.To, SampleMessages.Subject, "2026-11-20T14:03:17.000Z", SampleMessages.MessageId, "2026-11-20T14:03:19.000Z", SampleMessages.DeliveredBy, SampleMessages.To, SampleMessages.Link),
            (row["message_from"], row["message_to"], row["message_subject"], row["message_sent_at_utc"], row["message_id"], row["message_delivered_at_utc"], row["message_delivered_by"], row["message_delivered_to"], row["message_links"]));

        // Perl, run as the guide says, prints the same header from the bundle's copy.
        var header = await ExpertTools.RunGuideCommandAsync(bag, "perl -MEncode", file);
        Assert.Contains($"From: {SampleMessages.From}\r\n", header, StringComparison.Ordinal);
        Assert.Contains($"To: {SampleMessages.To}\r\n", header, StringComparison.Ordinal);
        Assert.Contains($"Delivered-To: {SampleMessages.To}\r\n", header, StringComparison.Ordinal);
        Assert.Contains($"Subject: {SampleMessages.Subject}\r\n", header, StringComparison.Ordinal);
        Assert.StartsWith("Return-Path:", header, StringComparison.Ordinal);

        // Re-catalogued to say another server took it in, it no longer agrees with its custody line.
        await BagForgery.AssertRecataloguingCaughtAsync(bag, "\"deliveredBy\": \"mx1.", "\"deliveredBy\": \"mx2.", "what the e-mail says of itself");

        // So is one re-catalogued to point at another page.
        var again = await vault.DownloadBagAsync(Directory.CreateDirectory(Path.Combine(_folder, "again")).FullName);
        await BagForgery.AssertRecataloguingCaughtAsync(again, "\"https://refund-center.example/order", "\"https://refund-centre.example/order", "what the e-mail says of itself");

        // And one re-catalogued to say it was sent to another victim.
        var third = await vault.DownloadBagAsync(Directory.CreateDirectory(Path.Combine(_folder, "third")).FullName);
        await BagForgery.AssertRecataloguingCaughtAsync(third, "\"to\": \"victim@", "\"to\": \"victin@", "what the e-mail says of itself");

        // And one re-catalogued to say it was delivered to another mailbox.
        var fourth = await vault.DownloadBagAsync(Directory.CreateDirectory(Path.Combine(_folder, "fourth")).FullName);
        await BagForgery.AssertRecataloguingCaughtAsync(fourth, "\"deliveredTo\": \"victim@", "\"deliveredTo\": \"victin@", "what the e-mail says of itself");
    }

    [Fact]
    public async Task A_phishing_mail_copied_to_other_victims_names_them_and_the_bundle_cannot_say_otherwise()
    {
        using var vault = await app.CreateCaseAsync();
        var expected = SampleMessages.Stated(MessageSources.Eml) with { Cc = SampleMessages.OtherVictimsCc };

        var item = await vault.UploadNewItemAsync(SampleMessages.Phishing(Path.Combine(_folder, "phishing.eml"), copied: true));

        Assert.Equal(expected, item.Message);
        await FileStatementAssert.IndexedAndChainedAsync(vault, item, expected, i => i.Message, MessageDetails.From);
        var bag = await vault.DownloadBagAsync(_folder);
        var html = await File.ReadAllTextAsync(Path.Combine(bag, "data", "report.html"));
        Assert.Contains("收件人 to victim@example.cn · 抄送 cc 王芳 &lt;wangfang@example.cn&gt;, li.na@example.com · 主题 subject", html, StringComparison.Ordinal);
        Assert.Equal(SampleMessages.OtherVictimsCc, Assert.Single(ItemsCsvFile.Read(Path.Combine(bag, "data", "items.csv")))["message_cc"]);
        Assert.Contains($"Cc: {SampleMessages.OtherVictimsCc}\r\n", await ExpertTools.RunGuideCommandAsync(bag, "perl -MEncode", EvidenceVault.Bundles.EvidenceBundleWriter.EvidencePath(item)), StringComparison.Ordinal);

        // Re-catalogued to name another mailbox among those copied in, it no longer agrees with its custody line.
        await BagForgery.AssertRecataloguingCaughtAsync(bag, "li.na@example.com\"", "li.nb@example.com\"", "what the e-mail says of itself");
    }

    [Fact]
    public async Task A_phishing_mail_states_the_files_it_carries_which_python_takes_out_of_the_bundles_copy_alike()
    {
        using var vault = await app.CreateCaseAsync();
        var mail = SampleMessages.Phishing(Path.Combine(_folder, "phishing.eml"), attachments: SampleMessages.Attachments);
        var expected = SampleMessages.Stated(MessageSources.Eml) with { Attachments = SampleMessages.StatedAttachments };

        var item = await vault.UploadNewItemAsync(mail);

        Assert.Equal(expected, item.Message);
        await FileStatementAssert.IndexedAndChainedAsync(vault, item, expected, i => i.Message, MessageDetails.From);

        var bag = await vault.DownloadBagAsync(_folder);
        var file = EvidenceVault.Bundles.EvidenceBundleWriter.EvidencePath(item);
        var (pdf, text) = (SampleMessages.StatedAttachments[0], SampleMessages.StatedAttachments[1]);
        var html = await File.ReadAllTextAsync(Path.Combine(bag, "data", "report.html"));
        Assert.Contains($"附件 attachments: 退款申请表.pdf (application/pdf, {pdf.Size:N0} bytes, SHA-256 <code>{pdf.Sha256}</code>); 退款说明.txt (text/plain, {text.Size:N0} bytes, SHA-256 <code>{text.Sha256}</code>)", html, StringComparison.Ordinal);
        var row = Assert.Single(ItemsCsvFile.Read(Path.Combine(bag, "data", "items.csv")));
        Assert.Equal($"退款申请表.pdf (application/pdf, {pdf.Size} bytes, sha256:{pdf.Sha256}) | 退款说明.txt (text/plain, {text.Size} bytes, sha256:{text.Sha256})", row["message_attachments"]);

        // Python's email package, run as the guide says, takes the same files out of the bundle's copy.
        var taken = await ExpertTools.RunGuideCommandAsync(bag, "python3 -c 'import email, email.policy, hashlib,", file);
        Assert.Equal(SampleMessages.StatedAttachments.Select(a => $"{a.Sha256} {a.Size} {a.FileName}"), taken.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        // Re-catalogued to say the form was another file, it no longer agrees with its custody line.
        await BagForgery.AssertRecataloguingCaughtAsync(bag, $"\"sha256\": \"{pdf.Sha256}\"", $"\"sha256\": \"{new string('0', 64)}\"", "what the e-mail says of itself");
    }

    [Fact]
    public async Task A_phishing_mail_forwarded_as_an_attachment_states_its_link_and_files_which_python_takes_out_alike()
    {
        using var vault = await app.CreateCaseAsync();

        var item = await vault.UploadNewItemAsync(SampleMessages.Forwarded(Path.Combine(_folder, "forward.eml")));

        // What the victim's forward holds: the phishing mail, named, then the link and the files that mail carries.
        Assert.Equal(("victim@example.cn", "Fwd: 退款邮件"), (item.Message?.From, item.Message?.Subject));
        Assert.Equal([SampleMessages.Link], item.Message?.Links);
        Assert.Equal(
            [new MessageAttachment { FileName = SampleMessages.ForwardedFileName, ContentType = "message/rfc822" }, .. SampleMessages.StatedAttachments],
            item.Message?.Attachments);
        await FileStatementAssert.IndexedAndChainedAsync(vault, item, item.Message!, i => i.Message, MessageDetails.From);

        // And what the phishing mail's own header says: its sender, the victim it was sent to, its delivery.
        Assert.Equal([SampleMessages.Stated(MessageSources.Eml) with { Links = null }], item.Message?.Forwarded);

        // Python's email package, run as the guide says, goes into the forwarded mail and takes out the same files
        // (the forwarded mail itself, a message and not a file's bytes, is not printed), and prints its header.
        var bag = await vault.DownloadBagAsync(_folder);
        var file = EvidenceVault.Bundles.EvidenceBundleWriter.EvidencePath(item);
        var taken = await ExpertTools.RunGuideCommandAsync(bag, "python3 -c 'import email, email.policy, hashlib,", file);
        Assert.Equal(SampleMessages.StatedAttachments.Select(a => $"{a.Sha256} {a.Size} {a.FileName}"), taken.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var header = await ExpertTools.RunGuideCommandAsync(bag, "python3 -c 'import email, email.policy, sys;", file);
        Assert.Equal(
            [$"From: {SampleMessages.From}", $"To: {SampleMessages.To}", $"Subject: {SampleMessages.Subject}", "Date: Fri, 20 Nov 2026 22:03:17 +0800", $"Message-ID: {SampleMessages.MessageId}", $"Delivered-To: {SampleMessages.To}"],
            header.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        // The report and items.csv carry it, and a catalog re-written to name another sender is caught.
        var html = await File.ReadAllTextAsync(Path.Combine(bag, "data", "report.html"));
        Assert.Contains("其中转发的邮件 forwarded in it: 发件人 from 京东客服中心 &lt;service@refund-center.example&gt; · 收件人 to victim@example.cn · 主题 subject 【重要】", html, StringComparison.Ordinal);
        var row = Assert.Single(ItemsCsvFile.Read(Path.Combine(bag, "data", "items.csv")));
        Assert.StartsWith($"from {SampleMessages.From} · to {SampleMessages.To} · subject {SampleMessages.Subject} · sent 2026-11-20T14:03:17.000Z", row["message_forwarded"], StringComparison.Ordinal);
        await BagForgery.AssertRecataloguingCaughtAsync(bag, "\"from\": \"京东客服中心", "\"from\": \"淘宝客服中心", "what the e-mail says of itself");
    }

    [Fact]
    public async Task The_mail_as_outlook_saved_it_is_filed_as_a_message_and_states_the_same()
    {
        using var vault = await app.CreateCaseAsync();
        var expected = SampleMessages.Stated(MessageSources.Msg);

        var item = await vault.UploadNewItemAsync(await SampleMessages.OutlookAsync(_folder), r => r.Headers.Add("X-File-Name", "%E9%80%80%E6%AC%BE%E9%82%AE%E4%BB%B6.msg"));

        Assert.Equal(("application/vnd.ms-outlook", "document"), (item.ContentType, item.Kind));
        Assert.Equal(expected, item.Message);
        await FileStatementAssert.IndexedAndChainedAsync(vault, item, expected, i => i.Message, MessageDetails.From);

        // The bundle keeps it as a .msg, and msgconvert and Perl, run as the guide says, print its header.
        var bag = await vault.DownloadBagAsync(_folder);
        var file = EvidenceVault.Bundles.EvidenceBundleWriter.EvidencePath(item);
        Assert.EndsWith(".msg", file, StringComparison.Ordinal);
        var html = await File.ReadAllTextAsync(Path.Combine(bag, "data", "report.html"));
        Assert.Contains("文件自述 The file says (MSG): 发件人 from 京东客服中心 &lt;service@refund-center.example&gt;", html, StringComparison.Ordinal);
        await SampleMessages.EnsureMsgconvertAsync();
        var header = await ExpertTools.RunGuideCommandAsync(bag, "msgconvert --outfile -", file);
        Assert.Contains($"From: {SampleMessages.From}", header, StringComparison.Ordinal);
        Assert.Contains($"Subject: {SampleMessages.Subject}", header, StringComparison.Ordinal);
        Assert.Contains($"by {SampleMessages.DeliveredBy}", header.Replace("\n ", " ", StringComparison.Ordinal), StringComparison.Ordinal);

        await BagForgery.AssertRecataloguingCaughtAsync(bag, "\"deliveredBy\": \"mx1.", "\"deliveredBy\": \"mx2.", "what the e-mail says of itself");
    }

    [Fact]
    public async Task A_phishing_mail_forwarded_from_outlook_as_an_attachment_states_its_link_and_files_which_msgconvert_and_python_take_out_alike()
    {
        using var vault = await app.CreateCaseAsync();

        var item = await vault.UploadNewItemAsync(await SampleMessages.OutlookAsync(_folder, attachments: true, forwards: 1), r => r.Headers.Add("X-File-Name", "FW.msg"));

        // The victim's forward, saved from Outlook: the phishing mail embedded in it is named, then its link and files.
        Assert.Equal(("application/vnd.ms-outlook", SampleMessages.ForwardedBy, "FW: " + SampleMessages.Subject), (item.ContentType, item.Message?.From, item.Message?.Subject));
        Assert.Equal([SampleMessages.Link], item.Message?.Links);
        Assert.Equal(
            [new MessageAttachment { FileName = SampleMessages.Subject, ContentType = "message/rfc822" }, .. SampleMessages.StatedAttachments],
            item.Message?.Attachments);
        Assert.Equal([SampleMessages.Stated(MessageSources.Msg) with { Links = null }], item.Message?.Forwarded);
        await FileStatementAssert.IndexedAndChainedAsync(vault, item, item.Message!, i => i.Message, MessageDetails.From);

        // msgconvert and Python's email package, run as the guide says, take the same files out of the bundle's copy.
        var bag = await vault.DownloadBagAsync(_folder);
        await SampleMessages.EnsureMsgconvertAsync();
        await ExpertTools.RunGuideCommandAsync(bag, "msgconvert --outfile message.eml", EvidenceVault.Bundles.EvidenceBundleWriter.EvidencePath(item));
        var taken = await ExpertTools.RunGuideCommandAsync(bag, "python3 -c 'import email, email.policy, hashlib,", "message.eml");
        Assert.Equal(SampleMessages.StatedAttachments.Select(a => $"{a.Sha256} {a.Size} {a.FileName}"), taken.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var header = await ExpertTools.RunGuideCommandAsync(bag, "python3 -c 'import email, email.policy, sys;", "message.eml");
        Assert.Contains($"From: {SampleMessages.From}\n", header, StringComparison.Ordinal);
        Assert.Contains($"To: {SampleMessages.To}\n", header, StringComparison.Ordinal);
        Assert.Contains($"Subject: {SampleMessages.Subject}\n", header, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("screenshot-refund-page.png")]
    [InlineData("page-snapshot-refund.mhtml")] // a browser's saved page is a MIME message too, but no mail
    public async Task Evidence_that_is_no_mail_states_no_header(string fixture)
    {
        using var vault = await app.CreateCaseAsync();

        await FileStatementAssert.NoneAsync(vault, fixture, i => i.Message, MessageDetails.From);
    }
}
