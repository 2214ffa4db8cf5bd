using EvidenceVault.Bundles;
using EvidenceVault.Evidence;

namespace EvidenceVault.Core.Tests.Bundles;

public sealed class BundleReportTests
{
    private static readonly DateTimeOffset Received = new(2026, 11, 23, 22, 39, 31, TimeSpan.Zero);

    [Fact]
    public void Format_OneRowPerItem_InBothLanguagesAndTimeZones()
    {
        var html = BundleReport.Format(Catalog(Item("01KBZ6X3N8Q4T2V7W9Y0A1B000", "image/png", "截图.png"), Item("01KBZ6X3N8Q4T2V7W9Y0A1B001", "audio/mpeg", "call.mp3")));

        Assert.Contains("证据报告 / Evidence report", html, StringComparison.Ordinal);
        Assert.Equal(3, html.Split("<tr>").Length - 1); // header + two items
        Assert.Contains("2026-11-23T22:39:31.000Z (UTC)", html, StringComparison.Ordinal);
        Assert.Contains("2026-11-24 06:39:31 (北京时间 Beijing)", html, StringComparison.Ordinal);
        Assert.Contains("<img src=\"evidence/01KBZ6X3N8Q4T2V7W9Y0A1B000.png\"", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"evidence/01KBZ6X3N8Q4T2V7W9Y0A1B001.mp3\">audio/mpeg</a>", html, StringComparison.Ordinal);
        Assert.Contains("Victim 7 王芳", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Format_NamesKindContributorNoteAndPendingTimestamp_InBothLanguages()
    {
        var html = BundleReport.Format(Catalog(
            Item("01KBZ6X3N8Q4T2V7W9Y0A1B005", "image/png", "a.png") with
            {
                Contributor = "01KBZ6X3N8Q4T2V7W9Y0A1G000", ContributorRole = CaseRoles.Owner, ContributorLabel = "owner", Note = "第一通电话 <after> the transfer",
            },
            Item("01KBZ6X3N8Q4T2V7W9Y0A1B006", "audio/mpeg", "b.mp3") with
            {
                Kind = "audio", Contributor = "01KBZ6X3N8Q4T2V7W9Y0A1G001", ContributorRole = CaseRoles.Contributor, ContributorLabel = null,
                Timestamp = new ItemTimestamp { Status = TimestampStatuses.Pending },
            }));

        Assert.Contains("<td>截图/照片 Screenshot / photo</td><td>案件创建人 Case owner<br><code>01KBZ6X3N8Q4T2V7W9Y0A1G000</code></td>", html, StringComparison.Ordinal);
        Assert.Contains("<td>录音 Audio recording</td><td>受害人（未命名链接）Victim (unnamed link)<br><code>01KBZ6X3N8Q4T2V7W9Y0A1G001</code></td>", html, StringComparison.Ordinal);
        Assert.Contains("<td>等待中 Pending</td>", html, StringComparison.Ordinal);
        Assert.Contains("1,234 bytes<br>提交人备注 Contributor's note: 第一通电话 &lt;after&gt; the transfer</td>", html, StringComparison.Ordinal);
        Assert.Equal(1, html.Split("Contributor's note").Length - 1); // the item without a note has no line for one
    }

    [Fact]
    public void Format_WithTheCasesLinks_SaysWhoEachCustodyActorIs()
    {
        CaseLink[] links =
        [
            new("01KBZ6X3N8Q4T2V7W9Y0A1G000", CaseRoles.Owner, "owner", Received, null),
            new("01KBZ6X3N8Q4T2V7W9Y0A1G001", CaseRoles.Lawyer, "<Law firm>", Received.AddMinutes(1), Received.AddDays(1)),
        ];

        var html = BundleReport.Format(Catalog(Item("01KBZ6X3N8Q4T2V7W9Y0A1B007", "image/png", "a.png")), links);

        Assert.Contains("<h2>本案链接 / Links of this case</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<tr><td><code>01KBZ6X3N8Q4T2V7W9Y0A1G000</code></td><td>案件创建人 Case owner</td><td>owner</td><td>2026-11-23T22:39:31.000Z (UTC)", html, StringComparison.Ordinal);
        Assert.Contains("<tr><td><code>01KBZ6X3N8Q4T2V7W9Y0A1G001</code></td><td>律师 Lawyer</td><td>&lt;Law firm&gt;</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td>2026-11-24T22:39:31.000Z (UTC)<br>2026-11-25 06:39:31 (北京时间 Beijing)</td></tr>", html, StringComparison.Ordinal); // revoked
        Assert.DoesNotContain("Links of this case", BundleReport.Format(Catalog(Item("01KBZ6X3N8Q4T2V7W9Y0A1B007", "image/png", "a.png"))), StringComparison.Ordinal);
    }

    [Fact]
    public void The_exports_vault_log_entry_is_named_under_the_custody_head_when_the_bundle_has_one()
    {
        var catalog = Catalog(Item("01KBZ6X3N8Q4T2V7W9Y0A1B008", "image/png", "a.png"));
        var entry = new EvidenceVault.Transparency.LogInclusion
        {
            LeafIndex = 41,
            TreeSize = 42,
            Leaf = new EvidenceVault.Transparency.CaseHeadLeaf(catalog.CaseId, catalog.CustodyHead.Seq, catalog.CustodyHead.Head),
            AuditPath = [],
            CheckpointKeyId = "0123456789abcdef",
        };

        var html = BundleReport.Format(catalog, [], entry);

        Assert.Contains("公开日志 Vault log: 第 41 条，检查点共 42 条 / entry 41 of the checkpoint of 42 (<code>data/log/</code>, VERIFY.md §5)</p>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Vault log", BundleReport.Format(catalog, []), StringComparison.Ordinal);
    }

    [Fact]
    public void Format_HostileFileNameAndTitle_AreEncodedNotRun()
    {
        var html = BundleReport.Format(Catalog(Item("01KBZ6X3N8Q4T2V7W9Y0A1B002", "text/html", "<script>alert(1)</script>.html")) with { Title = "<img src=x onerror=alert(1)>" });

        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;.html", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_SavedPage_ShowsTheContributorsClaimAndWhatTheFileSaysApart()
    {
        var page = Item("01KBZ6X3N8Q4T2V7W9Y0A1B003", "multipart/related", "refund.mhtml") with
        {
            SourceUrl = "https://claimed.example/refund",
            CapturedAt = Received.AddMinutes(-5),
            Snapshot = new PageSnapshotOrigin { Source = PageSnapshotSources.Mhtml, Url = "https://refund-center.example/order/114?a=1&b=<2>", CapturedAt = Received.AddMinutes(-1) },
        };

        var html = BundleReport.Format(Catalog(page, Item("01KBZ6X3N8Q4T2V7W9Y0A1B004", "image/png", "shot.png")));

        Assert.Contains("来源与拍摄时间 Source and capture", html, StringComparison.Ordinal);
        Assert.Contains("提交人所述 Contributor says: <code>https://claimed.example/refund</code><br>2026-11-23T22:34:31.000Z (UTC)", html, StringComparison.Ordinal);
        Assert.Contains("文件自述 The file says (MHTML): <code>https://refund-center.example/order/114?a=1&amp;b=&lt;2&gt;</code><br>2026-11-23T22:38:31.000Z (UTC)", html, StringComparison.Ordinal);
        Assert.Equal(1, html.Split("The file says").Length - 1); // the screenshot states nothing of its own
    }

    [Fact]
    public void Format_APageTheVaultCaptured_SaysSoBeforeTheMembersLinkAndOnlyForIt()
    {
        var captured = Item("01KBZ6X3N8Q4T2V7W9Y0A1B005", "application/wacz", "capture-refund-center.example-20261206T092504Z.wacz") with
        {
            SourceUrl = "https://refund-center.example/go",
            CapturedBy = "vault",
        };
        var uploaded = Item("01KBZ6X3N8Q4T2V7W9Y0A1B006", "application/wacz", "capture-of-my-own.wacz");

        var html = BundleReport.Format(Catalog(captured, uploaded));

        Assert.Contains("证据保险箱应成员请求自行抓取 Captured by the vault itself, at a member's request<br>提交人所述 Contributor says: <code>https://refund-center.example/go</code>", html, StringComparison.Ordinal);
        Assert.Equal(1, html.Split("Captured by the vault itself").Length - 1);
    }

    [Fact]
    public void Format_AFileSeveralVictimsSent_IsGatheredWithTheNamesTheySentItUnderAndHowManySentIt()
    {
        var contract = new string('e', 64);
        var html = BundleReport.Format(Catalog(
            Item("01KBZ6X3N8Q4T2V7W9Y0A1B020", "application/pdf", "合同.pdf") with { Sha256 = contract, Contributor = "01KBZ6X3N8Q4T2V7W9Y0A1G000" },
            Item("01KBZ6X3N8Q4T2V7W9Y0A1B021", "image/png", "a.png") with { Contributor = "01KBZ6X3N8Q4T2V7W9Y0A1G001" },
            Item("01KBZ6X3N8Q4T2V7W9Y0A1B022", "application/pdf", "contract <final>.pdf") with { Sha256 = contract, Contributor = "01KBZ6X3N8Q4T2V7W9Y0A1G001" },
            Item("01KBZ6X3N8Q4T2V7W9Y0A1B023", "application/pdf", "合同.pdf") with { Sha256 = contract, Contributor = "01KBZ6X3N8Q4T2V7W9Y0A1G002" },
            Item("01KBZ6X3N8Q4T2V7W9Y0A1B024", "image/png", "a.png") with { Contributor = "01KBZ6X3N8Q4T2V7W9Y0A1G001" })); // one contributor's bytes twice: not several victims'
        var alone = BundleReport.Format(Catalog(
            Item("01KBZ6X3N8Q4T2V7W9Y0A1B021", "image/png", "a.png") with { Contributor = "01KBZ6X3N8Q4T2V7W9Y0A1G001" },
            Item("01KBZ6X3N8Q4T2V7W9Y0A1B025", "image/png", "b.png") with { Sha256 = new string('f', 64), Contributor = "01KBZ6X3N8Q4T2V7W9Y0A1G002" }));

        var table = html[html.IndexOf("<h2>多位提交人提交的同一文件 / The same file from several contributors</h2>", StringComparison.Ordinal)..];
        Assert.Contains($"<tr><td><code>{contract}</code></td><td>合同.pdf<br>contract &lt;final&gt;.pdf</td><td>1, 3, 4</td><td>3</td></tr>", table, StringComparison.Ordinal);
        Assert.Equal(2, table.Split("<tr>").Length - 1); // the heading and the contract's row
        Assert.DoesNotContain("The same file from several contributors", alone, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_ThePagesTheVaultCaptured_ListEachSitesCertificateNumberedAsTheirItem()
    {
        static CapturedSite Site(string origin, string subject) => new()
        {
            Site = origin,
            CheckedAt = Received.AddMinutes(-2),
            Subject = subject,
            Issuer = "CN=R11, O=Let's Encrypt, C=US",
            SerialNumber = "04a1b2",
            NotBefore = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero),
            NotAfter = new DateTimeOffset(2027, 1, 30, 23, 59, 59, TimeSpan.Zero),
            Sha256 = new string('d', 64),
        };
        var screenshot = Item("01KBZ6X3N8Q4T2V7W9Y0A1B007", "image/png", "shot.png");
        var captured = Item("01KBZ6X3N8Q4T2V7W9Y0A1B008", "application/wacz", "capture-t.example-20261206T092504Z.wacz") with
        {
            CapturedBy = "vault",
            CapturedSites = [Site("https://t.example/", "CN=t.example"), Site("https://refund-center.example/", "CN=refund-center.example, O=\"Refund <Center>\"")],
        };

        var html = BundleReport.Format(Catalog(screenshot, captured));
        var none = BundleReport.Format(Catalog(screenshot));

        Assert.Contains("Captured by the vault itself, at a member's request<br>已核验 2 个网站的证书（见网站证书表）Certificates of 2 site(s) checked (see Site certificates)", html, StringComparison.Ordinal);
        var table = html[html.IndexOf("<h2>网站证书 / Site certificates</h2>", StringComparison.Ordinal)..];
        Assert.Contains(
            "<tr><td>2</td><td><code>https://t.example/</code></td><td>2026-11-23T22:37:31.000Z (UTC)<br>2026-11-24 06:37:31 (北京时间 Beijing)</td><td>CN=t.example</td><td>CN=R11, O=Let&#39;s Encrypt, C=US</td>" +
            "<td><code>04a1b2</code></td><td>2026-11-01T00:00:00.000Z –<br>2027-01-30T23:59:59.000Z</td><td><code>" + new string('d', 64) + "</code></td></tr>",
            table,
            StringComparison.Ordinal);
        Assert.Contains("<td>CN=refund-center.example, O=&quot;Refund &lt;Center&gt;&quot;</td>", table, StringComparison.Ordinal); // the site's own words, encoded
        Assert.Equal(2, table.Split("<tr><td>2</td>").Length - 1);
        Assert.DoesNotContain("Site certificates", none, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_Recordings_ShowTheirLengthUnderTheKindAndTheTimeTheFileNamesAsItsOwnStatement()
    {
        var call = Item("01KBZ6X3N8Q4T2V7W9Y0A1B009", "audio/mp4", "call.m4a") with
        {
            Kind = "audio",
            Recording = new RecordingInfo { Source = RecordingSources.IsoMedia, DurationSeconds = 3723.5, RecordedAt = Received.AddDays(-3) },
        };
        var voice = Item("01KBZ6X3N8Q4T2V7W9Y0A1B010", "audio/wav", "voice.wav") with
        {
            Kind = "audio",
            Recording = new RecordingInfo { Source = RecordingSources.Wave, DurationSeconds = 22.566 },
        };

        var html = BundleReport.Format(Catalog(call, voice));

        Assert.Contains("<td>录音 Audio recording<br>时长 Length 1:02:03.500</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td>录音 Audio recording<br>时长 Length 0:22.566</td>", html, StringComparison.Ordinal);
        Assert.Contains("文件自述 The file says (MP4): 录制于 recorded 2026-11-20T22:39:31.000Z (UTC)", html, StringComparison.Ordinal);
        Assert.Equal(1, html.Split("录制于 recorded").Length - 1); // the WAV names no time
    }

    [Fact]
    public void Format_APhotosExif_SaysWhetherTheCameraClockNamedItsZoneAndEncodesTheDevice()
    {
        var zoned = Item("01KBZ6X3N8Q4T2V7W9Y0A1B011", "image/jpeg", "IMG_0412.jpg") with
        {
            Photo = new PhotoInfo { Source = "exif", TakenAt = "2026-11-20T14:03:17", UtcOffset = "+08:00", Device = "Apple iPhone 15" },
        };
        var local = Item("01KBZ6X3N8Q4T2V7W9Y0A1B012", "image/jpeg", "IMG_0413.jpg") with
        {
            Photo = new PhotoInfo { Source = "exif", TakenAt = "2026-11-20T14:04:00", Device = "<b>Cam</b>" },
        };
        var deviceOnly = Item("01KBZ6X3N8Q4T2V7W9Y0A1B013", "image/png", "shot.png") with { Photo = new PhotoInfo { Source = "exif", Device = "HUAWEI ELS-AN00" } };

        var html = BundleReport.Format(Catalog(zoned, local, deviceOnly));

        Assert.Contains("文件自述 The file says (EXIF): 拍摄于 taken 2026-11-20 14:03:17 (UTC+08:00) · 设备 device Apple iPhone 15", html, StringComparison.Ordinal);
        Assert.Contains("文件自述 The file says (EXIF): 拍摄于 taken 2026-11-20 14:04:00 (相机时钟，未注明时区 camera clock, no time zone) · 设备 device &lt;b&gt;Cam&lt;/b&gt;", html, StringComparison.Ordinal);
        Assert.Contains("文件自述 The file says (EXIF): 设备 device HUAWEI ELS-AN00", html, StringComparison.Ordinal);
    }

    private static BundleCatalog Catalog(params EvidenceItemRecord[] items) => new()
    {
        CaseId = "01KBZ6X3N8Q4T2V7W9Y0A1B2C3",
        ExportedAt = Received.AddHours(1),
        CustodyHead = new ItemCustody(9, new string('a', 64)),
        Items = items,
    };

    private static EvidenceItemRecord Item(string itemId, string contentType, string fileName) => new()
    {
        ItemId = itemId,
        CaseId = "01KBZ6X3N8Q4T2V7W9Y0A1B2C3",
        Sha256 = new string('b', 64),
        Size = 1234,
        Kind = "screenshot",
        ContentType = contentType,
        FileName = fileName,
        ReceivedAt = Received,
        ContributorLabel = "Victim 7 王芳",
        Custody = new ItemCustody(2, new string('c', 64)),
        File = $"data/evidence/{itemId}{EvidenceFormatDetector.ExtensionFor(contentType)}",
    };
}
