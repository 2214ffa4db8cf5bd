using System.Globalization;
using System.Net;
using System.Text;
using EvidenceVault.Evidence;
using EvidenceVault.Serialization;

namespace EvidenceVault.Bundles;

/// <summary>
/// <c>data/report.html</c>: the bundle for a person — bilingual (中文/English), one row per item with its thumbnail
/// when it is an image, times in UTC and Beijing time. Self-contained and offline: no scripts, no external resources;
/// images are the evidence files themselves, referenced relatively.
/// </summary>
internal static class BundleReport
{
    public static string Format(BundleCatalog catalog) => Format(catalog, []);

    /// <summary>
    /// The report, with the case's <paramref name="links"/> (from its custody log) after the items, and the export's
    /// entry in the vault log, when the bundle carries one.
    /// </summary>
    public static string Format(BundleCatalog catalog, IReadOnlyList<CaseLink> links, Transparency.LogInclusion? log = null)
    {
        var html = new StringBuilder();
        html.Append("""
            <!DOCTYPE html>
            <html lang="zh-CN">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>证据报告 Evidence report</title>
            <style>
            body{font-family:system-ui,"Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;margin:1.5rem;color:#1b1b1b}
            table{border-collapse:collapse;width:100%;font-size:.85rem}th,td{border:1px solid #bbb;padding:.35rem;vertical-align:top;text-align:left}
            th{background:#f0f0f0}code{font-size:.75rem;word-break:break-all}img{max-width:120px;max-height:160px}
            thead{display:table-header-group}
            @media print{body{margin:0;font-size:9pt}table{font-size:7.5pt}code{font-size:7pt}img{max-width:90px;max-height:120px}
            tr{break-inside:avoid}h2{break-after:avoid}th{-webkit-print-color-adjust:exact;print-color-adjust:exact}a{color:inherit}}

            """);
        // Printed for a court file, every page names the case and the export it belongs to, and its place among the pages.
        html.Append(CultureInfo.InvariantCulture, $$$"""
            @page{size:A4 landscape;margin:12mm 10mm 14mm;
            @bottom-left{content:"证据报告 Evidence report · 案件 Case {{{catalog.CaseId}}} · 导出 Exported {{{VaultJson.FormatUtc(catalog.ExportedAt)}}} (UTC)";{{{PageMarkFont}}}}
            @bottom-right{content:"第 " counter(page) " 页，共 " counter(pages) " 页 · Page " counter(page) " of " counter(pages);{{{PageMarkFont}}}}}
            </style>
            </head>
            <body>

            """);
        html.Append(CultureInfo.InvariantCulture, $"<h1>证据报告 / Evidence report</h1>\n<p>案件 Case: <code>{Encode(catalog.CaseId)}</code>");
        if (catalog.Title is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $" — {Encode(catalog.Title)}");
        }

        html.Append(CultureInfo.InvariantCulture, $"<br>导出时间 Exported: {Times(catalog.ExportedAt)}<br>证据数量 Items: {catalog.Items.Count}<br>");
        if (catalog.Contributor is { } sender)
        {
            html.Append(CultureInfo.InvariantCulture, $"<strong>只含一位提交人的证据 One contributor's items only: {OneSender(sender, links)}</strong>（本案其他证据不在此包中 the case's other items are not in this bundle）<br>");
        }

        html.Append(CultureInfo.InvariantCulture, $"监管链末端 Custody head: seq {catalog.CustodyHead.Seq}, <code>{catalog.CustodyHead.Head}</code>");
        if (log is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<br>公开日志 Vault log: 第 {log.LeafIndex} 条，检查点共 {log.TreeSize} 条 / entry {log.LeafIndex} of the checkpoint of {log.TreeSize} (<code>data/log/</code>, VERIFY.md §5)");
        }

