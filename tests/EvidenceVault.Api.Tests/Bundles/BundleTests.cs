using System.IO.Compression;
using System.Text.Json;
using EvidenceVault.Api.Tests.Infrastructure;
using EvidenceVault.Bundles;
using EvidenceVault.Custody;
using EvidenceVault.Evidence;
using EvidenceVault.Serialization;
using EvidenceVault.Testing;

namespace EvidenceVault.Api.Tests.Bundles;

[Collection(VaultOnAzurite.Name)]
public sealed class BundleTests(VaultApp app) : IClassFixture<VaultApp>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("ev-bundle-").FullName;

    [Fact]
    public async Task Bundle_OfEveryKind_PassesSha256sumAndTheVerifier()
    {
        using var vault = await app.CreateCaseAsync();
        var uploaded = new List<EvidenceItemRecord>();
        foreach (var (file, _, _) in SampleEvidence.Accepted)
        {
            uploaded.Add(await vault.UploadItemAsync(file));
        }

        var (zip, bag) = await DownloadAsync(vault);

        // The standard tools a court expert has, run in the bag folder exactly as VERIFY.md says.
        var payload = await ExternalTool.RunAsync("sha256sum", bag, "-c", "manifest-sha256.txt");
        var tags = await ExternalTool.RunAsync("sha256sum", bag, "-c", "tagmanifest-sha256.txt");
        Assert.True(payload.ExitCode == 0, payload.Output);
        Assert.True(tags.ExitCode == 0, tags.Output);
        // Per item: evidence, timestamp, receipt and its signature; then items.json, items.csv, report.html, the custody log, two certificates
        // and the vault log proof (checkpoint, its signature and timestamp, the inclusion).
        Assert.Equal((uploaded.Count * 4) + 10, payload.Output.Split('\n').Count(l => l.EndsWith(": OK", StringComparison.Ordinal)));

        var report = await BagVerifier.VerifyAsync(zip);
        Assert.True(report.Intact, string.Join("\n", report.Findings));
        Assert.Equal(uploaded.Select(i => i.ItemId), report.Items.Select(i => i.ItemId));

        var catalog = JsonSerializer.Deserialize<BundleCatalog>(await File.ReadAllTextAsync(Path.Combine(bag, "data/items.json")), VaultJson.Compact)!;
        Assert.Equal(vault.CaseId, catalog.CaseId);
        Assert.All(catalog.Items, i => Assert.Equal(SampleEvidence.KnownSha256[FixtureOf(uploaded, i)], i.Sha256));
        var bagInfo = await File.ReadAllTextAsync(Path.Combine(bag, "bag-info.txt"));
        Assert.Contains($"External-Identifier: {vault.CaseId}", bagInfo, StringComparison.Ordinal);
        Assert.Contains($"Payload-Oxum: {Directory.GetFiles(Path.Combine(bag, "data"), "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length)}.{(uploaded.Count * 4) + 10}", bagInfo, StringComparison.Ordinal);
        Assert.Contains("Bagging-Date: ", bagInfo, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(bag, "VERIFY.md")));
    }

    [Fact]
    public async Task Bundle_OfASavedPage_CarriesWhatThePageSaysInEveryCatalogAndVerifies()
    {
        using var vault = await app.CreateCaseAsync();
        var page = await vault.UploadItemAsync("page-snapshot-refund.mhtml");

        var (zip, bag) = await DownloadAsync(vault);

        var catalog = JsonSerializer.Deserialize<BundleCatalog>(await File.ReadAllTextAsync(Path.Combine(bag, BagVerifier.CatalogPath)), VaultJson.Compact)!;
        Assert.Equal(page.Snapshot, Assert.Single(catalog.Items).Snapshot);
        using var csv = new Microsoft.VisualBasic.FileIO.TextFieldParser(Path.Combine(bag, "data/items.csv")) { Delimiters = [","], HasFieldsEnclosedInQuotes = true };
        var row = csv.ReadFields()!.Zip(csv.ReadFields()!).ToDictionary(p => p.First, p => p.Second);
        Assert.Equal(("mhtml", SamplePackages.WarcTargetUri, "2026-11-23T22:39:31.000Z"), (row["snapshot_source"], row["snapshot_url"], row["snapshot_captured_at_utc"]));
        var report = await File.ReadAllTextAsync(Path.Combine(bag, "data/report.html"));
        Assert.Contains($"文件自述 The file says (MHTML): <code>{SamplePackages.WarcTargetUri}</code>", report, StringComparison.Ordinal);
        var verified = await BagVerifier.VerifyAsync(zip);
        Assert.True(verified.Intact, string.Join("\n", verified.Findings));
    }

    [Fact]
    public async Task Bundle_CustodyLogInTheBag_EndsWithTheExportAndLaterEventsStayOut()
    {
        using var vault = await app.CreateCaseAsync();
        await vault.UploadItemAsync("call-recording.m4a");

        var (_, bag) = await DownloadAsync(vault);
        await vault.UploadItemAsync("screenshot-refund-page.png");

        var inBag = await CustodyChain.CheckAsync(new StringReader(await File.ReadAllTextAsync(Path.Combine(bag, BagVerifier.CustodyLogPath))), vault.CaseId);
        Assert.True(inBag.IsIntact);
        Assert.Equal(CustodyEventTypes.BundleExported, inBag.Events[^1].Type);
        Assert.Equal(6, inBag.Events.Count); // case, owner's grant, received, timestamp, receipt, export
        // As VERIFY.md tells the expert: line 2 introduces the owner's link, the actor of the lines after it.
        var ownerGrant = inBag.Events[1];
        Assert.Equal((CustodyEventTypes.GrantCreated, null, CaseRoles.Owner), (ownerGrant.Type, ownerGrant.Actor, ownerGrant.Details!["role"]));
        Assert.Equal(ownerGrant.Details["grantId"], inBag.Events[2].Actor);
        Assert.Contains("the owner's is line 2", await File.ReadAllTextAsync(Path.Combine(bag, "VERIFY.md")), StringComparison.Ordinal);
        var now = await vault.CheckCustodyAsync();
        Assert.True(now.IsIntact);
        Assert.Equal(9, now.Events.Count);
    }

    [Fact]
    public async Task Bundle_StoredBytesAlteredBehindTheVault_IsFlaggedNeverSilentlyExported()
    {
        using var vault = await app.CreateCaseAsync();
        var item = await vault.UploadItemAsync("screenshot-refund-page.png");
        // An insider with storage keys rewrites the blob (Azurite has no WORM to stop this; Azure's immutability would).
        await app.Container.GetBlobClient($"cases/{vault.CaseId}/items/{item.ItemId}/original")
            .UploadAsync(BinaryData.FromBytes(Ingest.IngestTests.GeneratedPng(7)), overwrite: true);

        var (zip, bag) = await DownloadAsync(vault);

        Assert.Contains(BagVerifier.ExportIntegrityLabel + ": FAILED", await File.ReadAllTextAsync(Path.Combine(bag, "bag-info.txt")), StringComparison.Ordinal);
        var report = await BagVerifier.VerifyAsync(zip);
        Assert.Contains(report.Findings, f => f.Code == BagFindingCodes.ExportIntegrityFailure);
        Assert.Contains(report.Findings, f => f.Code == BagFindingCodes.ItemMismatch && f.Message.Contains(item.ItemId, StringComparison.Ordinal));
        var custody = await vault.CheckCustodyAsync();
        Assert.Contains(custody.Events, e => e.Type == CustodyEventTypes.BundleIntegrityFailure && e.ItemId == item.ItemId);
        Assert.Contains(app.Logs.Lines, l => l.StartsWith("Critical", StringComparison.Ordinal) && l.Contains(item.ItemId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bundle_OfAnEmptyCase_IsAValidBag()
    {
        using var vault = await app.CreateCaseAsync(title: null);

        var (zip, _) = await DownloadAsync(vault);

        var report = await BagVerifier.VerifyAsync(zip);
        Assert.True(report.Intact, string.Join("\n", report.Findings));
        Assert.Empty(report.Items);
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task Bundle_SavedByABrowserThroughAFormPost_IsTheSameVerifiedBag_AndTakesTheTokenOnlyFromThatBody()
    {
        using var vault = await app.CreateCaseAsync();
        var item = await vault.UploadItemAsync("screenshot-refund-page.png");

        var (zip, _) = await DownloadAsync(vault, byForm: true);

        var report = await BagVerifier.VerifyAsync(zip);
        Assert.True(report.Intact, string.Join("\n", report.Findings));
        Assert.Equal([item.ItemId], report.Items.Select(i => i.ItemId));
        Assert.Contains((await vault.CheckCustodyAsync()).Events, e => e.Type == CustodyEventTypes.BundleExported);

        // Not from a URL, not from a wrong token, and on no endpoint but the bundle; a multipart body is not taken at all.
        var bundle = $"/api/cases/{vault.CaseId}/bundle";
        using var anonymous = app.CreateClient();
        using var multipart = new MultipartFormDataContent { { new StringContent(vault.OwnerToken), "access_token" } };
        (HttpResponseMessage Response, int Status, string Type)[] refused =
        [
            (await anonymous.PostAsync($"{bundle}?access_token={Uri.EscapeDataString(vault.OwnerToken)}", TokenForm(string.Empty)), 401, "unauthorized"),
            (await anonymous.PostAsync(bundle, TokenForm(vault.OwnerToken[..^4] + "AAAA")), 401, "unauthorized"),
            (await anonymous.PostAsync($"/api/cases/{vault.CaseId}/owner-token", TokenForm(vault.OwnerToken)), 401, "unauthorized"),
            (await anonymous.PostAsync(bundle, multipart), 415, "http-415"),
        ];
        foreach (var (response, status, type) in refused)
        {
            await ProblemAssert.IsAsync(response, status, type);
            response.Dispose();
        }

        Assert.DoesNotContain(vault.OwnerToken, string.Join('\n', app.Logs.Lines), StringComparison.Ordinal);
    }

    private static FormUrlEncodedContent TokenForm(string token) => new([new("access_token", token)]);

    private static string FixtureOf(List<EvidenceItemRecord> uploaded, EvidenceItemRecord item) =>
        SampleEvidence.Accepted.ElementAt(uploaded.FindIndex(u => u.ItemId == item.ItemId)).File;

    /// <summary>The bundle as a script gets it (GET with the bearer header) or as a browser saves it (a form POST).</summary>
    private async Task<(string Zip, string Bag)> DownloadAsync(TestCase vault, bool byForm = false)
    {
        using var anonymous = app.CreateClient();
        using var response = byForm
            ? await anonymous.SendAsync(
                new HttpRequestMessage(HttpMethod.Post, $"/api/cases/{vault.CaseId}/bundle") { Content = TokenForm(vault.OwnerToken) }, HttpCompletionOption.ResponseHeadersRead)
            : await vault.Client.GetAsync($"/api/cases/{vault.CaseId}/bundle", HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        var name = response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName;
        Assert.StartsWith($"evidence-{vault.CaseId}-", name, StringComparison.Ordinal);
        var zip = Path.Combine(_work, Guid.NewGuid().ToString("N") + ".zip");
        await using (var file = File.Create(zip))
        {
            await response.Content.CopyToAsync(file);
        }

        var folder = Path.Combine(_work, Path.GetFileNameWithoutExtension(zip));
        ZipFile.ExtractToDirectory(zip, folder);
        return (zip, Directory.GetDirectories(folder).Single());
    }
}
