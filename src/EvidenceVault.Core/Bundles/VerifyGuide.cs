using System.Globalization;
using System.Text;
using EvidenceVault.Custody;
using EvidenceVault.Evidence;

namespace EvidenceVault.Bundles;

/// <summary><c>VERIFY.md</c>: how anyone checks the bundle with standard tools, in Chinese and English.</summary>
internal static class VerifyGuide
{
    private const string WebArchiveContentType = WebArchives.WaczPackage.ContentType;

    /// <summary>For a case with saved pages as WACZ (a victim's, or the vault's own captures): how to look inside one.</summary>
    private static void AppendWebArchives(StringBuilder text, string example, DateTimeOffset? capturedByVaultAt)
    {
        text.Append("""
            ## 7. 网页存档 / Web archives (WACZ)

            Items with `contentType` `application/wacz` are web archives (WACZ 1.1.1): uploaded by a member, or captured
            by the vault itself from a member's link — then `"capturedBy": "vault"` in `data/items.json` and in the item's
            `item.received` custody line, named `capture-<host>-<UTC time>.wacz`, with the link in `sourceUrl`. `archive/data.warc.gz` inside holds every request the vault sent and every response it received
            (WARC 1.1: `WARC-Target-URI`, `WARC-Date`, `WARC-IP-Address`, SHA-256 `WARC-Payload-Digest`), the last record
            the vault's summary (redirects, resources, what was skipped and why); `datapackage.json` lists each file's SHA-256:

            ```sh
            """);
        text.Append(CultureInfo.InvariantCulture, $"\nunzip -p {example} datapackage.json\n");
        text.Append(CultureInfo.InvariantCulture, $"unzip -p {example} archive/data.warc.gz | sha256sum   # equals the hash of archive/data.warc.gz in datapackage.json\n");
        text.Append(CultureInfo.InvariantCulture, $"unzip -p {example} archive/data.warc.gz | gunzip | less   # the records, as captured\n");
        text.Append("""
            ```

            WACZ is the format ReplayWeb.page (https://replayweb.page) opens to show a page as it was captured; it runs in
            the browser, and offline from any local web server serving its files (npm package `replaywebpage`: `index.html`,
            `ui.js`, `sw.js`) beside the WACZ. Its archive information may say "1 hashes verified, 2 invalid": version 2.5.3
            counts the index and the page list, which it does not hash, as invalid, for any WACZ. Check every file's SHA-256
            against `datapackage.json` with the `sha256sum` command above (`indexes/index.cdx`, `pages/pages.jsonl` alike).
            网页存档是 ReplayWeb.page 可打开的格式（在浏览器中运行，也可离线使用）；其中记录了证据保险箱发出的每个请求和收到的每个响应。
            ReplayWeb.page 2.5.3 的存档信息可能显示“2 invalid”：它把未计算哈希的索引和页面列表计为无效（任何 WACZ 都如此），请用上面的 sha256sum 命令核对。

            """);
        if (capturedByVaultAt is not { } at)
        {
            return;
        }

        text.Append("""

            ### 网站证书 / The sites' certificates

            For a page the vault fetched over HTTPS, the WARC also holds, for each site it connected to, the certificate
            chain it checked — a `metadata` record of type `application/pem-certificate-chain`, the site's certificate
            first — and each record names the TLS version and cipher suite (`WARC-Protocol`, `WARC-Cipher-Suite`). The
            summary lists every certificate's subject, issuer, validity and SHA-256 (`tls`); each site's own certificate is
            also in `capturedSites` in `data/items.json` and the item's custody line, and in the "Site certificates" table
            of `data/report.html`. To see them, and to check with
            your own trusted roots that every site held a valid certificate when the vault captured the page — the first
            site is the link's own; after a redirect (a link shortener, say) the page's site comes later:
            证据保险箱通过 HTTPS 抓取网页时，记录了每个网站的证书链；以下命令用您自己信任的根证书逐一核验抓取时各网站的证书是否有效
            （第一个网站是链接本身的网站；经过跳转（例如短链接）时，网页所在的网站排在后面）。

            ```sh
            """);
        text.Append(CultureInfo.InvariantCulture, $$"""

            unzip -p {{example}} archive/data.warc.gz | gunzip | awk '/^WARC\/1\.1/{c=0} /^WARC-Target-URI: /{t=$2; sub(/\r$/, "", t)} /^Content-Type: application\/pem-certificate-chain/{c=1; n++; f="site-" n ".pem"; print f, t} c && /^-----BEGIN CERTIFICATE-----/, /^-----END CERTIFICATE-----/ {print > f}'   # one file per site: site-1.pem, site-2.pem …
            cat site-*.pem > chains.pem
            openssl crl2pkcs7 -nocrl -certfile chains.pem | openssl pkcs7 -print_certs -noout   # subject and issuer of each certificate
            for f in site-*.pem; do openssl x509 -in "$f" -noout -fingerprint -sha256; done   # each site's own certificate
            openssl verify -attime {{at.ToUnixTimeSeconds()}} -untrusted chains.pem site-*.pem   # every site, as at {{Serialization.VaultJson.FormatUtc(at)}}

            """);
        text.Append("""
            ```

            `site-N.pem: OK` for every file means each site's certificate chains to a root your system trusts and was valid
            at the capture; any other answer makes the command exit non-zero. The first command names each file's site.
            Compare each site's SHA-256 with the summary's: a page's own text could contain certificate-looking lines, which
            the summary's list tells apart. 每个文件都显示 `OK`，即表示各网站的证书在抓取时有效，且可追溯到您信任的根证书。
            `evidencevault verify` (section 2) does the same for every site, reading the archive record by record (so no page
            text passes for a chain), and also checks that each certificate names its site; `--site-root your-roots.pem`
            trusts your roots instead of the machine's. `evidencevault verify` 亦逐一核验各网站证书（含域名）。

            """);
    }