        html.Append("</p>\n");
        html.Append("<p>核验方法见 VERIFY.md。/ How to check this bundle: see VERIFY.md.</p>\n");
        OpenTable(html, "#", "证据 Item", "类型 Kind", "提交人 Contributor", "接收时间 Received", "来源与拍摄时间 Source and capture", "可信时间戳 Trusted timestamp", "SHA-256", "预览 Preview");
        var n = 0;
        foreach (var item in catalog.Items)
        {
            n++;
            var file = item.File is null ? string.Empty : item.File["data/".Length..];
            var timestamp = item.Timestamp is { GenTime: { } genTime } stamp
                ? $"{Times(genTime)}<br>{Encode(stamp.Authority ?? string.Empty)}"
                : item.Timestamp?.Status == TimestampStatuses.Pending ? "等待中 Pending" : Encode(item.Timestamp?.Status ?? "—");
            var preview = item.ContentType.StartsWith("image/", StringComparison.Ordinal) && item.ContentType != "image/heic"
                ? $"<img src=\"{Encode(file)}\" alt=\"{Encode(item.FileName ?? item.ItemId)}\">"
                : $"<a href=\"{Encode(file)}\">{Encode(item.ContentType)}</a>";
            var note = item.Note is null ? string.Empty : $"<br>提交人备注 Contributor's note: {Encode(item.Note)}";
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{n}</td><td>{Encode(item.FileName ?? item.ItemId)}<br><code>{Encode(item.ItemId)}</code><br>{item.Size.ToString("N0", CultureInfo.InvariantCulture)} bytes{note}</td>");
            var length = item.Recording?.DurationSeconds is { } seconds ? $"<br>时长 Length {Length(seconds)}" : string.Empty;
            html.Append(CultureInfo.InvariantCulture, $"<td>{Kind(item.Kind)}{length}</td><td>{Contributor(item)}</td><td>{Times(item.ReceivedAt)}</td><td>{Origin(item)}</td>");
            html.Append(CultureInfo.InvariantCulture, $"<td>{timestamp}</td><td><code>{item.Sha256}</code></td><td>{preview}</td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n");
        AppendSameFiles(html, catalog.Items);
        AppendNamedSites(html, catalog.Items);
        AppendChatWriters(html, catalog.Items);
        AppendMailSigners(html, catalog.Items);
        AppendSites(html, catalog.Items);
        if (links.Count > 0)
        {
            html.Append("<h2>本案链接 / Links of this case</h2>\n<p>监管链（data/custody-log.jsonl）中每行的 actor 是以下链接之一；没有 actor 的行是证据保险箱自身的操作。/ ");
            html.Append("Each custody-log line's actor is one of these links; a line without an actor is the vault's own.</p>\n");
            OpenTable(html, "链接 Link", "角色 Role", "名称 Name", "创建时间 Created", "撤销时间 Revoked");
            foreach (var link in links)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td><code>{Encode(link.GrantId)}</code></td><td>{RoleName(link.Role)}</td><td>{Encode(link.Label ?? "—")}</td>");
                html.Append(CultureInfo.InvariantCulture, $"<td>{Times(link.CreatedAt)}</td><td>{(link.RevokedAt is { } revoked ? Times(revoked) : "—")}</td></tr>\n");
            }

            html.Append("</tbody>\n</table>\n");
        }

        html.Append("</body>\n</html>\n");

        // The same bytes wherever it is made, whatever line ends this source was checked out with: the verifier makes it again.
        return html.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    /// <summary>
    /// The files more than one contributor sent byte for byte (the same SHA-256), each with the names they were sent
    /// under, the items (numbered as above) and how many contributors sent them — in a group suit, the same fake
    /// contract or app in many victims' evidence, each victim's copy an item of their own with its own receipt. Most
    /// contributors first.
    /// </summary>
    private static void AppendSameFiles(StringBuilder html, IReadOnlyList<EvidenceItemRecord> items)
    {
        var files = NamedAcross(items, item => new[] { (Key: item.Sha256, Detail: item.FileName ?? item.ItemId) }, StringComparer.Ordinal, sha256 => sha256)
            .Where(file => file.Contributors > 1)
            .ToList();
        AppendGathering(
            html,
            files,
            "<h2>多位提交人提交的同一文件 / The same file from several contributors</h2>\n<p>字节完全相同（SHA-256 相同）、由不止一位提交人各自提交的文件；每人的一份是各自的证据，有各自的接收时间、时间戳和回执。/ " +
            "Files with exactly the same bytes (the same SHA-256) that more than one contributor sent: each one's copy is their own item, with its own received time, timestamp and receipt.</p>\n",
            ["SHA-256", "文件名 File names"],
            (sha256, names) => $"<td><code>{Encode(sha256)}</code></td><td>{string.Join("<br>", names.Select(Encode))}</td>");
    }

