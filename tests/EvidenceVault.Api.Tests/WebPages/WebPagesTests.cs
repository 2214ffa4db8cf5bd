using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using EvidenceVault.Api.Access;
using EvidenceVault.Api.Tests.Infrastructure;
using EvidenceVault.Evidence;
using EvidenceVault.Serialization;
using EvidenceVault.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EvidenceVault.Api.Tests.WebPages;

/// <summary>
/// The victim's phone page and the lawyer's page in a real Chromium against the vault on a real port with Azurite,
/// through a network that drops every connection once mid-upload. Screenshots of each page go to
/// <c>screenshots/</c> beside the tests (and to docs/screenshots with EVIDENCEVAULT_UPDATE_SCREENSHOTS=1).
/// </summary>
[Collection(VaultOnAzurite.Name)]
public sealed partial class WebPagesTests(VaultOnKestrel app, DebianChromium chromium) : IClassFixture<VaultOnKestrel>, IClassFixture<DebianChromium>
{
    private static readonly BrowserNewContextOptions Phone = new()
    {
        ViewportSize = new ViewportSize { Width = 360, Height = 740 },
        IsMobile = true,
        HasTouch = true,
        Locale = "zh-CN",
        TimezoneId = "Asia/Shanghai",
        AcceptDownloads = true,
    };

    private static readonly BrowserNewContextOptions Desktop = new()
    {
        ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        Locale = "en-US",
        TimezoneId = "Europe/Berlin",
        AcceptDownloads = true,
    };

