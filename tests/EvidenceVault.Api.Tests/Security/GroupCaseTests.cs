using System.IO.Compression;
using System.Net;
using System.Text;
using EvidenceVault.Api.Access;
using EvidenceVault.Api.Items;
using EvidenceVault.Api.Tests.Infrastructure;
using EvidenceVault.Custody;
using EvidenceVault.Evidence;
using EvidenceVault.Hashing;
using EvidenceVault.Serialization;

namespace EvidenceVault.Api.Tests.Security;

/// <summary>Many victims, one case: each sees their own; the lawyer sees all; nobody deletes; tokens never leak.</summary>
[Collection(VaultOnAzurite.Name)]
public sealed class GroupCaseTests(SecurityVault app) : IClassFixture<SecurityVault>
{
    [Fact]
    public async Task Contributors_SeeOnlyTheirOwnItems_TheLawyerAndOwnerSeeAllWithLabels()
    {
        using var owner = await app.CreateCaseAsync("42 phishing victims v. retailer");
        var victimA = await app.GrantAsync(owner, CaseRoles.Contributor, "Victim A 张伟");
        var victimB = await app.GrantAsync(owner, CaseRoles.Contributor, "Victim B");
        var lawyer = await app.GrantAsync(owner, CaseRoles.Lawyer, "Law firm");
        var itemA = await app.UploadAsAsync(victimA.Token, owner.CaseId, Ingest.IngestTests.GeneratedPng(11));
        var itemB = await app.UploadAsAsync(victimB.Token, owner.CaseId, Ingest.IngestTests.GeneratedPng(12));
        using var clientA = app.ClientWith(victimA.Token);
        using var lawyerClient = app.ClientWith(lawyer.Token);

        var seenByA = await clientA.GetFromJsonAsync<ItemPage>($"/api/cases/{owner.CaseId}/items", VaultJson.Compact);
        Assert.Equal([itemA.ItemId], seenByA!.Items.Select(i => i.ItemId));
        foreach (var suffix in new[] { string.Empty, "/content", "/timestamp", "/receipt" })
        {
            using var response = await clientA.GetAsync($"/api/cases/{owner.CaseId}/items/{itemB.ItemId}{suffix}");
            await ProblemAssert.IsAsync(response, 404, "item-not-found");
        }

        var seenByLawyer = await lawyerClient.GetFromJsonAsync<ItemPage>($"/api/cases/{owner.CaseId}/items", VaultJson.Compact);
        Assert.Equal(
            [("Victim A 张伟", itemA.ItemId), ("Victim B", itemB.ItemId)],
            seenByLawyer!.Items.Select(i => (i.ContributorLabel!, i.ItemId)));
        using var upload = await lawyerClient.PostAsync($"/api/cases/{owner.CaseId}/items", new ByteArrayContent(Ingest.IngestTests.GeneratedPng(13)));
        await ProblemAssert.IsAsync(upload, 403, "forbidden");

        // A bundle for one contributor holds only their items, with their label.
        var bag = await BundleFilesAsync(owner.Client, $"/api/cases/{owner.CaseId}/bundle?contributor={victimA.GrantId}");
        var csv = bag.Single(f => f.Key.EndsWith("data/items.csv", StringComparison.Ordinal)).Value;
        Assert.Contains("Victim A 张伟", csv, StringComparison.Ordinal);
        Assert.DoesNotContain(itemB.ItemId, csv, StringComparison.Ordinal);
        Assert.Contains(itemA.ItemId, csv, StringComparison.Ordinal);
        Assert.Contains("Victim A 张伟", Utf8(bag, "data/report.html"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFileTheCaseHoldsFromAnotherVictim_IsTheSendersOwnItem_AndRevealsNothingOfTheOther()
    {
        // The same fake contract, mailed to every victim: each plaintiff needs it among their own evidence.
        using var owner = await app.CreateCaseAsync();
        var victimA = await app.GrantAsync(owner, CaseRoles.Contributor, "Victim A 张伟");
        var victimB = await app.GrantAsync(owner, CaseRoles.Contributor, "Victim B");
        var lawyer = await app.GrantAsync(owner, CaseRoles.Lawyer, "Law firm");
        var contract = Ingest.IngestTests.GeneratedPng(51);
        var itemA = await app.UploadAsAsync(victimA.Token, owner.CaseId, contract);

        using var clientB = app.ClientWith(victimB.Token);
        using var sentByB = await clientB.PostAsync($"/api/cases/{owner.CaseId}/items", new ByteArrayContent(contract));
        var answer = await sentByB.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Created, sentByB.StatusCode);
        Assert.DoesNotContain(itemA.ItemId, answer, StringComparison.Ordinal);
        Assert.DoesNotContain(victimA.GrantId, answer, StringComparison.Ordinal);
        Assert.DoesNotContain("张伟", answer, StringComparison.Ordinal);
        var itemB = System.Text.Json.JsonSerializer.Deserialize<EvidenceItemRecord>(answer, VaultJson.Compact)!;
        Assert.Equal((victimB.GrantId, itemA.Sha256), (itemB.Contributor, itemB.Sha256));
        Assert.NotNull(itemB.Receipt);
        using var receiptB = await clientB.GetAsync($"/api/cases/{owner.CaseId}/items/{itemB.ItemId}/receipt");
        Assert.Equal(HttpStatusCode.OK, receiptB.StatusCode);

        // A sender's own copy again is their item again (a retry after a lost answer), for each of them.
        foreach (var (token, item) in new[] { (victimA.Token, itemA), (victimB.Token, itemB) })
        {
            using var client = app.ClientWith(token);
            using var again = await client.PostAsync($"/api/cases/{owner.CaseId}/items", new ByteArrayContent(contract));
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Equal(item.ItemId, (await again.Content.ReadFromJsonAsync<EvidenceItemRecord>(VaultJson.Compact))!.ItemId);
        }

        // The lawyer sees both, each under its sender; the log received each once and recorded no copies.
        using var lawyerClient = app.ClientWith(lawyer.Token);
        var seenByLawyer = await lawyerClient.GetFromJsonAsync<ItemPage>($"/api/cases/{owner.CaseId}/items", VaultJson.Compact);
        Assert.Equal([(victimA.GrantId, itemA.Sha256), (victimB.GrantId, itemA.Sha256)], seenByLawyer!.Items.Select(i => (i.Contributor!, i.Sha256)));
        var custody = await owner.CheckCustodyAsync();
        Assert.Equal([victimA.GrantId, victimB.GrantId], custody.Events.Where(e => e.Type == CustodyEventTypes.ItemReceived).Select(e => e.Actor));
        Assert.DoesNotContain(custody.Events, e => e.Type == CustodyEventTypes.ItemDuplicate);
        Assert.Equal(2, (await app.CommittedOriginalsAsync(owner.CaseId)).Count);

        // Victim B's own bundle holds their copy, and verifies.
        var (report, entries) = await SavedBundleAsync(lawyerClient, $"/api/cases/{owner.CaseId}/bundle?contributor={victimB.GrantId}");
        Assert.True(report.Intact, string.Join("; ", report.Findings.Select(f => f.ToString())));
        Assert.Single(entries, e => e.Contains($"/data/evidence/{itemB.ItemId}.", StringComparison.Ordinal));
        Assert.DoesNotContain(entries, e => e.Contains(itemA.ItemId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task EveryItemAndTheCustodyLog_NameWhoContributed_SoAnUnnamedLinkIsNeverTakenForTheOwner()
    {
        using var owner = await app.CreateCaseAsync();
        var unnamed = await app.GrantAsync(owner, CaseRoles.Contributor, label: null);
        var named = await app.GrantAsync(owner, CaseRoles.Contributor, "Victim D 李娜");
        var byOwner = await app.UploadAsAsync(owner.OwnerToken, owner.CaseId, Ingest.IngestTests.GeneratedPng(31));
        var byUnnamed = await app.UploadAsAsync(unnamed.Token, owner.CaseId, Ingest.IngestTests.GeneratedPng(32));
        var byNamed = await app.UploadAsAsync(named.Token, owner.CaseId, Ingest.IngestTests.GeneratedPng(33));

        (string? Role, string? Label, string? Grant)[] expected =
            [(CaseRoles.Owner, "owner", byOwner.Contributor), (CaseRoles.Contributor, null, unnamed.GrantId), (CaseRoles.Contributor, "Victim D 李娜", named.GrantId)];
        Assert.Equal(expected, new[] { byOwner, byUnnamed, byNamed }.Select(i => (i.ContributorRole, i.ContributorLabel, i.Contributor)));
        Assert.Equal(expected, (await owner.ListItemsAsync()).Select(i => (i.ContributorRole, i.ContributorLabel, i.Contributor))); // from the index

        // Every grant that acts in the log is introduced in it with its role and label, the owner's too (by the vault, at creation).
        var introduced = (await owner.CheckCustodyAsync()).Events.Where(e => e.Type == CustodyEventTypes.GrantCreated)
            .Select(e => (e.Actor, e.Details!["grantId"], e.Details["role"], e.Details.GetValueOrDefault("label")));
        Assert.Equal(
            [(null, byOwner.Contributor!, CaseRoles.Owner, "owner"), (byOwner.Contributor, unnamed.GrantId, CaseRoles.Contributor, null), (byOwner.Contributor, named.GrantId, CaseRoles.Contributor, "Victim D 李娜")],
            introduced);

        // The bundle's catalog and report say the same, in both languages, with the grant id the custody log names.
        var bag = await BundleFilesAsync(owner.Client, $"/api/cases/{owner.CaseId}/bundle");
        using var csv = new Microsoft.VisualBasic.FileIO.TextFieldParser(new StringReader(bag.Single(f => f.Key.EndsWith("data/items.csv", StringComparison.Ordinal)).Value)) // a BOM: read as UTF-8
        {
            Delimiters = [","],
            HasFieldsEnclosedInQuotes = true,
        };
        var header = csv.ReadFields()!;
        var rows = new List<Dictionary<string, string>>();
        while (csv.ReadFields() is { } fields)
        {
            rows.Add(header.Zip(fields).ToDictionary(p => p.First, p => p.Second));
        }

        Assert.Equal(
            [(CaseRoles.Owner, "owner"), (CaseRoles.Contributor, string.Empty), (CaseRoles.Contributor, "Victim D 李娜")],
            rows.Select(r => (r["contributor_role"], r["contributor_label"])));
        var report = Utf8(bag, "data/report.html");
        Assert.Contains($"<td>案件创建人 Case owner<br><code>{byOwner.Contributor}</code></td>", report, StringComparison.Ordinal);
        Assert.Contains($"<td>受害人（未命名链接）Victim (unnamed link)<br><code>{unnamed.GrantId}</code></td>", report, StringComparison.Ordinal);
        Assert.Contains($"<td>Victim D 李娜<br><code>{named.GrantId}</code></td>", report, StringComparison.Ordinal);
        Assert.Contains($"<tr><td><code>{byOwner.Contributor}</code></td><td>案件创建人 Case owner</td><td>owner</td>", report, StringComparison.Ordinal); // the links, from the log
        Assert.Contains($"<tr><td><code>{unnamed.GrantId}</code></td><td>受害人 Victim</td><td>—</td>", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revocation_TakesEffectOnTheNextRequest_AndIsLoggedByGrantId()
    {
        using var owner = await app.CreateCaseAsync();
        var victim = await app.GrantAsync(owner, CaseRoles.Contributor, "Victim C");
        await app.UploadAsAsync(victim.Token, owner.CaseId, Ingest.IngestTests.GeneratedPng(21));

        (await owner.Client.DeleteAsync($"/api/cases/{owner.CaseId}/grants/{victim.GrantId}")).EnsureSuccessStatusCode();

        using var client = app.ClientWith(victim.Token);
        using var after = await client.PostAsync($"/api/cases/{owner.CaseId}/items", new ByteArrayContent(Ingest.IngestTests.GeneratedPng(22)));
        await ProblemAssert.IsAsync(after, 401, "token-revoked");
        var grants = await owner.Client.GetStringAsync($"/api/cases/{owner.CaseId}/grants");
        Assert.DoesNotContain(victim.Token, grants, StringComparison.Ordinal);
        var listed = System.Text.Json.JsonSerializer.Deserialize<List<GrantView>>(grants, VaultJson.Compact)!.Single(g => g.GrantId == victim.GrantId);
        Assert.NotNull(listed.RevokedAt);
        Assert.NotNull(listed.LastUsedAt);
        var custody = await owner.CheckCustodyAsync();
        Assert.Contains(custody.Events, e => e.Type == CustodyEventTypes.GrantRevoked && e.Details!["grantId"] == victim.GrantId);
        Assert.Contains(custody.Events, e => e.Type == CustodyEventTypes.ItemReceived && e.Actor == victim.GrantId);
        Assert.Single(await owner.ListItemsAsync()); // revoking a grant keeps the evidence it gave
    }

    [Fact]
    public async Task OwnerRotation_OldTokenStopsAtOnce_NewOneWorks_AndTheOwnerIsStillTheSameSender()
    {
        using var owner = await app.CreateCaseAsync();
        var sent = await app.UploadAsAsync(owner.OwnerToken, owner.CaseId, Ingest.IngestTests.GeneratedPng(61));

        var rotated = await (await owner.Client.PostAsync($"/api/cases/{owner.CaseId}/owner-token", null)).Content.ReadFromJsonAsync<RotatedOwnerToken>(VaultJson.Compact);

        using var old = await owner.Client.GetAsync($"/api/cases/{owner.CaseId}");
        await ProblemAssert.IsAsync(old, 401, "token-revoked");
        using var fresh = app.ClientWith(rotated!.OwnerToken);
        Assert.Equal(HttpStatusCode.OK, (await fresh.GetAsync($"/api/cases/{owner.CaseId}/grants")).StatusCode);

        // A new token, the same victim: the file sent before the rotation is theirs already, not a second item.
        using var again = await fresh.PostAsync($"/api/cases/{owner.CaseId}/items", new ByteArrayContent(Ingest.IngestTests.GeneratedPng(61)));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(sent.ItemId, (await again.Content.ReadFromJsonAsync<EvidenceItemRecord>(VaultJson.Compact))!.ItemId);
        Assert.Single(await app.CommittedOriginalsAsync(owner.CaseId));
    }

    [Fact]
    public async Task TheOwnersBundle_HoldsWhatTheySentUnderEveryOwnerLink_AndVerifies()
    {
        using var owner = await app.CreateCaseAsync();
        var victim = await app.GrantAsync(owner, CaseRoles.Contributor, "Victim E");
        var lawyer = await app.GrantAsync(owner, CaseRoles.Lawyer, "Law firm");
        var before = await app.UploadAsAsync(owner.OwnerToken, owner.CaseId, Ingest.IngestTests.GeneratedPng(71));
        var rotated = await (await owner.Client.PostAsync($"/api/cases/{owner.CaseId}/owner-token", null)).Content.ReadFromJsonAsync<RotatedOwnerToken>(VaultJson.Compact);
        var after = await app.UploadAsAsync(rotated!.OwnerToken, owner.CaseId, Ingest.IngestTests.GeneratedPng(72));
        var byVictim = await app.UploadAsAsync(victim.Token, owner.CaseId, Ingest.IngestTests.GeneratedPng(73));
        Assert.NotEqual(before.Contributor, after.Contributor);
        using var lawyerClient = app.ClientWith(lawyer.Token);

        // 'owner', or either owner link's grant id: the same sender, so the same items.
        foreach (var named in new[] { CaseRoles.Owner, before.Contributor!, after.Contributor! })
        {
            var (report, entries) = await SavedBundleAsync(lawyerClient, $"/api/cases/{owner.CaseId}/bundle?contributor={named}");

            Assert.True(report.Intact, string.Join("; ", report.Findings.Select(f => f.ToString())));
            Assert.Equal(CaseRoles.Owner, report.Contributor);
            Assert.Equal([before.ItemId, after.ItemId], report.Items.Select(i => i.ItemId).Order(StringComparer.Ordinal));
            Assert.DoesNotContain(entries, e => e.Contains(byVictim.ItemId, StringComparison.Ordinal));
        }

        var exports = (await owner.CheckCustodyAsync()).Events.Where(e => e.Type == CustodyEventTypes.BundleExported).ToList();
        Assert.Equal(3, exports.Count);
        Assert.All(exports, e => Assert.Equal((CaseRoles.Owner, "2"), (e.Details![ExportDetails.Contributor], e.Details[ExportDetails.Items])));

        // The victim's bundle is theirs alone; a link the case does not have, or a lawyer's, is said, and nothing is logged.
        var (theirs, _) = await SavedBundleAsync(lawyerClient, $"/api/cases/{owner.CaseId}/bundle?contributor={victim.GrantId}");
        Assert.Equal(victim.GrantId, theirs.Contributor);
        Assert.Equal([byVictim.ItemId], theirs.Items.Select(i => i.ItemId));
        var length = (await owner.CheckCustodyAsync()).Events.Count;
        using var unknown = await lawyerClient.GetAsync($"/api/cases/{owner.CaseId}/bundle?contributor=01KBZ6X3N8Q4T2V7W9Y0NOLINK");
        await ProblemAssert.IsAsync(unknown, 404, "grant-not-found");
        using var lawyers = await lawyerClient.GetAsync($"/api/cases/{owner.CaseId}/bundle?contributor={lawyer.GrantId}");
        await ProblemAssert.IsAsync(lawyers, 400, "malformed-request");
        Assert.Equal(length, (await owner.CheckCustodyAsync()).Events.Count);
    }

    [Fact]
    public async Task NoRouteOrMethod_DeletesOrOverwritesEvidence()
    {
        using var owner = await app.CreateCaseAsync();
        var item = await owner.UploadItemAsync("call-recording.wav");
        var templates = new[]
        {
            "api/cases/{caseId}", "api/cases/{caseId}/items", "api/cases/{caseId}/items/{itemId}", "api/cases/{caseId}/items/{itemId}/content",
            "api/cases/{caseId}/items/{itemId}/original", "api/cases/{caseId}/items/{itemId}/timestamp", "api/cases/{caseId}/items/{itemId}/receipt",
            "api/cases/{caseId}/custody", "api/cases/{caseId}/bundle", "api/cases/{caseId}/grants/{itemId}",
        };

        foreach (var template in templates)
        {
            foreach (var method in new[] { HttpMethod.Delete, HttpMethod.Put, HttpMethod.Patch, HttpMethod.Post })
            {
                var path = "/" + template.Replace("{caseId}", owner.CaseId, StringComparison.Ordinal).Replace("{itemId}", item.ItemId, StringComparison.Ordinal);
                if (method == HttpMethod.Post && template is "api/cases/{caseId}/items" or "api/cases/{caseId}/bundle")
                {
                    continue; // upload: covered by idempotency and write-once tests; bundle by form: reads only (BundleTests)
                }

                using var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(Ingest.IngestTests.GeneratedPng(31)) };
                using var response = await owner.Client.SendAsync(request);
                Assert.True(response.StatusCode is HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotFound, $"{method} {path} answered {(int)response.StatusCode}");
            }
        }

        await using var stored = await app.Container.GetBlobClient($"cases/{owner.CaseId}/items/{item.ItemId}/original").OpenReadAsync();
        Assert.Equal(item.Sha256, (await EvidenceHasher.HashAsync(stored)).Digest.Hex);
        Assert.Single(await owner.ListItemsAsync());
        Assert.True((await owner.CheckCustodyAsync()).IsIntact);
    }

    [Fact]
    public async Task Tokens_NeverAppearInLogsCustodyProblemsOrBundles()
    {
        using var owner = await app.CreateCaseAsync();
        var victim = await app.GrantAsync(owner, CaseRoles.Contributor, "Victim D");
        var lawyer = await app.GrantAsync(owner, CaseRoles.Lawyer, "Counsel");
        await app.UploadAsAsync(victim.Token, owner.CaseId, Ingest.IngestTests.GeneratedPng(41));
        await owner.UploadItemAsync("screenshot-refund-page.jpg");
        var guessed = lawyer.Token[..^5] + "AAAAA";
        var problems = new StringBuilder();
        foreach (var token in new[] { guessed, victim.Token })
        {
            using var client = app.ClientWith(token);
            using var refused = await client.GetAsync($"/api/cases/{owner.CaseId}/custody");
            problems.Append(await refused.Content.ReadAsStringAsync());
        }

        using (var query = app.CreateClient())
        {
            using var inQuery = await query.GetAsync($"/api/cases/{owner.CaseId}/items?access_token={Uri.EscapeDataString(owner.OwnerToken)}");
            await ProblemAssert.IsAsync(inQuery, 401, "unauthorized"); // tokens travel in the Authorization header only
        }

        (await owner.Client.DeleteAsync($"/api/cases/{owner.CaseId}/grants/{victim.GrantId}")).EnsureSuccessStatusCode();
        using var lawyerClient = app.ClientWith(lawyer.Token);
        var bundle = await BundleFilesAsync(lawyerClient, $"/api/cases/{owner.CaseId}/bundle");
        var custody = await app.CustodyLogAsync(owner.CaseId);

        var everything = string.Join('\n', app.Logs.Lines) + custody + problems + string.Concat(bundle.Values);
        foreach (var secret in new[] { owner.OwnerToken, victim.Token, lawyer.Token, guessed })
        {
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
            Assert.DoesNotContain(secret[CaseTokens.Prefix.Length..], everything, StringComparison.Ordinal);
        }

        Assert.Contains(victim.GrantId, custody, StringComparison.Ordinal); // grant ids, instead of tokens, say who acted
    }

    /// <summary>A file of the bag without a byte-order mark, read by <see cref="BundleFilesAsync"/> as Latin-1, as the UTF-8 text it is.</summary>
    private static string Utf8(Dictionary<string, string> bag, string path) =>
        Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(bag.Single(f => f.Key.EndsWith(path, StringComparison.Ordinal)).Value));

    /// <summary>Saves the bundle at <paramref name="path"/> as a lawyer does, and verifies it; with the ZIP's entry names.</summary>
    private static async Task<(EvidenceVault.Bundles.BagVerificationReport Report, IReadOnlyList<string> Entries)> SavedBundleAsync(HttpClient client, string path)
    {
        var zip = Path.Combine(Path.GetTempPath(), $"evidencevault-{Guid.NewGuid():N}.zip");
        try
        {
            using (var response = await client.GetAsync(path))
            {
                response.EnsureSuccessStatusCode();
                await using var file = File.Create(zip);
                await response.Content.CopyToAsync(file);
            }

            using var bag = ZipFile.OpenRead(zip);
            return (await EvidenceVault.Bundles.BagVerifier.VerifyAsync(zip), [.. bag.Entries.Select(e => e.FullName)]);
        }
        finally
        {
            File.Delete(zip);
        }
    }

    private static async Task<Dictionary<string, string>> BundleFilesAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        response.EnsureSuccessStatusCode();
        using var zip = new ZipArchive(await response.Content.ReadAsStreamAsync(), ZipArchiveMode.Read);
        return zip.Entries.ToDictionary(e => e.FullName, e => new StreamReader(e.Open(), Encoding.Latin1).ReadToEnd());
    }
}