    /// <summary>
    /// The sites the evidence itself names — the links its saved e-mails and exported chats hold, and the addresses its
    /// saved pages state — each with its addresses, the items that name it (numbered as above) and how many contributors
    /// sent them: in a group suit, the same fake site in many victims' evidence. Most contributors first; kept as
    /// text, never as links to follow.
    /// </summary>
    private static void AppendNamedSites(StringBuilder html, IReadOnlyList<EvidenceItemRecord> items)
    {
        var named = NamedAcross(
            items,
            item => ((IEnumerable<string>)[.. item.Message?.Links ?? [], .. item.Chat?.Links ?? [], .. item.Snapshot?.Url is { } url ? [url] : Array.Empty<string>()])
                .Select(link => (Key: Uri.TryCreate(link, UriKind.Absolute, out var uri) ? uri.Host : link, Detail: link)),
            StringComparer.OrdinalIgnoreCase,
            host => host);
        AppendGathering(
            html,
            named,
            "<h2>证据所述的网站 / Sites the evidence names</h2>\n<p>保存的邮件和导出的聊天记录中的链接，以及保存的网页自述的网址，按网站汇总（仅作文字记录，请勿打开）。/ " +
            "The links the saved e-mails and exported chats hold and the addresses the saved pages state, by site (kept as text: do not open them).</p>\n",
            ["网站 Site", "网址 Addresses"],
            (host, links) => $"<td><code>{Encode(host)}</code></td><td>{string.Join("<br>", links.Select(link => $"<code>{Encode(link)}</code>"))}</td>");
    }

    /// <summary>
    /// Who wrote in the exported chats, across the case: each writer's name as the exports give it, and each account
    /// a Telegram export names, with the chats (numbered as above) and how many contributors sent them — in a group
    /// suit, the one scammer in many victims' chats, which an account's id shows even when the name changed. Most
    /// contributors first.
    /// </summary>
    private static void AppendChatWriters(StringBuilder html, IReadOnlyList<EvidenceItemRecord> items)
    {
        var writers = NamedAcross(
            items,
            item => ((IEnumerable<(string Writer, bool Account)>)[.. (item.Chat?.Participants ?? []).Select(name => (name, false)), .. (item.Chat?.Accounts ?? []).Select(account => (account, true))])
                .Select(writer => (Key: writer, Detail: writer.Writer)),
            EqualityComparer<(string Writer, bool Account)>.Default,
            writer => $"{(writer.Account ? 1 : 0)}{writer.Writer}"); // names before accounts
        AppendGathering(
            html,
            writers,
            "<h2>聊天中的发言人 / Who wrote in the chats</h2>\n<p>导出的聊天记录中的发言人名称（按导出记录），以及 Telegram 导出记录中的账号 ID（改名也不变）。/ " +
            "The writers' names as the exported chats give them, and the account ids a Telegram export names (which stay when a name changes).</p>\n",
            ["发言人或账号 Writer or account"],
            (writer, _) => $"<td>{(writer.Account ? $"账号 account <code>{Encode(writer.Writer)}</code>" : Encode(writer.Writer))}</td>");
    }

    /// <summary>
    /// The domains whose DKIM signatures the case's saved e-mails carry (those of mails forwarded inside them too), each
    /// with what the vault found when it checked them on receipt, the items (numbered as above) and how many
    /// contributors sent them — in a group suit, the one domain the phishing mails came from, a company's own when its
    /// mail system was abused. Most contributors first.
    /// </summary>
    private static void AppendMailSigners(StringBuilder html, IReadOnlyList<EvidenceItemRecord> items)
    {
        var signers = NamedAcross(
            items,
            item => (item.Message?.Forwarded ?? []).Prepend(item.Message).OfType<MessageInfo>()
                .SelectMany(mail => mail.Signatures ?? [])
                .Where(signature => signature.Domain is not null)
                .Select(signature => (Key: signature.Domain!, Detail: signature.Result)),
            StringComparer.OrdinalIgnoreCase,
            domain => domain);
        AppendGathering(
            html,
            signers,
            "<h2>邮件的签名域名 / Domains that signed the e-mails</h2>\n<p>保存的邮件（含其中作为附件转发的邮件）所带 DKIM 签名的域名，及证据保险箱入库时按该域名当时公布的密钥核对的结果（pass 即邮件确由该域名的邮件系统发出且未改动）。/ " +
            "The domains whose DKIM signatures the saved e-mails (and the mails forwarded inside them) carry, with what the vault found when it checked them on receipt against the key each domain published then (pass: the mail was sent by that domain's mail system and is unchanged).</p>\n",
            ["签名域名 Signing domain", "核对结果 Results"],
            (domain, results) => $"<td><code>{Encode(domain)}</code></td><td>{string.Join(", ", results.Order(StringComparer.Ordinal).Select(Encode))}</td>");
    }