    [Fact]
    public async Task A_victim_on_a_phone_saves_evidence_through_a_dropped_connection_and_a_lawyer_downloads_a_verified_bundle()
    {
        using var video = await LargeRecording.CreateAsync(50L * 1024 * 1024);
        string[] files = [SampleEvidence.PathOf("screenshot-refund-page.png"), SampleEvidence.PathOf("call-recording.m4a"), SampleEvidence.PathOf("page-snapshot-refund.mhtml"), video.Path];
        var expected = files.ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f))));
        // The network drops mid-upload and stays down for a moment (Chromium silently retries a request once on a
        // new connection; that one is refused, so the page itself sees the failure and tus resumes from HEAD).
        await using var network = new PhoneNetwork(app.BaseAddress, cutAfterBytes: 30L * 1024 * 1024) { Outage = TimeSpan.FromMilliseconds(1500) };

        // The victim's phone.
        await using var phone = await chromium.Browser.NewContextAsync(Phone);
        var watch = Watch(phone, network.Address);
        var page = await phone.NewPageAsync();
        await page.GotoAsync(network.Address.ToString());
        await Expect(page.Locator("#create-case")).ToHaveTextAsync("新建案件");
        await AssertFitsAsync(page);
        await AssertAccessibleAsync(page);
        await Screenshots.SnapAsync(page, "start-phone-zh");

        await page.FillAsync("#case-title", "Refund scam 2026");
        await page.ClickAsync("#create-case");
        var ownerLink = await page.InputValueAsync("#owner-link-text");
        Assert.Matches(@"/#case=[0-9A-Z]{26}&token=evv_[0-9A-Z]{26}_[A-Za-z0-9_-]{43}$", ownerLink);
        await page.ClickAsync("#owner-link-qr");
        await Expect(page.Locator("#owner-token .qr img")).ToBeVisibleAsync();
        Assert.True(await page.EvalOnSelectorAsync<bool>("#owner-token .qr img", "img => img.complete && img.naturalWidth > 100"));
        await AssertFitsAsync(page);
        await AssertAccessibleAsync(page);
        await Screenshots.SnapAsync(page, "owner-token-phone-zh");
        await page.ClickAsync("#saved-it");
        Assert.Equal(0, await page.Locator("#owner-token").CountAsync());
        Assert.Empty(watch.ScriptErrors);

        // Four files at once: a screenshot, a call recording, a saved page and a 50 MB screen recording; the network drops mid-way.
        await page.Locator("input.uppy-Dashboard-input[type=file]").First.SetInputFilesAsync(files);
        try
        {
            await Expect(page.Locator(".receipt")).ToHaveCountAsync(4, new() { Timeout = 120_000 });
        }
        catch (PlaywrightException)
        {
            await Screenshots.SnapAsync(page, "failed-upload", forDocs: false);
            Assert.Fail("No receipts. Page:\n" + await page.Locator("main").InnerTextAsync() + "\nConsole:\n" + string.Join('\n', watch.Console) +
                "\nFailed requests:\n" + string.Join('\n', watch.FailedRequests) + "\nVault:\n" + string.Join('\n', app.Logs.Lines.Where(l => l.Contains("upload", StringComparison.OrdinalIgnoreCase)).TakeLast(30)));
        }

        Assert.Equal(1, network.Cuts);
        Assert.Contains(watch.FailedRequests, url => url.Contains("/uploads/", StringComparison.Ordinal));
        Assert.Contains(watch.Resumed, url => url.Contains("/uploads/", StringComparison.Ordinal)); // tus asked the vault's offset with HEAD
        foreach (var (name, sha256) in expected)
        {
            var receipt = page.Locator(".receipt", new() { HasText = name });
            await Expect(receipt.Locator("dd.hash")).ToHaveTextAsync(sha256);
            await Expect(receipt).ToContainTextAsync("北京时间");
            await Expect(receipt).ToContainTextAsync("UTC");
            await Expect(receipt.Locator(".stamp")).ToContainTextAsync("已获得");
        }

        await Expect(page.Locator("#items .item")).ToHaveCountAsync(4);
        await AssertFitsAsync(page);
        await AssertAccessibleAsync(page);
        await Screenshots.SnapAsync(page, "victim-phone-zh");

        // Language: switched on the page, every visible string follows.
        await page.ClickAsync("#language");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(page.Locator("#receipts h2")).ToHaveTextAsync("Receipts");
        Assert.DoesNotMatch(Cjk(), await page.Locator("main").InnerTextAsync());
        await AssertFitsAsync(page);
        await AssertAccessibleAsync(page);
        await Screenshots.SnapAsync(page, "victim-phone-en");

        // Share: a fellow victim's link (then revoked) and the lawyer's read-only link.
        await page.FillAsync("#grant-label", "Victim 2");
        await page.ClickAsync("#new-contributor-link");
        await Expect(page.Locator("#new-link")).ToHaveAttributeAsync("data-role", "contributor");
        var victim2 = page.Locator(".grants li", new() { HasText = "Victim 2" });
        await victim2.Locator(".revoke").ClickAsync();
        await Expect(victim2).ToContainTextAsync("revoked");
        await page.FillAsync("#grant-label", "Law firm");
        await page.ClickAsync("#new-lawyer-link");
        await Expect(page.Locator("#new-link")).ToHaveAttributeAsync("data-role", "lawyer");
        var lawyerLink = await page.InputValueAsync("#new-link-text");
        await AssertAccessibleAsync(page);
        await Screenshots.SnapAsync(page, "share-phone-en");

        // The lawyer, at a desk, in a separate browser.
        await using var desk = await chromium.Browser.NewContextAsync(Desktop);
        var deskWatch = Watch(desk, network.Address);
        var lawyer = await desk.NewPageAsync();
        await lawyer.GotoAsync(lawyerLink);
        await Expect(lawyer.Locator(".role")).ToHaveTextAsync("Lawyer (read-only)");
        Assert.DoesNotContain("token=", lawyer.Url, StringComparison.Ordinal); // the token leaves the address bar
        await Expect(lawyer.Locator("#items .item")).ToHaveCountAsync(4);
        // The saved page: what the file itself says, apart from anything the victim typed.
        var pageSays = lawyer.Locator(".item", new() { HasText = "page-snapshot-refund.mhtml" }).Locator(".snapshot");
        await Expect(pageSays).ToContainTextAsync($"The saved page itself says: {SamplePackages.WarcTargetUri} · ");
        await Expect(pageSays).ToContainTextAsync("22:39:31 UTC");
        await Expect(lawyer.Locator(".item", new() { HasText = "call-recording.m4a" }).Locator(".recording-length")).ToHaveTextAsync("Length: 0:22"); // 22.566 s, as the file says, shown as the player beside it shows it
        await Expect(lawyer.Locator("#custody-status")).ToHaveTextAsync("The custody chain is intact");
        await Expect(lawyer.Locator(".media img")).ToHaveCountAsync(1);
        // The image appears before it has decoded: wait until it has, from the downloaded bytes.
        await lawyer.WaitForFunctionAsync("() => { const img = document.querySelector('.media img'); return img.complete && img.naturalWidth > 0 && img.src.startsWith('blob:'); }");
        await lawyer.Locator(".item", new() { HasText = "call-recording.m4a" }).Locator(".play").ClickAsync();
        await Expect(lawyer.Locator(".media audio")).ToHaveCountAsync(1);
        await lawyer.WaitForFunctionAsync("() => document.querySelector('.media audio').duration > 0");
        await AssertAccessibleAsync(lawyer);
        await Screenshots.SnapAsync(lawyer, "lawyer-desktop-en");

        // The browser saves the bundle itself (a form POST, streamed to disk); the page stays, the token stays out of the URL.
        var lawyerPage = lawyer.Url;
        var download = await lawyer.RunAndWaitForDownloadAsync(() => lawyer.ClickAsync("#download-bundle"));
        var bundle = Path.Combine(Path.GetDirectoryName(video.Path)!, download.SuggestedFilename);
        await download.SaveAsAsync(bundle);
        await Expect(lawyer.Locator("#bundle-status")).ToContainTextAsync("Download started");
        Assert.Equal(lawyerPage, lawyer.Url);
        Assert.Matches(@"/api/cases/[0-9A-Z]{26}/bundle$", download.Url);
        await Expect(lawyer.Locator("#custody-status")).ToBeVisibleAsync();
        // The commands the page gives, run as shown (our verifier as this build's, each line that names no placeholder).
        var commands = (await lawyer.Locator("#bundle pre.commands").InnerTextAsync()).Split('\n').Where(line => !line.Contains('<', StringComparison.Ordinal));
        var verify = await ExternalTool.RunAsync("bash", Path.GetDirectoryName(bundle)!, "-ec", string.Join('\n', commands).Replace("evidencevault verify", $"dotnet \"{ApiProcess.CliDll}\" verify", StringComparison.Ordinal));
        Assert.True(verify.ExitCode == 0, verify.Output);
        Assert.Contains("回执公钥 receipt keys: 由您提供 supplied by you", verify.Output, StringComparison.Ordinal);
        Assert.Contains("完好 INTACT", verify.Output, StringComparison.Ordinal);
        Assert.Contains("manifest-sha256.txt: OK", verify.Output, StringComparison.Ordinal);
        foreach (var sha256 in expected.Values)
        {
            Assert.Contains(sha256, (await ExternalTool.RunAsync("unzip", Path.GetDirectoryName(bundle)!, "-p", bundle, "*/data/items.csv")).Output, StringComparison.Ordinal);
        }

        await lawyer.ClickAsync("#language");
        await Expect(lawyer.Locator(".role")).ToHaveTextAsync("律师（只读）");
        await AssertAccessibleAsync(lawyer);
        await Screenshots.SnapAsync(lawyer, "lawyer-desktop-zh");

        // The same pages at the other widths, for the documentation.
        await lawyer.SetViewportSizeAsync(360, 740);
        await AssertFitsAsync(lawyer);
        await Screenshots.SnapAsync(lawyer, "lawyer-phone-zh");
        await lawyer.ClickAsync("#language");
        await Expect(lawyer.Locator(".role")).ToHaveTextAsync("Lawyer (read-only)");
        await Screenshots.SnapAsync(lawyer, "lawyer-phone-en");
        await page.SetViewportSizeAsync(1280, 900);
        await Screenshots.SnapAsync(page, "victim-desktop-en");
        await page.ClickAsync("#language");
        await Expect(page.Locator("#receipts h2")).ToHaveTextAsync("收据");
        await Screenshots.SnapAsync(page, "victim-desktop-zh");

        Assert.Empty(watch.ThirdParty.Concat(deskWatch.ThirdParty));
        Assert.Empty(watch.PolicyViolations.Concat(deskWatch.PolicyViolations));
        Assert.Empty(watch.ScriptErrors.Concat(deskWatch.ScriptErrors));
    }

    [Fact]
    public async Task A_tab_closed_mid_upload_and_opened_again_continues_the_upload_where_the_vault_stopped()
    {
        using var recording = await LargeRecording.CreateAsync(24L * 1024 * 1024);
        var sha256 = await LargeRecording.Sha256SumAsync(recording.Path);
        await using var slowNetwork = new PhoneNetwork(app.BaseAddress, bytesPerSecond: 4 * 1024 * 1024);
        using var vault = await app.CreateCaseAsync();
        await using var phone = await chromium.Browser.NewContextAsync(Phone);
        var watch = Watch(phone, slowNetwork.Address);
        var creations = 0;
        phone.Request += (_, request) => creations += request.Method == "POST" && request.Url.EndsWith("/uploads", StringComparison.Ordinal) ? 1 : 0;

        var page = await phone.NewPageAsync();
        await page.GotoAsync($"{slowNetwork.Address}#case={vault.CaseId}&token={vault.OwnerToken}");
        await page.Locator("input.uppy-Dashboard-input[type=file]").First.SetInputFilesAsync(recording.Path);
        while (await app.UploadOffsetAsync(vault.CaseId) < 8 * 1024 * 1024)
        {
            await Task.Delay(50);
        }

        await page.CloseAsync();
        var stoppedAt = await app.UploadOffsetAsync(vault.CaseId);
        Assert.InRange(stoppedAt, 8 * 1024 * 1024, recording.Length - 1);
        Assert.Empty(await vault.ListItemsAsync());

        var reopened = await phone.NewPageAsync();
        await reopened.GotoAsync(slowNetwork.Address.ToString());
        await Expect(reopened.Locator(".uppy-Dashboard-serviceMsg")).ToContainTextAsync("会话已恢复");
        await Screenshots.SnapAsync(reopened, "restored-phone-zh");
        await reopened.Locator(".uppy-StatusBar-actionBtn--upload").ClickAsync();

        await Expect(reopened.Locator(".receipt dd.hash")).ToHaveTextAsync(sha256, new() { Timeout = 60_000 });
        await AssertAccessibleAsync(reopened); // one file: the dashboard's single-file layout
        Assert.Equal(1, creations); // the same upload continued: never opened again
        Assert.Contains(watch.Resumed, url => url.Contains("/uploads/", StringComparison.Ordinal));
        Assert.Equal(sha256, Assert.Single(await vault.ListItemsAsync()).Sha256);
    }

    [Fact]
    public async Task The_lawyer_page_shows_what_a_photo_a_phone_movie_a_phishing_mail_a_forward_of_it_and_a_chat_say_of_themselves_in_its_language()
    {
        using var vault = await app.CreateCaseAsync();
        var lawyerGrant = await vault.GrantAsync(CaseRoles.Lawyer, "Law firm");
        var folder = Directory.CreateTempSubdirectory("ev-statements-");
        try
        {
            var camera = SamplePhotos.Jpeg(Path.Combine(folder.FullName, "IMG_0412.jpg"), SamplePhotos.Exif(littleEndian: false, "Apple", "iPhone 15", "2026:11:20 14:03:17", "+08:00"));
            var clockOnly = SamplePhotos.Jpeg(Path.Combine(folder.FullName, "IMG_0413.jpg"), SamplePhotos.Exif(littleEndian: true, "HUAWEI", "ELS-AN00", "2026:11:20 14:04:00", offset: null));
            var movie = SampleRecordings.IPhoneMovie(Path.Combine(folder.FullName, "screen.mov"), new DateTimeOffset(2026, 11, 20, 6, 3, 17, TimeSpan.Zero), "2026-11-20T14:03:17+0800", "Apple", "iPhone 15");
            var mail = SampleMessages.Phishing(Path.Combine(folder.FullName, "phishing.eml"), attachments: SampleMessages.Attachments, copied: true, authenticated: true);
            using var signingKey = SampleMailSignatures.NewKey();
            var selector = "web" + Guid.NewGuid().ToString("N")[..12];
            KeyNameServer.Instance.Publish(SampleMailSignatures.KeyName(selector), SampleMailSignatures.KeyRecord(signingKey));
            await SampleMailSignatures.SignAsync(mail, signingKey, selector: selector);
            var forward = SampleMessages.Forwarded(Path.Combine(folder.FullName, "forward.eml"), mail); // the signed mail, forwarded as an attachment
            var chat = SampleChats.Write(folder.FullName, SampleChats.IPhone);
            var items = new List<EvidenceItemRecord>();
            foreach (var file in new[] { camera, clockOnly, movie, mail, forward, chat })
            {
                using var response = await vault.UploadAsync(new StreamContent(File.OpenRead(file)));
                items.Add((await response.Content.ReadFromJsonAsync<EvidenceItemRecord>(VaultJson.Compact))!);
            }

            await using var desk = await chromium.Browser.NewContextAsync(Desktop);
            var page = await desk.NewPageAsync();
            await page.GotoAsync($"{app.BaseAddress}#case={vault.CaseId}&token={lawyerGrant.Token}");
            await Expect(page.Locator("#items .item")).ToHaveCountAsync(6);
            ILocator Of(EvidenceItemRecord item, string part) => page.Locator($".item[data-item-id='{item.ItemId}'] .{part}");
            await Expect(Of(items[0], "photo-says")).ToHaveTextAsync("The photo itself says it was taken: 2026-11-20 14:03:17 UTC+08:00 · Apple iPhone 15");
            await Expect(Of(items[1], "photo-says")).ToHaveTextAsync("The photo itself says it was taken: 2026-11-20 14:04:00 (camera clock, no time zone) · HUAWEI ELS-AN00");
            await Expect(Of(items[2], "recording-length")).ToHaveTextAsync("Length: 0:08");
            await Expect(Of(items[2], "recording-made")).ToHaveTextAsync("The recording itself says it was made: 20/11/2026, 06:03:17 UTC");
            await Expect(Of(items[2], "recording-phone")).ToHaveTextAsync("By the phone's clock, the recording says: 2026-11-20 14:03:17 UTC+08:00 · Apple iPhone 15");
            await Expect(Of(items[3], "message-says")).ToHaveTextAsync($"The e-mail's header says it was sent by: {SampleMessages.From} · {SampleMessages.Subject} · 20/11/2026, 14:03:17 UTC");
            await Expect(Of(items[3], "message-to")).ToHaveTextAsync($"The e-mail's header says it was addressed to: {SampleMessages.To}");
            await Expect(Of(items[3], "message-delivered")).ToHaveTextAsync("Taken in by the recipient's mail server: mx1.mail.example.cn · 20/11/2026, 14:03:19 UTC");
            await Expect(Of(items[3], "message-cc")).ToHaveTextAsync($"The e-mail's header says it was copied to: {SampleMessages.OtherVictimsCc}");
            await Expect(Of(items[3], "message-authentication")).ToHaveTextAsync($"What the recipient's mail server found on delivery (SPF, DKIM, DMARC): {SampleMessages.DeliveredBy} · {SampleMessages.AuthenticationResults}");
            await Expect(Of(items[3], "message-signatures")).ToHaveTextAsync($"DKIM signatures: the domain that signed, checked on receipt with the key it published: {SampleMailSignatures.Domain}: pass (body and signed fields unchanged)");
            await Expect(Of(items[3], "message-delivered-to")).ToHaveTextAsync($"Delivered by the recipient's mail server to the mailbox: {SampleMessages.To}");
            await Expect(Of(items[3], "message-links")).ToHaveTextAsync($"Links in it (kept as text: do not open them): {SampleMessages.Link}");
            await Expect(Of(items[4], "message-forwarded")).ToHaveTextAsync(
                $"Mails forwarded in it, as their headers say (sender, recipient, subject, sent), and their DKIM signatures: {SampleMessages.From} · {SampleMessages.To} · {SampleMessages.Subject} · 20/11/2026, 14:03:17 UTC · DKIM {SampleMailSignatures.Domain}: pass (body and signed fields unchanged)");
            Assert.Equal(0, await Of(items[3], "message-forwarded").CountAsync());
            var (pdf, text) = (SampleMessages.StatedAttachments[0], SampleMessages.StatedAttachments[1]);
            var attached = string.Create(CultureInfo.InvariantCulture, $"退款申请表.pdf (application/pdf · {pdf.Size / 1000.0:0.0} KB ({pdf.Size:N0} {{0}}) · SHA-256 {pdf.Sha256}); 退款说明.txt (text/plain · {text.Size} B ({text.Size} {{0}}) · SHA-256 {text.Sha256})");
            await Expect(Of(items[3], "message-attachments")).ToHaveTextAsync("Files attached to it (name, type, size, SHA-256): " + string.Format(CultureInfo.InvariantCulture, attached, "bytes"));
            Assert.Equal(0, await page.Locator($"a[href='{SampleMessages.Link}']").CountAsync());
            Assert.Equal(0, await Of(items[3], "capture-link").CountAsync()); // a lawyer's link reads; it does not have pages captured
            await Expect(Of(items[5], "chat-says")).ToHaveTextAsync("The exported chat says it holds (first and last message by the exporting device's clock, as exported): 7 messages · 03/12/2026, 22:15:32 – 04/12/2026, 09:02:47");
            await Expect(Of(items[5], "chat-writers")).ToHaveTextAsync($"Writers in the chat (how many; as the export names them): 2 · {SampleChats.Scammer}; {SampleChats.Victim}");
            await Expect(Of(items[5], "chat-links")).ToHaveTextAsync($"Links in it (kept as text: do not open them): {SampleChats.RefundLink} {SampleChats.AppLink}");
            Assert.Equal(0, await Of(items[5], "capture-link").CountAsync());
            var sites = page.Locator("#sites li");
            await Expect(sites).ToHaveCountAsync(2); // the refund page, named by the mail, its forward and the chat; the app, by the chat alone
            await Expect(sites.First.Locator("strong")).ToHaveTextAsync("refund-center.example");
            await Expect(sites.First.Locator(".site-sent")).ToHaveTextAsync($"Sent by, in: Case owner · {items[3].ItemId}; {items[4].ItemId}; {items[5].ItemId}");
            await Expect(sites.Last.Locator("strong")).ToHaveTextAsync("jd-refund-app.example");

            // The domain that signed the phishing mail, in the mail and in the forward of it, gathered across the case.
            var signers = page.Locator("#signers li");
            await Expect(signers).ToHaveCountAsync(1);
            await Expect(signers.Locator("strong")).ToHaveTextAsync(SampleMailSignatures.Domain);
            await Expect(signers.Locator(".site-sent")).ToHaveTextAsync($"Sent by, in: Case owner · {items[3].ItemId}; {items[4].ItemId}");
            await Expect(signers.Locator(".signer-results")).ToHaveTextAsync("Checked on receipt: pass (body and signed fields unchanged)");
            await page.ClickAsync("#language");
            await Expect(page.Locator("#signers h2")).ToHaveTextAsync("邮件的签名域名");
            await Expect(signers.Locator(".signer-results")).ToHaveTextAsync("入库时核对结果：通过（正文和所签邮件头未改动）");
            await Expect(Of(items[0], "photo-says")).ToHaveTextAsync("照片文件自述的拍摄时间和设备：2026-11-20 14:03:17 UTC+08:00 · Apple iPhone 15");
            await Expect(Of(items[1], "photo-says")).ToHaveTextAsync("照片文件自述的拍摄时间和设备：2026-11-20 14:04:00 （相机时钟，未注明时区） · HUAWEI ELS-AN00");
            await Expect(Of(items[2], "recording-length")).ToHaveTextAsync("时长：0:08");
            await Expect(Of(items[2], "recording-made")).ToHaveTextAsync("文件自述的录制时间：2026/11/20 06:03:17 UTC");
            await Expect(Of(items[2], "recording-phone")).ToHaveTextAsync("录像文件自述的手机时间和设备：2026-11-20 14:03:17 UTC+08:00 · Apple iPhone 15");
            await Expect(Of(items[3], "message-to")).ToHaveTextAsync($"邮件头自述的收件人：{SampleMessages.To}");
            await Expect(Of(items[4], "message-forwarded")).ToHaveTextAsync($"其中作为附件转发的邮件，其邮件头自述的发件人、收件人、主题和发送时间，及其 DKIM 签名：{SampleMessages.From} · {SampleMessages.To} · {SampleMessages.Subject} · 2026/11/20 14:03:17 UTC · DKIM {SampleMailSignatures.Domain}：通过（正文和所签邮件头未改动）");
            await Expect(Of(items[3], "message-delivered")).ToHaveTextAsync("收件方邮件服务器的接收记录：mx1.mail.example.cn · 2026/11/20 14:03:19 UTC");
            await Expect(Of(items[3], "message-cc")).ToHaveTextAsync($"邮件头自述的抄送人：{SampleMessages.OtherVictimsCc}");
            await Expect(Of(items[3], "message-authentication")).ToHaveTextAsync($"收件方邮件服务器收信时的认证结果（SPF、DKIM、DMARC）：{SampleMessages.DeliveredBy} · {SampleMessages.AuthenticationResults}");
            await Expect(Of(items[3], "message-signatures")).ToHaveTextAsync($"邮件的 DKIM 签名：签名域名及入库时按其公布的密钥核对的结果：{SampleMailSignatures.Domain}：通过（正文和所签邮件头未改动）");
            await Expect(Of(items[3], "message-delivered-to")).ToHaveTextAsync($"收件方邮件服务器投递到的邮箱：{SampleMessages.To}");
            await Expect(Of(items[3], "message-links")).ToHaveTextAsync($"邮件中的链接（仅供记录，请勿打开）：{SampleMessages.Link}");
            await Expect(Of(items[3], "message-attachments")).ToHaveTextAsync("邮件自带的附件（文件名、类型、大小、SHA-256）：" + string.Format(CultureInfo.InvariantCulture, attached, "字节"));
            await Expect(Of(items[5], "chat-says")).ToHaveTextAsync("聊天记录自述的消息数和首末消息时间（导出设备的时钟，按导出原文）：7 条消息 · 03/12/2026, 22:15:32 – 04/12/2026, 09:02:47");
            await Expect(Of(items[5], "chat-writers")).ToHaveTextAsync($"聊天记录中的发言人（人数；按导出记录中的名称）：2 · {SampleChats.Scammer}; {SampleChats.Victim}");
            await Expect(Of(items[5], "chat-links")).ToHaveTextAsync($"聊天中的链接（仅供记录，请勿打开）：{SampleChats.RefundLink} {SampleChats.AppLink}");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_lawyer_page_names_who_contributed_each_item_in_its_language_an_unnamed_link_never_as_the_owner()
    {
        using var vault = await app.CreateCaseAsync();
        var named = await vault.GrantAsync(CaseRoles.Contributor, "张伟");
        var unnamed = await vault.GrantAsync(CaseRoles.Contributor, label: null);
        var lawyerGrant = await vault.GrantAsync(CaseRoles.Lawyer, "Law firm");
        using var namedVictim = vault.As(named.Token);
        using var unnamedVictim = vault.As(unnamed.Token);
        var byOwner = await vault.UploadItemAsync("screenshot-refund-page.png");
        var byNamed = await namedVictim.UploadItemAsync("call-recording.m4a");
        var byUnnamed = await unnamedVictim.UploadItemAsync("page-snapshot-refund.mhtml");
        var unnamedName = $"受害人（未命名链接） …{unnamed.GrantId[^6..]}";

        // The owner's new token after a rotation: another link, the same sender, listed once.
        using var rotation = await vault.Client.PostAsync($"/api/cases/{vault.CaseId}/owner-token", null);
        var rotated = await rotation.Content.ReadFromJsonAsync<RotatedOwnerToken>(VaultJson.Compact);
        var byOwnerLater = await vault.As(rotated!.OwnerToken).UploadItemAsync("screenshot-refund-page.jpg");
        Assert.NotEqual(byOwner.Contributor, byOwnerLater.Contributor);

        await using var phone = await chromium.Browser.NewContextAsync(Phone);
        var page = await phone.NewPageAsync();
        await page.GotoAsync($"{app.BaseAddress}#case={vault.CaseId}&token={lawyerGrant.Token}");
        await Expect(page.Locator("#items .item")).ToHaveCountAsync(4);
        Assert.Equal(new[] { "案件创建人", "张伟", unnamedName }.Order(StringComparer.Ordinal), (await page.Locator("#contributors li .contributor-name").AllInnerTextsAsync()).Order(StringComparer.Ordinal));
        await Expect(page.Locator("#contributors li[data-sender='owner']")).ToHaveCountAsync(1);
        await Expect(ContributorOf(page, byOwner)).ToHaveTextAsync("提交人：案件创建人");
        await Expect(ContributorOf(page, byOwnerLater)).ToHaveTextAsync("提交人：案件创建人");
        await Expect(ContributorOf(page, byNamed)).ToHaveTextAsync("提交人：张伟");
        await Expect(ContributorOf(page, byUnnamed)).ToHaveTextAsync("提交人：" + unnamedName);
        Assert.DoesNotContain(": ", await page.Locator("#items").InnerTextAsync(), StringComparison.Ordinal); // Chinese labels take the full-width colon

        // The custody log names who acted in each event, from the log's own grant.created lines; the vault's own steps as the vault's.
        await Expect(page.Locator("#custody-status")).ToBeVisibleAsync();
        var events = await page.Locator("#custody .events li").AllInnerTextsAsync();
        string[] expected =
        [
            "创建案件 · 证据保险箱",
            "创建链接 · 证据保险箱", // the owner's, issued with the case
            "创建链接 · 案件创建人",
            $"收到证据 · 案件创建人 · {byOwner.ItemId}",
            $"收到证据 · 张伟 · {byNamed.ItemId}",
            $"收到证据 · {unnamedName} · {byUnnamed.ItemId}",
            "查看保管链 · Law firm",
        ];
        foreach (var line in expected)
        {
            Assert.True(events.Any(e => e.EndsWith(line, StringComparison.Ordinal)), $"No custody line ends with \"{line}\":\n{string.Join('\n', events)}");
        }

        await AssertAccessibleAsync(page);

        await page.ClickAsync("#language");
        await Expect(ContributorOf(page, byOwner)).ToHaveTextAsync("Contributed by: Case owner");
        await Expect(ContributorOf(page, byUnnamed)).ToHaveTextAsync($"Contributed by: Victim (unnamed link) …{unnamed.GrantId[^6..]}");

        static ILocator ContributorOf(IPage page, EvidenceItemRecord item) => page.Locator($".item[data-item-id='{item.ItemId}'] .contributor");
    }

    [Fact]
    public async Task The_lawyer_page_lists_who_wrote_in_the_groups_chats_their_accounts_which_victims_sent_them_and_the_files_several_sent()
    {
        using var vault = await app.CreateCaseAsync();
        var named = await vault.GrantAsync(CaseRoles.Contributor, "张伟");
        var lawyerGrant = await vault.GrantAsync(CaseRoles.Lawyer, "Law firm");
        using var victim = vault.As(named.Token);
        var folder = Directory.CreateTempSubdirectory("evidencevault-page-");
        try
        {
            var whatsApp = SampleChats.AndroidEnglish;
            var telegram = SampleTelegramChats.PersonalChat;
            var ownersChat = await vault.UploadNewItemAsync(SampleChats.Write(folder.FullName, whatsApp), r => r.Headers.Add("X-File-Name", Uri.EscapeDataString(whatsApp.FileName)));
            var theirChat = await victim.UploadNewItemAsync(SampleChats.Write(folder.FullName, telegram), r => r.Headers.Add("X-File-Name", telegram.FileName));
            var shot = SampleEvidence.PathOf("screenshot-refund-page.png"); // the same page, sent by both under names of their own
            var ownersShot = await vault.UploadNewItemAsync(shot, r => r.Headers.Add("X-File-Name", Uri.EscapeDataString("退款页面.png")));
            var theirShot = await victim.UploadNewItemAsync(shot, r => r.Headers.Add("X-File-Name", "refund.png"));

            await using var desk = await chromium.Browser.NewContextAsync(Desktop);
            var page = await desk.NewPageAsync();
            await page.GotoAsync($"{app.BaseAddress}#case={vault.CaseId}&token={lawyerGrant.Token}");
            var sameFiles = page.Locator("#sameFiles li");
            await Expect(sameFiles).ToHaveCountAsync(1);
            await Expect(sameFiles.Locator("strong")).ToHaveTextAsync(ownersShot.Sha256);
            await Expect(sameFiles.Locator(".site-sent")).ToHaveTextAsync("Sent by, in: Case owner; 张伟 · 退款页面.png; refund.png");

            // One victim's own bundle, saved by the browser from the list of contributors: their items only, and it verifies.
            var theirs = await page.RunAndWaitForDownloadAsync(() => page.Locator($"#contributors li[data-sender='{named.GrantId}'] .contributor-bundle").ClickAsync());
            Assert.EndsWith($"/bundle?contributor={named.GrantId}", theirs.Url, StringComparison.Ordinal);
            var bundle = Path.Combine(folder.FullName, theirs.SuggestedFilename);
            await theirs.SaveAsAsync(bundle);
            var verified = await EvidenceVault.Bundles.BagVerifier.VerifyAsync(bundle);
            Assert.True(verified.Intact, string.Join("; ", verified.Findings));
            Assert.Equal(new[] { theirChat.ItemId, theirShot.ItemId }, verified.Items.Select(i => i.ItemId));

            // The owner's, named as the owner rather than by the link they happen to hold now.
            var owners = await page.RunAndWaitForDownloadAsync(() => page.Locator("#contributors li[data-sender='owner'] .contributor-bundle").ClickAsync());
            Assert.EndsWith("/bundle?contributor=owner", owners.Url, StringComparison.Ordinal);
            await owners.SaveAsAsync(bundle = Path.Combine(folder.FullName, "owner-" + owners.SuggestedFilename));
            verified = await EvidenceVault.Bundles.BagVerifier.VerifyAsync(bundle);
            Assert.True(verified.Intact, string.Join("; ", verified.Findings));
            Assert.Equal(new[] { ownersChat.ItemId, ownersShot.ItemId }, verified.Items.Select(i => i.ItemId));

            // The scammer's name is in both victims' chats, so it comes before the accounts only the Telegram export names.
            var writers = page.Locator("#writers li");
            await Expect(writers).ToHaveCountAsync(4);
            Assert.Equal(
                new[] { SampleChats.Scammer, SampleChats.Victim }.Order(StringComparer.Ordinal),
                (await writers.Locator("strong").AllInnerTextsAsync()).Take(2).Order(StringComparer.Ordinal));
            await Expect(page.Locator($"#writers li[data-key='{SampleChats.Scammer}'] .site-sent")).ToHaveTextAsync($"Sent by, in: Case owner; 张伟 · {whatsApp.FileName}; {telegram.FileName}");
            await Expect(writers.Nth(2).Locator("strong")).ToHaveTextAsync($"Account {SampleTelegramChats.VictimId}");
            await Expect(writers.Nth(3).Locator("strong")).ToHaveTextAsync($"Account {SampleTelegramChats.ScammerId}");
            await Expect(writers.Nth(3).Locator(".site-sent")).ToHaveTextAsync($"Sent by, in: 张伟 · {telegram.FileName}");

            await page.ClickAsync("#language");
            await Expect(page.Locator("#writers h2")).ToHaveTextAsync("聊天中的发言人");
            await Expect(page.Locator("#sameFiles h2")).ToHaveTextAsync("多位提交人提交的同一文件");
            await Expect(writers.Nth(3).Locator("strong")).ToHaveTextAsync($"账号 ID {SampleTelegramChats.ScammerId}");
            await Expect(writers.Nth(3).Locator(".site-sent")).ToHaveTextAsync($"提交人与证据：张伟 · {telegram.FileName}");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_victim_saves_a_phishing_mail_twice_a_call_recording_and_documents_from_the_page_and_sees_what_they_say()
    {
        using var vault = await app.CreateCaseAsync();
        var folder = Directory.CreateTempSubdirectory("evidencevault-page-");
        try
        {
            string[] files =
            [
                SampleMessages.Phishing(Path.Combine(folder.FullName, "退款邮件.eml")),
                await SampleMessages.OutlookAsync(folder.FullName), // the same mail as Outlook saves it
                await SampleRecordings.AndroidCallAsync(folder.FullName, ".amr"),
                await SampleRecordings.WeChatVoiceAsync(folder.FullName), // a WeChat voice message, named .amr as WeChat names it
                await SamplePackages.WebArchiveAsync(Path.Combine(folder.FullName, "退款页面.webarchive")), // the page as Safari saves it
                await SampleDocuments.WithCompanyAsync(await SampleDocuments.WriteAsync(folder.FullName, ".docx"), SampleDocuments.OfficeCompany),
                await SampleDocuments.WriteAsync(folder.FullName, ".xls"), // Excel 97–2003, as older programs still save lists
                await SampleDocuments.WriteAsync(folder.FullName, ".rtf"), // the contract again, as Rich Text
            ];
            await using var phone = await chromium.Browser.NewContextAsync(Phone);
            var watch = Watch(phone, app.BaseAddress);
            var page = await phone.NewPageAsync();
            await page.GotoAsync($"{app.BaseAddress}#case={vault.CaseId}&token={vault.OwnerToken}");

            await page.Locator("input.uppy-Dashboard-input[type=file]").First.SetInputFilesAsync(files);

            await Expect(page.Locator(".receipt")).ToHaveCountAsync(8, new() { Timeout = 30_000 });
            await Expect(page.Locator("#items .item")).ToHaveCountAsync(8);
            var items = await vault.ListItemsAsync();
            ILocator DocumentSays(string contentType) => page.Locator($".item[data-item-id='{items.Single(i => i.ContentType == contentType).ItemId}'] .document-says");
            var mailSays = $"邮件头自述的发件人、主题和发送时间：{SampleMessages.From} · {SampleMessages.Subject} · 2026/11/20 14:03:17 UTC";
            await Expect(page.Locator("#items .item .message-says")).ToHaveTextAsync([mailSays, mailSays]);
            await Expect(page.Locator("#items .item .recording-length")).ToHaveTextAsync(["时长：0:22", "时长：0:22"]);
            await Expect(page.Locator("#items .item .snapshot")).ToHaveTextAsync($"网页文件自述的网址和保存时间：{SamplePackages.WarcTargetUri}"); // Safari records no time
            const string DocumentSaysLabel = "文档属性自述的作者、创建时间、最后保存者、保存时间、程序和单位：";
            await Expect(DocumentSays("application/vnd.openxmlformats-officedocument.wordprocessingml.document")).ToHaveTextAsync(new Regex(
                $"^{DocumentSaysLabel}{SampleDocuments.ContractAuthor} · 2026-10-28 09:15:00 UTC · {SampleDocuments.ContractEditor} · 2026-11-01 16:42:07 UTC · LibreOffice/.* · {SampleDocuments.OfficeCompany}$"));
            await Expect(DocumentSays("application/rtf")).ToHaveTextAsync(new Regex($"^{DocumentSaysLabel}{SampleDocuments.ContractAuthor} · 2026-10-28 09:15:00 · 2026-11-01 16:42:00 · LibreOffice/"));
            await AssertFitsAsync(page);
            Assert.Equal(
                ["application/rtf", "application/vnd.ms-excel", "application/vnd.ms-outlook", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/x-webarchive", "audio/amr", "audio/silk", "message/rfc822"],
                items.Select(item => item.ContentType).Order(StringComparer.Ordinal));


            // The lawyer's page plays recordings, but no browser plays SILK: it says so rather than showing a dead player.
            var lawyerGrant = await vault.GrantAsync(CaseRoles.Lawyer, "Law firm");
            await using var desk = await chromium.Browser.NewContextAsync(Desktop);
            var lawyer = await desk.NewPageAsync();
            await lawyer.GotoAsync($"{app.BaseAddress}#case={vault.CaseId}&token={lawyerGrant.Token}");
            var voice = lawyer.Locator($".item[data-item-id='{items.Single(i => i.ContentType == "audio/silk").ItemId}']");
            await voice.Locator("button.play").ClickAsync();
            await Expect(voice.Locator(".cannot-play")).ToHaveTextAsync("This browser cannot play this format; the original is kept whole: download it to play it with a program that can");
            await Expect(voice.Locator("audio")).ToHaveCountAsync(0);
            Assert.Empty(watch.ScriptErrors);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_file_that_is_no_evidence_is_refused_with_the_vaults_reason_in_the_pages_language_and_nothing_is_kept()
    {
        using var vault = await app.CreateCaseAsync();
        var folder = Directory.CreateTempSubdirectory("evidencevault-page-");
        try
        {
            // Named like a screenshot, so the page lets it through; the vault reads its bytes and refuses it.
            var fake = Path.Combine(folder.FullName, "转账截图.png");
            await File.WriteAllTextAsync(fake, "not a picture, only text");
            await using var phone = await chromium.Browser.NewContextAsync(Phone);
            var watch = Watch(phone, app.BaseAddress);
            var page = await phone.NewPageAsync();
            await page.GotoAsync($"{app.BaseAddress}#case={vault.CaseId}&token={vault.OwnerToken}");

            await page.Locator("input.uppy-Dashboard-input[type=file]").First.SetInputFilesAsync(fake);

            await Expect(page.Locator("#error")).ToHaveTextAsync("出错了：转账截图.png：这个文件不是可接受的证据格式（截图、录音、视频、网页、邮件、导出的聊天记录或文档）。", new() { Timeout = 30_000 });
            await AssertAccessibleAsync(page);
            await Screenshots.SnapAsync(page, "refused-phone-zh");
            await page.ClickAsync("#language");
            await Expect(page.Locator("#error")).ToHaveTextAsync(
                "Something went wrong: 转账截图.png: This file is not an accepted evidence format (screenshot, recording, video, web page, e-mail, exported chat or document).");
            Assert.Empty(await vault.ListItemsAsync());
            Assert.Empty(await app.CommittedOriginalsAsync(vault.CaseId));
            Assert.Empty(watch.ScriptErrors);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_mailbox_export_is_refused_with_how_to_save_the_one_phishing_mail_in_the_pages_language()
    {
        using var vault = await app.CreateCaseAsync();
        var folder = Directory.CreateTempSubdirectory("evidencevault-page-");
        try
        {
            var mailbox = await SampleMessages.PhishingMailboxAsync(folder.FullName, "收件箱.mbox");
            await using var phone = await chromium.Browser.NewContextAsync(Phone);
            var watch = Watch(phone, app.BaseAddress);
            var page = await phone.NewPageAsync();
            await page.GotoAsync($"{app.BaseAddress}#case={vault.CaseId}&token={vault.OwnerToken}");

            await page.Locator("input.uppy-Dashboard-input[type=file]").First.SetInputFilesAsync(mailbox);

            await Expect(page.Locator("#error")).ToContainTextAsync("收件箱.mbox：这是整个邮箱文件夹的导出（mbox）", new() { Timeout = 30_000 });
            await Expect(page.Locator("#error")).ToContainTextAsync("请只保存那封诈骗邮件");
            await page.ClickAsync("#language");
            await Expect(page.Locator("#error")).ToContainTextAsync("Save only the scam e-mail: open it and use “Download message”");
            Assert.Empty(await vault.ListItemsAsync());
            Assert.Empty(await app.CommittedOriginalsAsync(vault.CaseId));
            Assert.Empty(watch.ScriptErrors);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_victim_with_only_a_link_has_the_vault_save_the_page_and_gets_its_receipt()
    {
        var site = await ScamSite.InstanceAsync();
        using var vault = await app.CreateCaseAsync();
        await using var phone = await chromium.Browser.NewContextAsync(Phone);
        var watch = Watch(phone, app.BaseAddress);
        var page = await phone.NewPageAsync();
        await page.GotoAsync($"{app.BaseAddress}#case={vault.CaseId}&token={vault.OwnerToken}");

        // An address the vault may not open is refused in the page's language, and what was typed stays.
        await page.FillAsync("#capture-url", "http://127.0.0.2/admin");
        await page.ClickAsync("#capture-button");
        await Expect(page.Locator("#error")).ToHaveTextAsync("出错了：这个地址不在公共互联网上，证据保险箱不会打开它。", new() { Timeout = 30_000 });
        await Expect(page.Locator("#capture-url")).ToHaveValueAsync("http://127.0.0.2/admin");
        Assert.Empty(await vault.ListItemsAsync());

        var link = new Uri(site.SecureAddress, "/go");
        await page.FillAsync("#capture-url", link.AbsoluteUri);
        await page.FillAsync("#capture-note", "短信里的退款链接");
        await page.ClickAsync("#capture-button");

        await Expect(page.Locator("#capture-status")).ToHaveTextAsync("已保存网页：订单异常 - 退款申请 · HTTP 状态 200 · 3 个附带资源 · 网站证书已核验：refund-center.example", new() { Timeout = 30_000 });
        var item = Assert.Single(await vault.ListItemsAsync());
        Assert.Equal(("application/wacz", link.AbsoluteUri, "短信里的退款链接"), (item.ContentType, item.SourceUrl, item.Note));
        await Expect(page.Locator(".receipt", new() { Has = page.Locator($"dd.hash:text-is('{item.Sha256}')") })).ToHaveCountAsync(1);
        await Expect(page.Locator("#error")).ToHaveCountAsync(0);
        await Expect(page.Locator("#capture-url")).ToHaveValueAsync(string.Empty);
        await Expect(page.Locator($".item[data-item-id='{item.ItemId}'] .captured-by-vault")).ToHaveTextAsync("由证据保险箱应成员请求自行抓取保存");
        await Expect(page.Locator($".item[data-item-id='{item.ItemId}'] .site-certificate")).ToHaveTextAsync($"网站证书（抓取时已核验）：{link.Authority} · refund-center.example · 签发机构 Scam Site Test Issuing CA");
        await AssertFitsAsync(page);
        await AssertAccessibleAsync(page);
        await Screenshots.SnapAsync(page, "capture-phone-zh");
        await page.ClickAsync("#language");
        await Expect(page.Locator("#capture-status")).ToHaveTextAsync("Page saved: 订单异常 - 退款申请 · HTTP status 200 · 3 resources kept with it · site certificate checked: refund-center.example");
        await Expect(page.Locator($".item[data-item-id='{item.ItemId}'] .site-certificate")).ToHaveTextAsync($"Site certificate (checked at capture): {link.Authority} · refund-center.example · issued by Scam Site Test Issuing CA");
        Assert.Empty(watch.ThirdParty); // the browser asked only the vault: the vault fetched the page
        Assert.Empty(watch.ScriptErrors);
    }

    [Fact]
    public async Task A_link_in_a_saved_phishing_mail_goes_into_the_capture_form_and_the_vault_saves_its_page()
    {
        var site = await ScamSite.InstanceAsync();
        var link = new Uri(site.SecureAddress, "/go").AbsoluteUri;
        using var vault = await app.CreateCaseAsync();
        var folder = Directory.CreateTempSubdirectory("evidencevault-page-");
        try
        {
            using (var upload = await vault.UploadAsync(
                new StreamContent(File.OpenRead(SampleMessages.Phishing(Path.Combine(folder.FullName, "phishing.eml"), link))),
                r => r.Headers.Add("X-File-Name", Uri.EscapeDataString("退款邮件.eml"))))
            {
                Assert.Equal(System.Net.HttpStatusCode.Created, upload.StatusCode);
            }

            var mail = Assert.Single(await vault.ListItemsAsync());
            var chat = await vault.UploadNewItemAsync( // Telegram Desktop's result.json
                SampleChats.Write(folder.FullName, SampleTelegramChats.PersonalChat), r => r.Headers.Add("X-File-Name", SampleTelegramChats.PersonalChat.FileName));
            await using var phone = await chromium.Browser.NewContextAsync(Phone);
            var watch = Watch(phone, app.BaseAddress);
            var page = await phone.NewPageAsync();
            await page.GotoAsync($"{app.BaseAddress}#case={vault.CaseId}&token={vault.OwnerToken}");

            // A link in an exported chat goes into the form the same way, its note naming the chat; the refund page the
            // scammer hid behind other words has a button of its own. The chat names its writers' accounts.
            await Expect(page.Locator($".item[data-item-id='{chat.ItemId}'] .chat-accounts"))
                .ToHaveTextAsync($"发言人的账号 ID（应用记录的账号，改名也不变）：{SampleTelegramChats.ScammerId}; {SampleTelegramChats.VictimId}");
            var chatButtons = page.Locator($".item[data-item-id='{chat.ItemId}'] .capture-link");
            await Expect(chatButtons).ToHaveCountAsync(2);
            await Expect(chatButtons.First).ToHaveTextAsync($"让证据保险箱保存此链接的网页： {new Uri(SampleChats.RefundLink).Authority}");
            await chatButtons.Last.ClickAsync();
            await Expect(page.Locator("#capture-url")).ToHaveValueAsync(SampleChats.AppLink);
            await Expect(page.Locator("#capture-note")).ToHaveValueAsync($"聊天记录中的链接：{SampleTelegramChats.PersonalChat.FileName}");

            var button = page.Locator($".item[data-item-id='{mail.ItemId}'] .capture-link");
            await Expect(button).ToHaveTextAsync($"让证据保险箱保存此链接的网页： {new Uri(link).Authority}");
            await button.ClickAsync();
            await Expect(page.Locator("#capture-url")).ToHaveValueAsync(link); // for the member to read before the vault opens it
            await Expect(page.Locator("#capture-note")).ToHaveValueAsync("邮件中的链接：退款邮件.eml");
            Assert.Equal(2, (await vault.ListItemsAsync()).Count); // nothing is opened until the member sends the form
            await page.ClickAsync("#capture-button");

            await Expect(page.Locator("#capture-status")).ToHaveTextAsync("已保存网页：订单异常 - 退款申请 · HTTP 状态 200 · 3 个附带资源 · 网站证书已核验：refund-center.example", new() { Timeout = 30_000 });
            var captured = Assert.Single(await vault.ListItemsAsync(), item => item.ContentType == "application/wacz");
            Assert.Equal(3, (await vault.ListItemsAsync()).Count); // the mail, the chat and the page: the chat's link was never sent
            Assert.Equal((link, "邮件中的链接：退款邮件.eml"), (captured.SourceUrl, captured.Note));
            await AssertFitsAsync(page);
            Assert.Empty(watch.ThirdParty); // the phone never opened the phishing link: the vault did
            Assert.Empty(watch.ScriptErrors);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Evidence_captured_with_the_microphone_and_the_camera_is_saved_with_receipts()
    {
        using var vault = await app.CreateCaseAsync();
        await using var desk = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions(Desktop) { Permissions = ["microphone", "camera"] });
        var page = await desk.NewPageAsync();
        await page.GotoAsync($"{app.BaseAddress}#case={vault.CaseId}&token={vault.OwnerToken}");

        await page.ClickAsync("[data-uppy-acquirer-id=Audio] button");
        await page.ClickAsync("button[aria-label='Begin audio recording']");
        await Task.Delay(1500);
        await page.ClickAsync("button[aria-label='Stop audio recording']");
        await page.ClickAsync("button[aria-label='Submit recorded file']");
        await Expect(page.Locator(".receipt")).ToHaveCountAsync(1, new() { Timeout = 30_000 });

        await page.ClickAsync("button.uppy-DashboardContent-addMore");
        await page.ClickAsync("[data-uppy-acquirer-id=Webcam] button");
        // A picture taken before the camera's first frame is 0 × 0 and Uppy drops it: wait for the picture to exist.
        await page.WaitForFunctionAsync("() => document.querySelector('.uppy-Webcam-video')?.videoWidth > 0", null, new() { Timeout = 30_000 });
        await page.ClickAsync("button[aria-label='Take a picture']");
        await page.ClickAsync("button[aria-label='Submit recorded file']");
        await Expect(page.Locator(".receipt")).ToHaveCountAsync(2, new() { Timeout = 30_000 });

        var items = await vault.ListItemsAsync();
        Assert.Equal(2, items.Count);
        Assert.Contains(items, i => i.ContentType is "video/webm" or "audio/ogg" or "audio/mp4"); // the recording, as the browser encodes it
        Assert.Contains(items, i => i.ContentType.StartsWith("image/", StringComparison.Ordinal)); // the photo
        foreach (var item in items)
        {
            await Expect(page.Locator(".receipt", new() { Has = page.Locator($"dd.hash:text-is('{item.Sha256}')") })).ToHaveCountAsync(1);
        }
    }

    [Fact]
    public async Task Both_languages_have_every_string()
    {
        var check = await ExternalTool.RunAsync("node", Path.Combine(SampleEvidence.RepositoryRoot, "src", "EvidenceVault.Web"), "--input-type=module", "-e", """
            import { strings } from './src/i18n.js';
            const keys = (o, p = '') => Object.entries(o).flatMap(([k, v]) => typeof v === 'object' ? keys(v, p + k + '/') : [p + k]);
            const [zh, en] = [new Set(keys(strings['zh-CN'])), new Set(keys(strings.en))];
            const missing = [...[...zh].filter((k) => !en.has(k)).map((k) => 'en lacks ' + k), ...[...en].filter((k) => !zh.has(k)).map((k) => 'zh-CN lacks ' + k)];
            const value = (language, key) => key.split('/').reduce((o, p) => o[p], strings[language]);
            const empty = [...zh].filter((k) => !value('zh-CN', k) || (en.has(k) && !value('en', k))).map((k) => 'empty ' + k);
            console.log(zh.size + ' keys'); if (missing.length + empty.length) { console.log([...missing, ...empty].join('\n')); process.exit(1); }
            """);

        Assert.True(check.ExitCode == 0, check.Output);
        Assert.True(int.Parse(check.Output.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) > 100, check.Output);
    }

    [Fact]
    public async Task Every_custody_event_the_vault_writes_has_a_name_in_both_languages()
    {
        // Every event type is a constant "subject.verb" of the vault's code: the pages must name each in the custody log.
        var eventTypes = new[] { typeof(EvidenceVault.Custody.CustodyEventTypes).Assembly, typeof(Program).Assembly }
            .SelectMany(assembly => assembly.GetTypes())
            .SelectMany(type => type.GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static))
            .Where(field => field.IsLiteral && field.FieldType == typeof(string) && field.DeclaringType != typeof(Monitoring.VaultMetrics)) // telemetry names look alike
            .Select(field => (string)field.GetRawConstantValue()!)
            .Where(value => EventTypeName().IsMatch(value))
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Contains("index.rebuilt", eventTypes);
        Assert.Contains("grant.created", eventTypes);

        var check = await ExternalTool.RunAsync("node", Path.Combine(SampleEvidence.RepositoryRoot, "src", "EvidenceVault.Web"), "--input-type=module", "-e", """
            import { strings } from './src/i18n.js';
            const missing = JSON.parse(process.argv[1]).flatMap((type) => ['zh-CN', 'en'].filter((l) => !strings[l].eventTypes[type]).map((l) => l + ' lacks ' + type));
            if (missing.length) { console.log(missing.join('\n')); process.exit(1); }
            """, System.Text.Json.JsonSerializer.Serialize(eventTypes));

        Assert.True(check.ExitCode == 0, check.Output);
    }

    [GeneratedRegex("^[a-z]+\\.[a-z]+(-[a-z]+)*$")]
    private static partial Regex EventTypeName();

    /// <summary>Records requests to other origins, failed requests and content-policy violations of every page in the context.</summary>
    private static PageWatch Watch(IBrowserContext context, Uri origin)
    {
        var watch = new PageWatch();
        context.Request += (_, request) =>
        {
            if (Uri.TryCreate(request.Url, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && url.Authority != origin.Authority)
            {
                watch.ThirdParty.Add(request.Url);
            }
        };
        context.RequestFailed += (_, request) => watch.FailedRequests.Add(request.Url);
        context.Request += (_, request) =>
        {
            if (request.Method == "HEAD")
            {
                watch.Resumed.Add(request.Url);
            }
        };
        context.Page += (_, page) =>
        {
            page.Console += (_, message) =>
            {
                watch.Console.Enqueue($"{message.Type}: {message.Text}");
                if (message.Type == "error" && message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
                {
                    watch.PolicyViolations.Add(message.Text);
                }
            };
            page.PageError += (_, error) => watch.ScriptErrors.Add(error);
        };
        return watch;
    }

    /// <summary>Nothing wider than the screen: no horizontal scrolling on a phone.</summary>
    private static async Task AssertFitsAsync(IPage page) =>
        Assert.True(
            await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
            $"{page.Url} scrolls sideways: {await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")}px");

    /// <summary>
    /// No WCAG 2.2 A/AA failure that axe-core finds in the page as it is now, Uppy's dashboard included: names that match
    /// what is shown, contrast, roles, labels, language. Checks axe cannot decide ("incomplete") are not failures.
    /// </summary>
    private static async Task AssertAccessibleAsync(IPage page)
    {
        var result = await page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
        });
        Assert.True(
            result.Violations.Length == 0,
            string.Join('\n', result.Violations.Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target))}")));
    }

    [GeneratedRegex(@"[\u3400-\u9FFF]")]
    private static partial Regex Cjk();

    private sealed class PageWatch
    {
        public System.Collections.Concurrent.ConcurrentBag<string> ThirdParty { get; } = [];

        public System.Collections.Concurrent.ConcurrentBag<string> FailedRequests { get; } = [];

        public System.Collections.Concurrent.ConcurrentBag<string> Resumed { get; } = [];

        public System.Collections.Concurrent.ConcurrentBag<string> PolicyViolations { get; } = [];

        public System.Collections.Concurrent.ConcurrentBag<string> ScriptErrors { get; } = [];

        public System.Collections.Concurrent.ConcurrentQueue<string> Console { get; } = [];
    }
}
