using EvidenceVault.Api.Tests.Infrastructure;
using EvidenceVault.Custody;
using EvidenceVault.Evidence;
using EvidenceVault.Testing;

namespace EvidenceVault.Api.Tests.Ingest;

/// <summary>
/// A chat exported from WhatsApp or Telegram — where many refund and investment scams begin — is accepted as evidence,
/// and what it says — its writers (and a Telegram export's accounts), how many messages it holds, the first and last
/// one's time as the export wrote it, the links the scammer sent — is read from the stored bytes, chained into the
/// custody log and carried into the bundle, where Perl, grep and Python read the same from the bundle's copy and a
/// catalog that says otherwise is caught; the report gathers who wrote in the case's chats and the sites they name.
/// </summary>
[Collection(VaultOnAzurite.Name)]
public sealed class ChatTests(VaultApp app) : IClassFixture<VaultApp>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ev-chats-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task An_exported_chat_states_its_writers_messages_times_and_links_and_the_bundle_cannot_say_otherwise()
    {
        using var vault = await app.CreateCaseAsync();
        var chat = SampleChats.AndroidEnglish;

        // Served as the UTF-8 text it is, so a lawyer's browser shows the Chinese names as written; in the bundle under .txt.
        var (bag, file) = await StoredAndBundledAsync(vault, chat, EvidenceFormatDetector.ChatContentType, ("text/plain", "utf-8"), ".txt");

        // items.csv and the report carry what it says.
        var html = await File.ReadAllTextAsync(Path.Combine(bag, "data", "report.html"));
        Assert.Contains("文件自述 The file says (WHATSAPP): 6 条消息 messages, 自 from 12/3/26, 10:15", html, StringComparison.Ordinal);
        Assert.Contains($"发言人 2 位 writers: {SampleChats.Scammer}; {SampleChats.Victim}", html, StringComparison.Ordinal);
        Assert.Contains($"聊天中的链接 links in it: <code>{SampleChats.RefundLink}</code> <code>{SampleChats.AppLink}</code>", html, StringComparison.Ordinal);
        Assert.DoesNotContain($"href=\"{SampleChats.RefundLink}\"", html, StringComparison.Ordinal); // a scam link is shown, never made one to follow
        var row = Assert.Single(ItemsCsvFile.Read(Path.Combine(bag, "data", "items.csv")));
        Assert.Equal(
            ($"{SampleChats.Scammer} | {SampleChats.Victim}", "2", "6", chat.Stated.FirstMessageAt, chat.Stated.LastMessageAt, $"{SampleChats.RefundLink} {SampleChats.AppLink}"),
            (row["chat_participants"], row["chat_writers"], row["chat_messages"], row["chat_first_message_at"], row["chat_last_message_at"], row["chat_links"]));

        // Perl and grep, run as the guide says, read the same from the bundle's copy.
        Assert.Equal(GuidePrints(chat.Stated), Lines(await ExpertTools.RunGuideCommandAsync(bag, "perl -CSD", file)));
        Assert.Equal(chat.Stated.Links, Lines(await ExpertTools.RunGuideCommandAsync(bag, "grep -oE", file)).Select(link => link.TrimEnd('.')).Distinct());

        // Re-catalogued to hold a message fewer, it no longer agrees with its custody line.
        await BagForgery.AssertRecataloguingCaughtAsync(bag, "\"messages\": 6", "\"messages\": 5", "what the chat says of itself");

        // Nor does one re-catalogued to name another writer.
        var again = await vault.DownloadBagAsync(Directory.CreateDirectory(Path.Combine(_folder, "again")).FullName);
        await BagForgery.AssertRecataloguingCaughtAsync(again, "\"李华\"", "\"李四\"", "what the chat says of itself");
    }

    [Fact]
    public async Task Exports_of_an_android_phone_in_chinese_and_of_an_iphone_state_alike_and_the_guides_perl_reads_them_alike()
    {
        using var vault = await app.CreateCaseAsync();
        var items = new List<(SampleChat Chat, EvidenceItemRecord Item)>();
        foreach (var chat in new[] { SampleChats.AndroidChinese, SampleChats.IPhone })
        {
            items.Add((chat, await vault.UploadNewItemAsync(SampleChats.Write(_folder, chat))));
        }

        var bag = await vault.DownloadBagAsync(_folder);
        foreach (var (chat, item) in items)
        {
            Assert.Equal(chat.Stated, item.Chat);
            Assert.Equal(GuidePrints(chat.Stated), Lines(await ExpertTools.RunGuideCommandAsync(bag, "perl -CSD", EvidenceVault.Bundles.EvidenceBundleWriter.EvidencePath(item))));
        }
    }

    [Fact]
    public async Task The_zip_an_iphone_exports_is_kept_as_it_is_and_states_the_chat_in_it_which_unzip_and_perl_read_alike()
    {
        using var vault = await app.CreateCaseAsync();
        var expected = SampleChats.IPhone.Stated with { Source = ChatSources.WhatsAppZip };

        var item = await vault.UploadNewItemAsync(SampleChats.IPhoneZip(Path.Combine(_folder, "WhatsApp Chat - JD Refund Service.zip")));

        Assert.Equal(("application/zip", "document"), (item.ContentType, item.Kind));
        Assert.Equal(expected, item.Chat);
        await FileStatementAssert.IndexedAndChainedAsync(vault, item, expected, i => i.Chat, ChatDetails.From);

        // unzip takes the chat out of the bundle's copy as the guide says, and its Perl reads the same from it.
        var bag = await vault.DownloadBagAsync(_folder);
        var file = EvidenceVault.Bundles.EvidenceBundleWriter.EvidencePath(item);
        await ExpertTools.RunGuideCommandAsync(bag, "unzip -o data/evidence/<item>.zip", file);
        Assert.Equal(GuidePrints(expected), Lines(await ExpertTools.RunGuideCommandAsync(bag, "perl -CSD", "chat/_chat.txt")));
        var html = await File.ReadAllTextAsync(Path.Combine(bag, "data", "report.html"));
        Assert.Contains("文件自述 The file says (WHATSAPP-ZIP): 7 条消息 messages", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_chat_telegram_exported_states_the_link_behind_other_words_and_python_reads_the_same_from_the_bundle()
    {
        using var vault = await app.CreateCaseAsync();
        var chat = SampleTelegramChats.PersonalChat;

        var (bag, file) = await StoredAndBundledAsync(vault, chat, EvidenceFormatDetector.TelegramChatContentType, ("application/json", null), ".json");
        var html = await File.ReadAllTextAsync(Path.Combine(bag, "data", "report.html"));
        Assert.Contains("文件自述 The file says (TELEGRAM): 6 条消息 messages, 自 from 2026-12-03T22:15:32", html, StringComparison.Ordinal);
        Assert.Contains($"聊天中的链接 links in it: <code>{SampleChats.RefundLink}</code> <code>{SampleChats.AppLink}</code>", html, StringComparison.Ordinal);
        Assert.DoesNotContain($"href=\"{SampleChats.RefundLink}\"", html, StringComparison.Ordinal);
        Assert.Contains($"发言账号 accounts: <code>{SampleTelegramChats.ScammerId}</code>; <code>{SampleTelegramChats.VictimId}</code>", html, StringComparison.Ordinal);
        var row = Assert.Single(ItemsCsvFile.Read(Path.Combine(bag, "data", "items.csv")));
        Assert.Equal(($"{SampleChats.Scammer} | {SampleChats.Victim}", $"{SampleTelegramChats.ScammerId} | {SampleTelegramChats.VictimId}"), (row["chat_participants"], row["chat_accounts"]));

        // Python, run as the guide says, reads the same count, times, writers and links from the bundle's copy.
        Assert.Equal(
            [.. GuidePrints(chat.Stated), .. (chat.Stated.Accounts ?? []).Select(account => $"account: {account}"), $"{chat.Stated.Writers} writers"],
            Lines(await ExpertTools.RunGuideCommandAsync(bag, "python3 -c 'import json,sys; m=[x", file)));
        Assert.Equal(chat.Stated.Links, Lines(await ExpertTools.RunGuideCommandAsync(bag, "python3 -c 'import json,sys; [print(p.get(\"href\")", file)).Distinct());

        // Re-catalogued to hold a message fewer, or to name another account, it no longer agrees with its custody line.
        await BagForgery.AssertRecataloguingCaughtAsync(bag, "\"messages\": 6", "\"messages\": 5", "what the chat says of itself");
        var again = await vault.DownloadBagAsync(Directory.CreateDirectory(Path.Combine(_folder, "again")).FullName);
        await BagForgery.AssertRecataloguingCaughtAsync(again, $"\"{SampleTelegramChats.ScammerId}\"", "\"user7000000000\"", "what the chat says of itself");
    }

    [Fact]
    public async Task The_report_lists_each_site_the_groups_evidence_names_with_its_items_and_how_many_victims_sent_them()
    {
        using var vault = await app.CreateCaseAsync();
        var victim = await vault.GrantAsync(CaseRoles.Contributor, "Victim 2");
        using var fellowVictim = vault.As(victim.Token);
        await vault.UploadNewItemAsync(SampleMessages.Phishing(Path.Combine(_folder, "phishing.eml"))); // the owner's phishing mail
        await fellowVictim.UploadNewItemAsync(SampleChats.Write(_folder, SampleChats.AndroidEnglish)); // a fellow victim's chat with the same link, and the app's
        await vault.UploadNewItemAsync(SampleEvidence.PathOf("screenshot-refund-page.png")); // names no site

        var html = await File.ReadAllTextAsync(Path.Combine(await vault.DownloadBagAsync(_folder), "data", "report.html"));

        Assert.Equal(
            [
                $"<tr><td><code>refund-center.example</code></td><td><code>{SampleChats.RefundLink}</code></td><td>1, 2</td><td>2</td></tr>",
                $"<tr><td><code>jd-refund-app.example</code></td><td><code>{SampleChats.AppLink}</code></td><td>2</td><td>1</td></tr>",
            ],
            TableRows(html, "证据所述的网站 / Sites the evidence names"));
        Assert.DoesNotContain("href=\"https://refund-center.example", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_report_lists_who_wrote_in_the_groups_chats_with_their_chats_and_how_many_victims_sent_them()
    {
        using var vault = await app.CreateCaseAsync();
        var victim = await vault.GrantAsync(CaseRoles.Contributor, "Victim 2");
        using var fellowVictim = vault.As(victim.Token);
        await vault.UploadNewItemAsync(SampleChats.Write(_folder, SampleChats.AndroidEnglish)); // the owner's WhatsApp chat with the scammer
        await fellowVictim.UploadNewItemAsync(SampleChats.Write(_folder, SampleTelegramChats.PersonalChat)); // a fellow victim's Telegram chat with the same name

        var html = await File.ReadAllTextAsync(Path.Combine(await vault.DownloadBagAsync(_folder), "data", "report.html"));

        Assert.Equal(
            [
                $"<tr><td>{SampleChats.Scammer}</td><td>1, 2</td><td>2</td></tr>",
                $"<tr><td>{SampleChats.Victim}</td><td>1, 2</td><td>2</td></tr>",
                $"<tr><td>账号 account <code>{SampleTelegramChats.VictimId}</code></td><td>2</td><td>1</td></tr>",
                $"<tr><td>账号 account <code>{SampleTelegramChats.ScammerId}</code></td><td>2</td><td>1</td></tr>",
            ],
            TableRows(html, "聊天中的发言人 / Who wrote in the chats"));
    }

    [Fact]
    public async Task A_group_chat_of_more_writers_than_are_named_says_how_many_there_are()
    {
        using var vault = await app.CreateCaseAsync();
        var group = Path.Combine(_folder, "WhatsApp Chat with 高回报投资交流群.txt");
        await File.WriteAllTextAsync(group, string.Concat(Enumerable.Range(1, 40).Select(i => $"12/3/26, 10:{i:00} PM - Member {i}: 今天又赚了\n")));

        var item = await vault.UploadNewItemAsync(group);

        Assert.Equal((40, 40, ChatInfoReader.MaxParticipants), (item.Chat?.Writers, item.Chat?.Messages, item.Chat?.Participants?.Count));
        var html = await File.ReadAllTextAsync(Path.Combine(await vault.DownloadBagAsync(_folder), "data", "report.html"));
        Assert.Contains("发言人 40 位 writers（列出前 32 位 the first 32 named）: Member 1; Member 2;", html, StringComparison.Ordinal);
    }

    /// <summary>
    /// Uploads <paramref name="chat"/> under its name and checks that it is filed as a document of
    /// <paramref name="contentType"/> stating what it should, indexed and chained, and is served back as it came with
    /// <paramref name="served"/>'s media type and charset; returns the case's bundle and the chat's path in it, which
    /// ends in <paramref name="extension"/>.
    /// </summary>
    private async Task<(string Bag, string File)> StoredAndBundledAsync(
        TestCase vault, SampleChat chat, string contentType, (string MediaType, string? CharSet) served, string extension)
    {
        var item = await vault.UploadNewItemAsync(SampleChats.Write(_folder, chat), r => r.Headers.Add("X-File-Name", Uri.EscapeDataString(chat.FileName)));
        Assert.Equal((contentType, "document", chat.FileName), (item.ContentType, item.Kind, item.FileName));
        Assert.Equal(chat.Stated, item.Chat);
        await FileStatementAssert.IndexedAndChainedAsync(vault, item, chat.Stated, i => i.Chat, ChatDetails.From);
        using (var content = await vault.Client.GetAsync($"/api/cases/{vault.CaseId}/items/{item.ItemId}/content"))
        {
            Assert.Equal(served, (content.Content.Headers.ContentType?.MediaType, content.Content.Headers.ContentType?.CharSet));
            Assert.Equal(chat.Text, await content.Content.ReadAsStringAsync());
        }

        var bag = await vault.DownloadBagAsync(_folder);
        var file = EvidenceVault.Bundles.EvidenceBundleWriter.EvidencePath(item);
        Assert.EndsWith(extension, file, StringComparison.Ordinal);
        return (bag, file);
    }

    /// <summary>What the guide's Perl command prints for an export that states <paramref name="chat"/> (and its Python command for a Telegram export, before the accounts and the count of writers).</summary>
    private static string[] GuidePrints(ChatInfo chat) =>
        [$"{chat.Messages} messages", $"first: {chat.FirstMessageAt}", $"last: {chat.LastMessageAt}", .. (chat.Participants ?? []).Select(name => $"writer: {name}")];

    /// <summary>The rows of the report's table under the heading <paramref name="heading"/>, one line each.</summary>
    private static IEnumerable<string> TableRows(string html, string heading)
    {
        var table = html[html.IndexOf($"<h2>{heading}</h2>", StringComparison.Ordinal)..];
        return table[..table.IndexOf("</table>", StringComparison.Ordinal)].Split('\n').Where(line => line.StartsWith("<tr><td>", StringComparison.Ordinal));
    }

    private static IEnumerable<string> Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.TrimEnd('\r'));
}