    /// <summary>
    /// One gathering's table, when it has anything: <paramref name="introduction"/> (its heading and what it lists), then
    /// a row per key — the cells <paramref name="cells"/> makes of the key and its details under
    /// <paramref name="headings"/>, then the items naming it and how many contributors sent them.
    /// </summary>
    private static void AppendGathering<TKey>(
        StringBuilder html, List<(TKey Key, List<string> Details, List<int> Numbers, int Contributors)> gathered, string introduction, string[] headings, Func<TKey, List<string>, string> cells)
    {
        if (gathered.Count == 0)
        {
            return;
        }

        html.Append(introduction);
        OpenTable(html, [.. headings, "证据 Items (#)", "提交人数 Contributors"]);
        foreach (var (key, details, numbers, contributors) in gathered)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr>{cells(key, details)}<td>{string.Join(", ", numbers)}</td><td>{contributors}</td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n");
    }

    /// <summary>
    /// What the items name, gathered across the case: each key <paramref name="namesOf"/> gives, with its details, the
    /// items naming it (numbered as the items table numbers them) and how many contributors sent them; most contributors
    /// first, then most items, then by <paramref name="order"/>.
    /// </summary>
    private static List<(TKey Key, List<string> Details, List<int> Numbers, int Contributors)> NamedAcross<TKey>(
        IReadOnlyList<EvidenceItemRecord> items, Func<EvidenceItemRecord, IEnumerable<(TKey Key, string Detail)>> namesOf, IEqualityComparer<TKey> keys, Func<TKey, string> order)
        where TKey : notnull =>
        [.. items
            .SelectMany((item, index) => namesOf(item).Select(named => (named.Key, named.Detail, Number: index + 1, item.Contributor)))
            .GroupBy(named => named.Key, keys)
            .Select(group => (
                group.Key,
                Details: group.Select(named => named.Detail).Distinct(StringComparer.Ordinal).ToList(),
                Numbers: group.Select(named => named.Number).Distinct().Order().ToList(),
                Contributors: group.Select(named => named.Contributor).Distinct(StringComparer.Ordinal).Count()))
            .OrderByDescending(named => named.Contributors).ThenByDescending(named => named.Numbers.Count).ThenBy(named => order(named.Key), StringComparer.Ordinal)];

    /// <summary>
    /// The sites the vault's own captures reached over HTTPS, each with the certificate the vault checked when it
    /// connected — who held the site's name then, and which authority vouched for it — numbered as the items above.
    /// </summary>
    private static void AppendSites(StringBuilder html, IReadOnlyList<EvidenceItemRecord> items)
    {
        var captures = items.Select((item, index) => (Number: index + 1, Sites: item.CapturedSites ?? [])).Where(capture => capture.Sites.Count > 0).ToList();
        if (captures.Count == 0)
        {
            return;
        }

        html.Append("<h2>网站证书 / Site certificates</h2>\n<p>证据保险箱抓取网页时，只通过受信任、且与网站域名相符的证书链连接；以下是各网站当时出示的证书（完整证书链在 WACZ 文件中，用 evidencevault verify 可再次核验，见 VERIFY.md）。/ ");
        html.Append("When the vault captures a page it connects only over a trusted chain that names the site; these are the certificates the sites presented then (the whole chains are in the WACZ files; <code>evidencevault verify</code> checks them again, see VERIFY.md).</p>\n");
        OpenTable(html, "#", "网站 Site", "连接时间 Connected", "证书持有者 Subject", "签发机构 Issuer", "序列号 Serial", "有效期 Valid", "证书 SHA-256");
        foreach (var (number, sites) in captures)
        {
            foreach (var site in sites)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{number}</td><td><code>{Encode(site.Site)}</code></td><td>{Times(site.CheckedAt)}</td><td>{Encode(site.Subject)}</td><td>{Encode(site.Issuer)}</td>");
                html.Append(CultureInfo.InvariantCulture, $"<td><code>{Encode(site.SerialNumber)}</code></td><td>{VaultJson.FormatUtc(site.NotBefore)} –<br>{VaultJson.FormatUtc(site.NotAfter)}</td><td><code>{Encode(site.Sha256)}</code></td></tr>\n");
            }
        }