    public static string Format(string bagName, BundleCatalog catalog)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# 证据包核验 / Verifying this evidence bundle\n\n");
        text.Append(CultureInfo.InvariantCulture, $"案件 Case: `{catalog.CaseId}`  \n");
        text.Append(CultureInfo.InvariantCulture, $"导出时间 Exported (UTC): {Serialization.VaultJson.FormatUtc(catalog.ExportedAt)}  \n");
        text.Append(CultureInfo.InvariantCulture, $"证据数量 Items: {catalog.Items.Count}  \n");
        if (catalog.Contributor is { } sender)
        {
            text.Append(CultureInfo.InvariantCulture, $"只含一位提交人的证据 One contributor's items only: `{sender}`（本案其他证据不在此包中 the case's other items are not in this bundle）  \n");
        }

        text.Append(CultureInfo.InvariantCulture, $"监管链末端 Custody head: seq {catalog.CustodyHead.Seq}, SHA-256 `{catalog.CustodyHead.Head}`\n\n");
        text.Append("""
            本证据包是 BagIt 1.0（RFC 8493）格式。无需信任 EvidenceVault，任何人都可以用标准工具离线核验。
            This bundle is a BagIt 1.0 bag (RFC 8493). Anyone can check it offline with standard tools, without trusting EvidenceVault.

            ## 1. 文件完整性 / File integrity

            Run inside the bag folder (after unzipping) / 解压后在本文件夹内运行:

            ```sh
            """);
        text.Append(CultureInfo.InvariantCulture, $"\ncd {bagName}\n");
        text.Append("""
            sha256sum -c manifest-sha256.txt
            sha256sum -c tagmanifest-sha256.txt
            ```

            Every line must end in `OK`. `manifest-sha256.txt` covers every file under `data/`; `tagmanifest-sha256.txt`
            covers the manifests, `bag-info.txt` and this guide. `bag-info.txt` gives `Payload-Oxum` (bytes.files of `data/`).
            每一行都必须显示 `OK`。

            ## 2. 证据与目录、监管链 / Evidence, catalog and chain of custody

            `data/items.json` (and `data/items.csv`) list every item with its SHA-256, size, and times: `receivedAt` is the
            vault's own clock (UTC); `capturedAt` is what the victim claimed. `data/custody-log.jsonl` is the chain-of-custody
            log: each line's `prev` is the SHA-256 of the previous line's exact bytes (64 zeros for the first line), so no line
            can be changed, removed or reordered without breaking every later link. Each item's `custody.seq` names its
            `item.received` line and `custody.head` is that line's SHA-256; its `contributor` is that line's `actor`, and its
            type, kind and the sender's claims (`fileName`, `capturedAt`, `sourceUrl`, `note`) are that line's. The last
            line is this export's `bundle.exported`: `items` is how many items the vault listed in it (and `contributor`, in
            one victim's bundle, whose items alone it holds). Each line's `actor` is a link (grant) id, never a
            token; the link's `grant.created` line (the owner's is line 2) gives its role (owner, contributor = a victim,
            lawyer) and the name the owner gave it. A line without an actor is the vault's own.
            每行的 `actor` 是链接编号（不是令牌）；该链接的 `grant.created` 行（创建人的链接是第 2 行）写明其角色和名称。没有 `actor` 的行是证据保险箱自身的操作。

            A line's `seq` is its line number, and its SHA-256 is taken over the line without its newline:

            ```sh
            sed -n '<seq>p' data/custody-log.jsonl | tr -d '\n' | sha256sum   # an item's or a receipt's custody.head
            ```

            ```sh
            evidencevault verify
            """);
        text.Append(CultureInfo.InvariantCulture, $" {bagName}.zip\n");
        text.Append("""
            ```

            `evidencevault verify` checks all of the above — manifests, Payload-Oxum, every item against the catalog, the
            spreadsheet `data/items.csv` against the catalog, and the custody hash chain — and exits non-zero, naming the
            file and the reason, if anything was changed, added or removed. It also makes `data/report.html` (the report
            printed for the court file), this guide and `bag-info.txt` again from the catalog and the custody log, and checks
            that the bundle's copies are those, byte for byte: the printed report of a bundle that verifies says what the
            catalog says.
            `evidencevault verify` 会检查以上全部内容；任何改动、增加或删除都会导致非零退出，并指出具体文件与原因。
            它还会根据证据目录和监管链重新生成报告 `data/report.html`、本指南与 `bag-info.txt`，并逐字节比对：通过核验的证据包，其打印的报告与证据目录一致。


            ## 3. 可信时间戳 / Trusted time (RFC 3161)

            Each item with `"timestamp": {"status": "granted"}` in `data/items.json` has the authority's response in
            `data/timestamps/<item>.tsr` (a DER `TimeStampResp` with the authority's certificate). The roots the vault
            trusts are in `data/certs/tsa-roots.pem`; a court expert may use the authority's published root instead.

            ```sh
            openssl ts -verify -data data/evidence/<item>.<ext> -in data/timestamps/<item>.tsr -CAfile data/certs/tsa-roots.pem
            openssl ts -reply -in data/timestamps/<item>.tsr -text     # the authority's time, serial and policy
            ```

            `Verification: OK` proves these exact bytes existed at the authority's time, whoever holds them now.
            每个已授予时间戳的证据都可用上面的 openssl 命令独立核验其存在时间。

            ## 4. 保管回执 / Vault receipts

            `data/receipts/<item>.json` is the vault's signed statement (hash, size, receipt time, timestamp, custody
            head); `.json.sig` is an ECDSA P-256 / SHA-256 signature (DER) by the key named in its `keyId`, published at
            `/.well-known/evidencevault/keys` and included as `data/certs/vault-receipt-key-<keyId>.pem`:

            ```sh
            openssl dgst -sha256 -verify data/certs/vault-receipt-key-<keyId>.pem -signature data/receipts/<item>.json.sig data/receipts/<item>.json
            ```

            The key id is the first 16 hex digits of the SHA-256 of the public key (DER). To check that the bundle's key is
            one the vault publishes, print its id and find it among the `kid`s the vault lists at
            `/.well-known/evidencevault/keys` (saved with `curl -f -o vault-keys.json https://<vault>/.well-known/evidencevault/keys`):
            公钥编号是公钥（DER 格式）SHA-256 的前 16 位十六进制数；用下面的命令算出，并在证据保险箱公布的 `/.well-known/evidencevault/keys` 中找到相同的 `kid`。

            ```sh
            openssl pkey -pubin -in data/certs/vault-receipt-key-<keyId>.pem -outform DER | sha256sum | cut -c1-16
            ```

            Its `custody` is the custody line the vault had reached when it signed (`seq`, `head`): the `sed` command of §2
            must print that `head` for that `seq`, so no line before it can have been removed or changed, even with the
            rest of the log chained again.
            回执中的 `custody` 是签发时监管链的末行编号与哈希；用第 2 节的 `sed` 命令核对，可确认此前的记录未被删改。

            `evidencevault verify` checks every token (imprint, signature, chain to the roots, time) and every receipt;
            `--tsa-root FILE` and `--vault-key FILE` make it trust your copies instead of the bundle's; `--vault-key` also
            takes the vault's `vault-keys.json` as saved above.

            ## 5. 公开日志 / Vault log

            Every receipt and every export enters the vault log: one append-only Merkle tree (RFC 9162) over the custody heads of all cases.
            `data/log/inclusion.json` is this export's entry (case, custody line and its hash — the last line of
            `data/custody-log.jsonl`) with its audit path; `data/log/checkpoint.txt` is the log right after it (name, size,
            root), signed by the vault and timestamped by the authority. Every bundle carries this proof: it fixes the
            bundle's last custody line, so that no item can be taken from the end of the log unseen.

            ```sh
            tail -n 1 data/custody-log.jsonl | tr -d '\n' | sha256sum   # equals the leaf's head in data/log/inclusion.json
            ```

            ```sh
            openssl dgst -sha256 -verify data/certs/vault-receipt-key-<keyId>.pem -signature data/log/checkpoint.txt.sig data/log/checkpoint.txt
            openssl ts -verify -data data/log/checkpoint.txt -in data/log/checkpoint.tsr -CAfile data/certs/tsa-roots.pem
            ```

            `evidencevault verify` checks the audit path; `evidencevault verify --check-log <vault address>` also asks the
            vault for its log today and checks that it still extends this checkpoint — that nothing in it, this case
            included, was changed or removed since.
            每份回执与每次导出都记入证据保险箱的公开日志；`--check-log` 可核验该日志此后未被改写（本案件未被删除）。
            每个证据包都附有此证明，它锁定监管链的最后一行：缺少它，即无法排除有人从末尾删去了证据。

            ## 6. 单个文件 / One item

            ```sh
            sha256sum data/evidence/<item>.<ext>   # equals the item's sha256 in data/items.json
            ```

            What a file states about itself is in `data/items.json` beside what the victim said, and in the item's
            custody line: for a recording `recording` (its length, and the time a phone wrote into it), for a photo
            `photo` (its camera's EXIF time and device), for a saved page `snapshot`, for a saved e-mail `message`, for an
            office document `document`. The standard tools read the same
            from the file — except that ffprobe's duration also counts what an encoder added and says it added (Opus's
            pre-skip; an MP3's encoder delay and padding, in its LAME tag), so for those files it is a few milliseconds
            to a fifth of a second longer than `durationSeconds`, the length a player plays:
            文件自身记载的信息（录音录像的时长与录制时间、照片的拍摄时间与设备、网页的网址与保存时间）可用以下工具从文件中读出核对。

            ```sh
            ffprobe -hide_banner -show_entries format=duration:format_tags=creation_time,com.apple.quicktime.creationdate,com.apple.quicktime.make,com.apple.quicktime.model data/evidence/<item>.<ext>
            exiftool -DateTimeOriginal -OffsetTimeOriginal -Make -Model data/evidence/<item>.jpg
            ```

            A page Safari saved (`.webarchive`, on an iPhone through Share → Save to Files → Web Archive) is a binary
            property list: the page's own bytes and address under `WebMainResource`, the images and scripts it showed
            under `WebSubresources`. `snapshot.url` is the main resource's `WebResourceURL` (Safari records no time).
            Python's own `plistlib` prints it:
            Safari 保存的网页（.webarchive）是二进制属性列表；snapshot.url 即其主资源的 WebResourceURL，可用以下命令读出核对。

            ```sh
            python3 -c 'import plistlib, sys; print(plistlib.load(open(sys.argv[1], "rb"))["WebMainResource"]["WebResourceURL"])' data/evidence/<item>.webarchive
            ```

            AMR and AAC (ADTS) recordings, as many Android phones record calls, keep no total length, and ffprobe's
            `duration` for them is an estimate from the bit rate. The vault counts their frames instead, and ffprobe can
            too: `durationSeconds` is `nb_read_packets` × 0.02 s for AMR, and `nb_read_packets` × 1024 ÷ `sample_rate`
            for AAC — counting the encoder's priming, which ADTS does not state:
            AMR 与 AAC（ADTS）录音不记载总时长；其时长为帧数之和，可用下列命令数帧核对。

            ```sh
            ffprobe -v error -count_packets -show_entries stream=nb_read_packets,sample_rate data/evidence/<item>.<ext>
            ```

            A WeChat or QQ voice message (`.silk`: SILK v3, which WeChat saves under names ending in `.amr`) keeps no
            total either, and ffprobe does not read it. It is a magic line (`#!SILK_V3`, behind one byte, 0x02, in
            Tencent's files) and then packets, each a 16-bit little-endian byte count and that many bytes; WeChat and QQ
            record 20 ms per packet, so `durationSeconds` is the packets × 0.02 s, up to a count of -1 if the file ends
            with one. Perl counts them; to listen, decode it to PCM with the SILK codec (the Skype SILK SDK's decoder, or
            `silk-wasm` from npm):
            微信、QQ 语音（SILK）同样不记载总时长；每个数据包 20 毫秒，可用下列命令数包核对。

            ```sh
            perl -0777 -ne '$p = index($_, "#!SILK_V3") + 9; $n = 0; while ($p + 2 <= length && ($s = unpack("v", substr($_, $p, 2))) != 0xFFFF && $p + 2 + $s <= length) { $p += 2 + $s; $n++ } printf "%d packets, %.3f s\n", $n, $n * 0.02' data/evidence/<item>.silk
            ```

            A saved e-mail (`.eml`) is text, and its header — up to the first blank line — holds what `message` in
            `items.json` states: `From`, `To`, `Cc` (in a phishing mail sent to many at once, the other victims it
            reached) and `Subject` (their encoded words decoded), `Date`, `Message-ID`, the top `Received` field, which
            the recipient's mail provider wrote when it took the message in, and the top `Delivered-To` field
            (`deliveredTo`), the mailbox that provider delivered it to — the victim's own, even when the sender hid its
            recipients (Bcc) and `To` names none of them (the sender's own fields can be forged by whoever sent it), and the
            top `Authentication-Results` field (`authenticatedBy`, `authenticationResults`), in which that provider wrote
            what it found on delivery — whether the sending domain's signature, server and policy passed (`dkim=`,
            `spf=`, `dmarc=`); a field of that name lower down is the sender's own and proves nothing;
            `links` are the web addresses its text points to, as a mail program shows its body, and those of the web
            pages and texts attached to it (do not open them). Perl prints the header decoded:
            保存的电子邮件（.eml）是文本，其邮件头（至第一个空行）即 items.json 中 message 所述；以下命令解码显示邮件头。

            ```sh
            perl -MEncode -0777 -ne 'print encode("UTF-8", decode("MIME-Header", (split /\r?\n\r?\n/)[0]))' data/evidence/<item>.eml
            ```

            Its `attachments` are the files it carries (its parts marked as attachments — in a phishing mail, the fake form
            or the app to install), each with the size and SHA-256 of the file its part decodes to (sent in base64 or
            quoted-printable; a part sent as it is is only named). A mail forwarded inside it "as an attachment"
            (`message/rfc822`) is named, and then read as a mail of its own: its links and its attachments follow it in
            `links` and `attachments`. Python's own `email` package takes each file out of the message, those of a
            forwarded mail among them, and prints its SHA-256, size and name, writing nothing:
            邮件附件（attachments）：以下命令用 Python 标准库逐个取出附件（含作为附件转发的邮件中的附件），显示其 SHA-256、字节数与文件名，与 items.json 核对。

            ```sh
            python3 -c 'import email, email.policy, hashlib, sys; [print(hashlib.sha256(b).hexdigest(), len(b), p.get_filename()) for p in email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default).walk() if p.get_content_disposition() == "attachment" and not p.is_multipart() for b in [p.get_payload(decode=True)]]' data/evidence/<item>.eml
            ```

            What the header of each mail forwarded inside it says — in a victim's forward, the phishing mail's own sender,
            recipient, subject, date and the mailbox it was delivered to — `forwarded` in `items.json` states, and Python prints from the same file:
            作为附件转发的邮件，其邮件头（发件人、收件人、主题、时间）即 items.json 中 forwarded 所述；以下命令逐封显示核对。

            ```sh
            python3 -c 'import email, email.policy, sys; [print(*(f"{k}: {m[k]}" for k in ("From", "To", "Cc", "Subject", "Date", "Message-ID", "Delivered-To") if m[k] is not None), sep="\n", end="\n\n") for p in email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default).walk() if p.get_content_type() in ("message/rfc822", "message/global") and p.is_multipart() for m in [p.get_payload(0)]]' data/evidence/<item>.eml
            ```

            A signed mail's `signatures` are its DKIM signatures as the vault checked them when it received the file,
            topmost first: the domain that signed it (`domain`, DKIM's `d=`), the `selector` its key is published under,
            the header fields the signature covers (`signedHeaders`), and the `result`. `pass` means the body and those
            fields are the ones that domain signed, checked with the key it published at that moment, which `key` keeps:
            domains replace their keys, and the one published today may not be the one that signed. A phishing mail sent
            from a company's hacked mailbox passes under the company's own domain; one that only puts a company's name in
            `From` has no signature of that domain. `body-changed` means the body is not the one signed, `fail` that a
            signed field is not, `no-key` that the domain published no usable key, `key-unavailable` that the name service
            did not answer. A mail forwarded inside it "as an attachment" has its own `signatures` in `forwarded`, checked
            on its bytes as they stand inside the forward — the phishing mail's own signature, in a victim's forward —,
            which `evidencevault verify` checks again offline with the keys kept, as it does the file's own. dkimpy
            (Debian's python3-dkim, which brings PyNaCl for `ed25519-sha256` signatures) checks each signature of the
            file itself offline, given the `key` kept for it and its place `<n>` in `signatures` (0 for the topmost), and
            prints `True`:
            已签名邮件的 DKIM 签名（signatures）：入库时按签名域名当时公布的密钥核对（key 保存该密钥，域名日后更换密钥也可复核）；pass 表示正文和所签邮件头均未改动。以下命令用 dkimpy 以保存的密钥离线复核第 <n> 个签名（最上面的为 0），输出 True。

            ```sh
            python3 -c 'import dkim, sys; print(dkim.DKIM(open(sys.argv[1], "rb").read()).verify(idx=int(sys.argv[3]), dnsfunc=lambda name, timeout=5: sys.argv[2].encode()))' data/evidence/<item>.eml '<key>' <n>
            ```

            An e-mail Outlook saved (`.msg`, `source` `msg`) is a compound file of the message's properties; `message`
            states the Internet header it arrived with (or, for one that never left its organisation's server, the sender,
            subject and times its properties hold), the links of its plain text and HTML, and its attachments. A mail
            forwarded from Outlook "as an attachment" is an embedded message: named (`message/rfc822`, by its file name,
            else by its subject as Outlook shows it), then read as a mail of its own, its links and attachments following
            it and its header stated in `forwarded`. `msgconvert` (Debian's libemail-outlook-message-perl) turns the file
            into an Internet message, whose header the same Perl prints:
            Outlook 保存的邮件（.msg）可用 msgconvert 转换为标准邮件后，以同样的命令显示邮件头。

            ```sh
            msgconvert --outfile - data/evidence/<item>.msg | perl -MEncode -0777 -ne 'print encode("UTF-8", decode("MIME-Header", (split /\r?\n\r?\n/)[0]))'
            ```

            Written to a file, it is a mail the Python commands above read (`message.eml` in place of
            `data/evidence/<item>.eml`): an embedded message, which `msgconvert` writes as a `message/rfc822` part, gives
            its attachments to the first and its header to the second:
            转换后的邮件保存为 message.eml，再以上面的 Python 命令取出附件、显示转发邮件的邮件头核对。

            ```sh
            msgconvert --outfile message.eml data/evidence/<item>.msg
            ```

            An office document of today (Office Open XML, OpenDocument) is a ZIP package, and `document` in `items.json` states what its properties say: the author
            and who saved it last, when (as the file writes it: Office in UTC with a `Z`, OpenDocument by the writer's
            clock without a zone) and the program. They are whatever the writer's office program was set to, so they say
            what the file claims, not who made it; `company`, where a file names one, is the organisation Office was
            registered to on the computer that wrote it. `unzip` prints them — Word, Excel and PowerPoint files
            (`dc:creator`, `cp:lastModifiedBy`, `dcterms:created`, `dcterms:modified`, `Application`, `Company`), then OpenDocument
            (`meta:initial-creator`, `dc:creator`, `meta:creation-date`, `dc:date`, `meta:generator`):
            新版办公文档（.docx、.xlsx、.pptx、OpenDocument）是 ZIP 包；items.json 中 document 所述的作者、时间、程序与单位可用以下命令读出核对。

            ```sh
            unzip -p data/evidence/<item>.docx docProps/core.xml docProps/app.xml
            unzip -p data/evidence/<item>.odt meta.xml
            ```

            A PDF states the same in its document information (`source` `pdf`: `/Author`, `/CreationDate`, `/ModDate`,
            and as the program `/Creator`, else `/Producer`; times converted from PDF's `D:` form to ISO 8601 with the
            zone the file gives, if any; and `/Company`, which Acrobat's PDFMaker copies from the Office document it
            converts). ExifTool prints them:
            PDF 文件的文档信息（作者、创建与修改时间、程序、单位）可用 ExifTool 读出核对。

            ```sh
            exiftool -Author -Creator -Producer -CreateDate -ModifyDate -Company data/evidence/<item>.pdf
            ```

            When that states nothing (PDF 2.0 keeps none), `document` has `source` `xmp`: the catalog's XMP metadata
            (`dc:creator`, `xmp:CreateDate`, `xmp:ModifyDate`, and as the program `xmp:CreatorTool`, else `pdf:Producer`),
            which ExifTool prints as its XMP group:
            PDF 若无文档信息，则以 XMP 元数据为准（source 为 xmp），可用以下命令读出核对。

            ```sh
            exiftool -XMP:Creator -XMP:CreatorTool -XMP:Producer -XMP:CreateDate -XMP:ModifyDate data/evidence/<item>.pdf
            ```

            A Word, Excel or PowerPoint 97–2003 file (`.doc`, `.xls`, `.ppt`; `source` `cfb`) states them in its summary
            information (the author, who saved it last, when it was created and last saved — in UTC, with a `Z` in
            `items.json` —, and the program) and the company in its document summary information. ExifTool prints them (its `FlashPix` group; a Word file's own `MS-DOC` dates are
            kept to the minute and are not what `document` states):
            旧版 Office 文件（.doc、.xls、.ppt）的摘要信息（作者、最后保存者、创建与保存时间〔UTC〕、程序、单位）可用 ExifTool 读出核对。

            ```sh
            exiftool -FlashPix:Author -FlashPix:LastModifiedBy -FlashPix:CreateDate -FlashPix:ModifyDate -FlashPix:Software -FlashPix:Company data/evidence/<item>.doc
            ```

            ExifTool knows no Chinese code page: strings a Chinese Office wrote in code page 936 (GBK) it prints as their
            bytes, which `iconv` turns into text:
            中文版 Office 以 GBK（代码页 936）写入的文字，ExifTool 按原字节输出，可用 iconv 转为 UTF-8：

            ```sh
            exiftool -FlashPix:Company -FlashPix:Author -FlashPix:LastModifiedBy data/evidence/<item>.doc | iconv -f GBK -t UTF-8
            ```

            A Rich Text Format document (`.rtf`, `source` `rtf`) states them in its `\info` group — `\author`,
            `\operator` (who saved it last), `\creatim` and `\revtim` (the writer's clock without a zone, to the minute
            unless it writes seconds), `\*\company` — and its program in `\*\generator` near the start of the file.
            ExifTool prints all but the program; with `-a` it shows every `\author`, of which `document` states the first (LibreOffice writes who
            saved the file last as a second `\author`, not as `\operator`). Text in a Chinese code page such as
            `\ansicpg936` it shows as Latin-1; the `\'hh` escapes are that code page's bytes. A character past U+7FFF that
            the file writes as a negative `\uN`, as Word does (`\u-27056` for 限), it shows as question marks; `document`
            reads it:
            RTF 文档的 \info 组（作者、最后保存者、创建与修改时间、单位）可用 ExifTool 读出核对；程序名见文件开头的 \*\generator。

            ```sh
            exiftool -a -RTF:Author -RTF:LastModifiedBy -RTF:CreateDate -RTF:ModifyDate -RTF:Company data/evidence/<item>.rtf
            ```

            A chat exported as text (`.txt`, `source` `whatsapp`: WhatsApp's "Export chat" on Android) is one line per message, or more for a message of several lines: the phone's date and time — in
            brackets on an iPhone, before a dash on Android, in the phone's own date order, clock and language —, the
            writer's name as the exporting phone shows it, `: ` and the text. `chat` in `items.json` states how many
            messages have a writer (the app's own notices have none), the first and the last one's time exactly as written
            (without a zone: the phone's clock), the writers in the order they first wrote, and the web addresses the text
            holds (do not open them). The export is text anyone can edit before uploading it, so it says what the export
            claims; its hash and timestamp prove only that it has not changed since. Perl prints the same count, times
            and writers, and `grep` the addresses as written (`links` keeps each once, without the punctuation that ends a
            sentence after it):
            导出的聊天记录（.txt，WhatsApp“导出聊天”）每条消息一行：手机上的日期时间、发言人、“: ”与内容。items.json 中 chat 所述的消息数、首末消息时间（按导出原文，手机时钟，无时区）、发言人与链接可用以下命令核对。

            ```sh
            perl -CSD -ne 'if (/^[\x{FEFF}\x{200E}\x{200F}]*\[?([0-9]{1,4}[.\/-] ?[0-9]{1,2}[.\/-] ?[0-9]{1,4},?[ \x{A0}\x{202F}]\p{L}{0,4} ?[0-9]{1,2}[:.][0-9]{2}(?:[:.][0-9]{2})?(?:[ \x{A0}\x{202F}]?(?:[AaPp]\.? ?[Mm]\.?|\p{L}{1,4}))?)(?:\] | - )([^:]+?): /) { $n++; $f //= $1; $l = $1; push @w, $2 unless $s{$2}++ } END { print "$n messages\nfirst: $f\nlast: $l\n", map { "writer: $_\n" } @w }' data/evidence/<item>.txt
            grep -oE "https?://[^[:space:]<>\"']+" data/evidence/<item>.txt
            ```

            An iPhone exports the chat as a ZIP, kept as it is (`application/zip`, `source` `whatsapp-zip`): the same text is
            its `_chat.txt`, beside the photos and voice messages the chat holds. `unzip` takes it out into `chat/`, where the
            two commands above read `chat/_chat.txt` in place of `data/evidence/<item>.txt`:
            iPhone 导出的是 ZIP 压缩包（source 为 whatsapp-zip），其中的 _chat.txt 即聊天记录；先用以下命令取出，再以上面的命令核对 chat/_chat.txt。

            ```sh
            unzip -o data/evidence/<item>.zip _chat.txt -d chat
            ```

            A chat Telegram Desktop exported ("Export chat history" in JSON: `result.json`, kept as `.json`, `source`
            `telegram`) is one JSON object: the chat's `name`, `type` and `id`, then `messages`, each with its `type`
            (`message`, or `service` for the app's notices), its `date` by the exporting computer's clock (without a
            zone; `date_unixtime` is the same moment in seconds since 1970, UTC), the writer's name in `from` and
            Telegram's id of their account in `from_id`, and its `text`. `chat` states how many messages have a writer,
            the first and the last one's `date` as written, how many writers there are (told apart by `from_id`: two
            accounts may bear one name), their names and their accounts (`accounts`: the `from_id`s, which stay when a
            scammer changes the name they show, and which Telegram can be asked about) in the order they first wrote,
            and the links the app showed to tap: parts of a `text` of `type` `link`, and of `type` `text_link`, whose
            `href` is the address behind other words — which a scammer uses to hide a fake page behind "official refund
            page" (do not open them; `links` keeps the web addresses among them, each once). Python reads the same:
            Telegram 桌面版导出的聊天记录（JSON，result.json）：items.json 中 chat 所述的消息数、首末消息时间（按导出原文，导出电脑的时钟）、发言人及其账号 ID（from_id，改名也不变）与链接（含隐藏在文字后的 text_link 地址）可用以下命令核对。

            ```sh
            python3 -c 'import json,sys; m=[x for x in json.load(open(sys.argv[1],encoding="utf-8"))["messages"] if x.get("type")=="message" and "date" in x and (x.get("from_id") or x.get("from")) is not None]; n=list(dict.fromkeys(x["from"] for x in m if x.get("from") is not None)); print(len(m),"messages"); print("first:",m[0]["date"]); print("last:",m[-1]["date"]); print(*("writer: "+w for w in n),sep="\n"); print(*("account: "+a for a in dict.fromkeys(str(x["from_id"]) for x in m if x.get("from_id") is not None)),sep="\n"); print(len({str(x.get("from_id",x.get("from"))) for x in m}),"writers")' data/evidence/<item>.json
            python3 -c 'import json,sys; [print(p.get("href") if p.get("type")=="text_link" else p.get("text")) for x in json.load(open(sys.argv[1],encoding="utf-8"))["messages"] if isinstance(x.get("text"),list) for p in x["text"] if isinstance(p,dict) and p.get("type") in ("link","text_link")]' data/evidence/<item>.json
            ```

            """);
        var archives = catalog.Items.Where(item => item.ContentType == WebArchiveContentType).ToList();
        if ((archives.FirstOrDefault(item => item.CapturedBy == CaptureDetails.Vault) ?? archives.FirstOrDefault()) is { } archive)
        {
            var capturedByVaultAt = archive.CapturedBy == CaptureDetails.Vault ? archive.Snapshot?.CapturedAt ?? archive.ReceivedAt : (DateTimeOffset?)null;
            AppendWebArchives(text, archive.File ?? $"data/evidence/{archive.ItemId}.wacz", capturedByVaultAt);
        }

        return text.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
    }
}