        html.Append("</tbody>\n</table>\n");
    }

    /// <summary>The item's kind in both languages (as the pages name it); an unknown name as it is.</summary>
    private static string Kind(string kind) => !EvidenceKinds.TryParse(kind, out var known) ? Encode(kind) : known switch
    {
        EvidenceKind.Screenshot => "截图/照片 Screenshot / photo",
        EvidenceKind.Audio => "录音 Audio recording",
        EvidenceKind.Video => "视频 Video",
        EvidenceKind.ScreenRecording => "录屏 Screen recording",
        EvidenceKind.PageSnapshot => "保存的网页 Saved web page",
        EvidenceKind.Document => "文档 Document",
        _ => Encode(kind),
    };

    private const string UnnamedVictim = "受害人（未命名链接）Victim (unnamed link)";

    private static string RoleName(string role) => role switch
    {
        CaseRoles.Owner => "案件创建人 Case owner",
        CaseRoles.Contributor => "受害人 Victim",
        CaseRoles.Lawyer => "律师 Lawyer",
        _ => Encode(role),
    };

    /// <summary>
    /// A sender by the role and label of their link: the case's owner, or the victim the owner's link names (an unnamed
    /// link says so).
    /// </summary>
    private static string SenderName(string? role, string? label) => (role, label) switch
    {
        (CaseRoles.Owner, _) => RoleName(CaseRoles.Owner),
        (_, { } name) => Encode(name),
        (CaseRoles.Contributor, _) => UnnamedVictim,
        _ => string.Empty,
    };

    /// <summary>
    /// The sender a one-contributor bundle is for: the case's owner (under every owner link), or the link the log
    /// introduces by that grant id, by its name, with the id.
    /// </summary>
    private static string OneSender(string sender, IReadOnlyList<CaseLink> links)
    {
        if (sender == CaseRoles.Owner)
        {
            return SenderName(CaseRoles.Owner, null);
        }

        var link = links.LastOrDefault(link => link.GrantId == sender);
        return $"{SenderName(link?.Role, link?.Label)} <code>{Encode(sender)}</code>".TrimStart();
    }

    /// <summary>Who contributed the item, with the grant id that the custody log's events name as their actor.</summary>
    private static string Contributor(EvidenceItemRecord item)
    {
        var name = SenderName(item.ContributorRole, item.ContributorLabel);
        var grant = item.Contributor is null ? string.Empty : $"<code>{Encode(item.Contributor)}</code>";
        return string.Join("<br>", new[] { name, grant }.Where(part => part.Length > 0));
    }

    /// <summary>
    /// Where and when the item was captured, each with who says so: the contributor (a claim), and for a saved page
    /// the file itself. The vault's own time is the Received column.
    /// </summary>
    private static string Origin(EvidenceItemRecord item)
    {
        var lines = new List<string>();
        if (item.CapturedBy == Custody.CaptureDetails.Vault)
        {
            lines.Add("证据保险箱应成员请求自行抓取 Captured by the vault itself, at a member's request");
            if (item.CapturedSites is { Count: > 0 } sites)
            {
                lines.Add($"已核验 {sites.Count} 个网站的证书（见网站证书表）Certificates of {sites.Count} site(s) checked (see Site certificates)");
            }
        }

        if (item.SourceUrl is not null || item.CapturedAt is not null)
        {
            lines.Add("提交人所述 Contributor says: " + Said(item.SourceUrl, item.CapturedAt));
        }

        if (item.Snapshot is { } snapshot)
        {
            lines.Add(FileSays(snapshot.Source, Said(snapshot.Url, snapshot.CapturedAt)));
        }

        if (item.Photo is { } photo)
        {
            var taken = photo.TakenAt is { } at
                ? $"拍摄于 taken {Encode(at.Replace('T', ' '))} ({(photo.UtcOffset is { } offset ? "UTC" + Encode(offset) : "相机时钟，未注明时区 camera clock, no time zone")})"
                : null;
            var device = photo.Device is { } name ? $"设备 device {Encode(name)}" : null;
            lines.Add(FileSays(photo.Source, taken, device));
        }

        if (item.Recording is { } recording && (recording.RecordedAt is not null || recording.LocalTime is not null || recording.Device is not null))
        {
            lines.Add(FileSays(
                recording.Source,
                recording.RecordedAt is { } recordedAt ? "录制于 recorded " + Times(recordedAt) : null,
                recording.LocalTime is { } local ? $"手机时钟 phone clock {Encode(local.Replace('T', ' '))} (UTC{Encode(recording.UtcOffset ?? string.Empty)})" : null,
                recording.Device is { } device ? $"设备 device {Encode(device)}" : null));
        }

        if (item.Message is { } message)
        {
            lines.Add(FileSays(
                message.Source,
                [
                    .. HeaderSays(message),
                    message.Links is { Count: > 0 } links ? "邮件中的链接 links in it: " + string.Join(" ", links.Select(link => $"<code>{Encode(link)}</code>")) : null,
                    message.Attachments is { Count: > 0 } attachments ? "附件 attachments: " + string.Join("; ", attachments.Select(Attachment)) : null,
                    message.Forwarded is { Count: > 0 } forwarded
                        ? "其中转发的邮件 forwarded in it: " + string.Join("; ", forwarded.Select(mail => string.Join(" · ", HeaderSays(mail).Append(Signatures(mail)).Where(part => part is not null))))
                        : null,
                    Signatures(message),
                ]));
        }

        if (item.Document is { } document)
        {
            lines.Add(FileSays(
                document.Source,
                document.Author is { } author ? $"作者 author {Encode(author)}" : null,
                document.CreatedAt is { } created ? $"创建于 created {Encode(created.Replace('T', ' '))}" : null,
                document.LastModifiedBy is { } editor ? $"最后保存者 last saved by {Encode(editor)}" : null,
                document.ModifiedAt is { } modified ? $"最后保存于 last saved {Encode(modified.Replace('T', ' '))}" : null,
                document.Application is { } application ? $"程序 program {Encode(application)}" : null,
                document.Company is { } company ? $"单位 company {Encode(company)}" : null));
        }

        if (item.Chat is { } chat)
        {
            lines.Add(FileSays(
                chat.Source,
                $"{chat.Messages.ToString(CultureInfo.InvariantCulture)} 条消息 messages, 自 from {Encode(chat.FirstMessageAt)} 至 to {Encode(chat.LastMessageAt)}（导出设备的时钟，按导出原文 the exporting device's clock, as exported）",
                chat.Participants is { Count: > 0 } participants
                    ? $"发言人 {chat.Writers.ToString(CultureInfo.InvariantCulture)} 位 writers{(chat.Writers > participants.Count ? $"（列出前 {participants.Count} 位 the first {participants.Count} named）" : string.Empty)}: " + string.Join("; ", participants.Select(Encode))
                    : null,
                chat.Accounts is { Count: > 0 } accounts ? "发言账号 accounts: " + string.Join("; ", accounts.Select(account => $"<code>{Encode(account)}</code>")) : null,
                chat.Links is { Count: > 0 } links ? "聊天中的链接 links in it: " + string.Join(" ", links.Select(link => $"<code>{Encode(link)}</code>")) : null));
        }

        return lines.Count == 0 ? "—" : string.Join("<br>", lines);
    }

    /// <summary>A table whose header row repeats at the top of every printed page, its rows to follow in its body.</summary>
    private static void OpenTable(StringBuilder html, params string[] headings)
    {
        html.Append("<table>\n<thead><tr>");
        foreach (var heading in headings)
        {
            html.Append(CultureInfo.InvariantCulture, $"<th>{heading}</th>");
        }

        html.Append("</tr></thead>\n<tbody>\n");
    }

    /// <summary>The type of the printed pages' marks: the case and export at the foot of each page, and its number.</summary>
    private const string PageMarkFont = "font:7pt system-ui,\"Noto Sans CJK SC\",\"WenQuanYi Micro Hei\",sans-serif;color:#444";

    /// <summary>What a mail's header says: sender, recipients and those copied in, subject, date, the server that took it in and what its authentication found, message id.</summary>
    private static string?[] HeaderSays(MessageInfo message) =>
    [
        message.From is { } from ? $"发件人 from {Encode(from)}" : null,
        message.To is { } to ? $"收件人 to {Encode(to)}" : null,
        message.Cc is { } cc ? $"抄送 cc {Encode(cc)}" : null,
        message.Subject is { } subject ? $"主题 subject {Encode(subject)}" : null,
        message.SentAt is { } sent ? $"发送于 sent {Times(sent)}" : null,
        message.DeliveredAt is not null || message.DeliveredBy is not null
            ? "收件服务器接收 taken in " + string.Join(" ", new[] { message.DeliveredBy is { } by ? $"by <code>{Encode(by)}</code>" : null, message.DeliveredAt is { } at ? Times(at) : null }.Where(part => part is not null))
            : null,
        message.DeliveredTo is { } mailbox ? $"投递至 delivered to {Encode(mailbox)}" : null,
        message.AuthenticatedBy is { } authenticatedBy
            ? $"收件服务器的认证结果 authentication by <code>{Encode(authenticatedBy)}</code>: <code>{Encode(message.AuthenticationResults ?? "—")}</code>"
            : null,
        message.MessageId is { } id ? $"Message-ID <code>{Encode(id)}</code>" : null,
    ];

    /// <summary>A mail's DKIM signatures, as the vault checked them on receipt; null when it has none.</summary>
    private static string? Signatures(MessageInfo message) =>
        message.Signatures is { Count: > 0 } signatures ? "DKIM 签名（入库时核对）DKIM signatures, checked on receipt: " + string.Join("; ", signatures.Select(Signature)) : null;

    /// <summary>A DKIM signature: the domain that signed, its selector and algorithm, and what the vault's check found.</summary>
    private static string Signature(MailSignature signature)
    {
        var result = signature.Result switch
        {
            MailSignatureResults.Pass => "通过 pass",
            MailSignatureResults.BodyChanged => "正文已改动 body changed",
            MailSignatureResults.Fail => "不符 fail",
            MailSignatureResults.NoKey => "域名未公布密钥 no key published",
            MailSignatureResults.KeyUnavailable => "未能查询密钥 key not reached",
            MailSignatureResults.Unsupported => "不支持的算法 unsupported",
            MailSignatureResults.Malformed => "签名格式错误 malformed",
            _ => "未核对 unchecked",
        };
        var signed = signature.SignedAt is { } at ? ", 签名于 signed " + Times(at) : string.Empty;
        return $"<code>{Encode(signature.Domain ?? "—")}</code> (s={Encode(signature.Selector ?? "—")}, {Encode(signature.Algorithm ?? "—")}{signed}): <strong>{result}</strong>";
    }

    /// <summary>An e-mail's attachment: its name, type and, when measured, size and SHA-256 (to match the file taken out of the message).</summary>
    private static string Attachment(MessageAttachment attachment)
    {
        var measured = attachment.Sha256 is { } sha256 ? string.Create(CultureInfo.InvariantCulture, $", {attachment.Size:N0} bytes, SHA-256 <code>{sha256}</code>") : string.Empty;
        return $"{Encode(attachment.FileName ?? "—")} ({Encode(attachment.ContentType)}{measured})";
    }

    /// <summary>A line of what a file says of itself (<paramref name="source"/>: where it was read), its given parts in order.</summary>
    private static string FileSays(string source, params string?[] parts) =>
        $"文件自述 The file says ({Encode(source.ToUpperInvariant())}): " + string.Join(" · ", parts.Where(part => part is not null));

    private static string Said(string? url, DateTimeOffset? at)
    {
        var parts = new List<string>();
        if (url is not null)
        {
            parts.Add($"<code>{Encode(url)}</code>");
        }

        if (at is { } time)
        {
            parts.Add(Times(time));
        }

        return string.Join("<br>", parts);
    }

    /// <summary>A recording's length as a player shows it, to the millisecond: <c>0:22.566</c>, <c>1:02:03.500</c>.</summary>
    internal static string Length(double seconds)
    {
        var length = TimeSpan.FromMilliseconds(Math.Round(seconds * 1000));
        return length.TotalHours >= 1
            ? length.ToString(@"h\:mm\:ss\.fff", CultureInfo.InvariantCulture)
            : length.ToString(@"m\:ss\.fff", CultureInfo.InvariantCulture);
    }

    private static string Times(DateTimeOffset value) =>
        $"{VaultJson.FormatUtc(value)} (UTC)<br>{BeijingTime.Of(value).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} (北京时间 Beijing)";

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
