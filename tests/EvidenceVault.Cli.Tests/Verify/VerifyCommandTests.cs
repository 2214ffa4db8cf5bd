using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using EvidenceVault.Bundles;
using EvidenceVault.Cli.Verify;
using EvidenceVault.Evidence;
using EvidenceVault.Testing;

namespace EvidenceVault.Cli.Tests.Verify;

public sealed class VerifyCommandTests
{
    [Fact]
    public async Task Verify_IntactZip_ExitsZeroAndListsEveryItem()
    {
        using var bundle = await BundleFolder.CreateAsync();

        var (exit, output) = await RunAsync(bundle.Zip);

        Assert.Equal(VerifyCommand.Intact, exit);
        Assert.Contains("完好 INTACT", output, StringComparison.Ordinal);
        Assert.Contains(SampleEvidence.KnownSha256["screenshot-refund-page.png"], output, StringComparison.Ordinal);
        Assert.Contains("北京时间 Beijing", output, StringComparison.Ordinal);
        Assert.Equal(3, output.Split('\n').Count(l => l.TrimStart().StartsWith("完好 OK ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Verify_IntactUnzippedFolder_ExitsZero()
    {
        using var bundle = await BundleFolder.CreateAsync();

        Assert.Equal(VerifyCommand.Intact, (await RunAsync(bundle.Bag)).Exit);
        Assert.Equal(VerifyCommand.Intact, (await RunAsync(Path.GetDirectoryName(bundle.Bag)!)).Exit);
    }

    [Fact]
    public async Task Verify_EvidenceByteFlipped_NamesFileManifestAndItem()
    {
        using var bundle = await BundleFolder.CreateAsync();
        BundleFolder.FlipByte(bundle.FirstEvidence, 1000);

        var report = await BagVerifier.VerifyAsync(bundle.Bag);

        var file = bundle.Relative(bundle.FirstEvidence);
        Assert.Contains(report.Findings, f => f.Path == file && f.Code == BagFindingCodes.ManifestMismatch);
        Assert.Contains(report.Findings, f => f.Path == file && f.Code == BagFindingCodes.ItemMismatch);
        Assert.False(report.Items.Single(i => i.File == file).Intact);
        Assert.Equal(VerifyCommand.Tampered, (await RunAsync(bundle.Bag)).Exit);
    }

    [Fact]
    public async Task Verify_EvidenceReplacedAndManifestsRehashed_CatalogStillCatchesIt()
    {
        using var bundle = await BundleFolder.CreateAsync();
        BundleFolder.FlipByte(bundle.FirstEvidence, 10);
        bundle.RehashManifests(bundle.Relative(bundle.FirstEvidence));

        var report = await BagVerifier.VerifyAsync(bundle.Bag);

        var finding = Assert.Single(report.Findings);
        Assert.Equal(BagFindingCodes.ItemMismatch, finding.Code);
        Assert.Equal(bundle.Relative(bundle.FirstEvidence), finding.Path);
    }

    [Fact]
    public async Task Verify_EvidenceCatalogAndManifestsForged_CustodyTimestampAndReceiptCatchIt()
    {
        using var bundle = await BundleFolder.CreateAsync();
        var file = bundle.Relative(bundle.FirstEvidence);
        var original = SampleEvidence.KnownSha256["screenshot-refund-page.png"];
        BundleFolder.FlipByte(bundle.FirstEvidence, 10);
        bundle.RehashManifests(file);
        using (var forged = File.OpenRead(bundle.FirstEvidence))
        {
            bundle.Replace(BagVerifier.CatalogPath, original, (await EvidenceVault.Hashing.EvidenceHasher.HashAsync(forged)).Digest.Hex);
        }

        bundle.RehashManifests(BagVerifier.CatalogPath);
        BagForgery.RewriteItemsCsv(bundle.Bag);

        var report = await BagVerifier.VerifyAsync(bundle.Bag);

        Assert.Contains(report.Findings, f => f.Code == BagFindingCodes.CustodyMismatch && f.Path == file);
        Assert.Contains(report.Findings, f => f.Code == BagFindingCodes.TimestampInvalid && f.Message.Contains("another imprint", StringComparison.Ordinal));
        Assert.Contains(report.Findings, f => f.Code == BagFindingCodes.ReceiptInvalid && f.Message.Contains("does not state", StringComparison.Ordinal));
        Assert.Equal(3, report.Findings.Count);
    }

    [Theory]
    [InlineData("manifest-sha256.txt", BagFindingCodes.ManifestMismatch)]
    [InlineData("bag-info.txt", BagFindingCodes.ManifestMismatch)]
    [InlineData("bagit.txt", BagFindingCodes.ManifestMismatch)]
    [InlineData("VERIFY.md", BagFindingCodes.ManifestMismatch)]
    [InlineData("data/items.csv", BagFindingCodes.ManifestMismatch)]
    [InlineData("data/items.json", BagFindingCodes.ManifestMismatch)]
    [InlineData("data/custody-log.jsonl", BagFindingCodes.ManifestMismatch)]
    public async Task Verify_AnyFileAppended_NamesThatFile(string relative, string code)
    {
        using var bundle = await BundleFolder.CreateAsync();
        File.AppendAllText(bundle.PathOf(relative), " ");

        var report = await BagVerifier.VerifyAsync(bundle.Bag);
        var (exit, output) = await RunAsync(bundle.Bag);

        Assert.Contains(report.Findings, f => f.Path == relative && f.Code == code);
        Assert.Equal(VerifyCommand.Tampered, exit);
        Assert.Contains($"{relative}: {code}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_TagManifestLineEdited_NamesTheListedFile()
    {
        using var bundle = await BundleFolder.CreateAsync();
        var line = File.ReadAllLines(bundle.PathOf("tagmanifest-sha256.txt")).Single(l => l.EndsWith("  bagit.txt", StringComparison.Ordinal));
        bundle.Replace("tagmanifest-sha256.txt", line, new string('0', 64) + "  bagit.txt");

        var report = await BagVerifier.VerifyAsync(bundle.Bag);

        Assert.Contains(report.Findings, f => f.Path == "bagit.txt" && f.Code == BagFindingCodes.ManifestMismatch);
    }

    [Fact]
    public async Task Verify_PayloadOxumForged_IsReported()
    {
        using var bundle = await BundleFolder.CreateAsync();
        var oxum = File.ReadAllLines(bundle.PathOf("bag-info.txt")).Single(l => l.StartsWith("Payload-Oxum:", StringComparison.Ordinal));
        bundle.Replace("bag-info.txt", oxum, "Payload-Oxum: 1.1");
        bundle.RehashManifests("bag-info.txt");

        var finding = Assert.Single((await BagVerifier.VerifyAsync(bundle.Bag)).Findings);

        Assert.Equal(BagFindingCodes.OxumMismatch, finding.Code);
    }

    [Fact]
    public async Task Verify_CustodyLineEditedAndRehashed_ChainBreakIsReported()
    {
        using var bundle = await BundleFolder.CreateAsync();
        bundle.Replace(BagVerifier.CustodyLogPath, "\"type\":\"item.received\"", "\"type\":\"item.received\",\"note\":\"x\"");
        bundle.RehashManifests(BagVerifier.CustodyLogPath);

        var report = await BagVerifier.VerifyAsync(bundle.Bag);

        Assert.Contains(report.Findings, f => f.Path == BagVerifier.CustodyLogPath && f.Code == BagFindingCodes.CustodyBroken);
    }

    [Fact]
    public async Task Verify_CatalogSizeEditedAndRehashed_ItemMismatchIsReported()
    {
        using var bundle = await BundleFolder.CreateAsync();
        bundle.Replace(BagVerifier.CatalogPath, "\"size\": 95339", "\"size\": 95338");
        bundle.RehashManifests(BagVerifier.CatalogPath);

        var report = await BagVerifier.VerifyAsync(bundle.Bag);

        Assert.Contains(report.Findings, f => f.Code == BagFindingCodes.ItemMismatch && f.Message.Contains("95338", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("\"title\": \"退款诈骗 Refund scam\"", "\"title\": \"另一案件 Another case\"", "the catalog titles the case \"另一案件 Another case\", its case.created custody line \"退款诈骗 Refund scam\"")]
    [InlineData("\"exportedAt\": \"2026-11-23T22:40:11", "\"exportedAt\": \"2026-11-20T22:40:11", "the catalog says the bundle was exported at 2026-11-20T22:40:11.000Z, the export's custody line 12 at 2026-11-23T22:40:11.000Z")]
    public async Task Verify_CaseTitleOrExportTimeEditedInTheCatalog_TheCustodyLogSaysOtherwise(string from, string to, string message)
    {
        // Both head the printed report, the guide and bag-info.txt, which are made from the catalog.
        using var bundle = await BundleFolder.CreateAsync();

        var finding = Assert.Single(await BagForgery.RecatalogueAsync(bundle.Bag, from, to));

        Assert.Equal((BagFindingCodes.CustodyMismatch, BagVerifier.CatalogPath, message), (finding.Code, finding.Path, finding.Message));
    }

    [Fact]
    public async Task Verify_ItemTakenOutOfTheCatalogWithItsFilesAndTheLogLeftAsItWas_TheExportsLineCountsItStill()
    {
        using var bundle = await BundleFolder.CreateAsync();
        bundle.TakeOutItem(1, rechainCustody: false);

        var report = await BagVerifier.VerifyAsync(bundle.Bag);

        var finding = Assert.Single(report.Findings);
        Assert.Equal((BagFindingCodes.CustodyMismatch, BagVerifier.CatalogPath), (finding.Code, finding.Path));
        Assert.Contains("the export's custody line 12 records 3 items, the catalog lists 2", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"fileName\": \"call-recording.m4a\"", "\"fileName\": \"call-recording.m4b\"", "its fileName differs from custody line 6")]
    [InlineData("\"kind\": \"audio\"", "\"kind\": \"video\"", "its kind differs from custody line 6")]
    public async Task Verify_WhatWasSaidOfAnItemWhenSentEditedInTheCatalog_CustodyMismatchNamesIt(string from, string to, string about)
    {
        using var bundle = await BundleFolder.CreateAsync();

        await BagForgery.AssertRecataloguingCaughtAsync(bundle.Bag, from, to, about);
    }

    [Fact]
    public async Task Verify_SpreadsheetCellEditedAndRehashed_NamesTheRowAndColumn()
    {
        using var bundle = await BundleFolder.CreateAsync();
        bundle.Replace(BagVerifier.ItemsCsvPath, ",call-recording.m4a,", ",call-recording.m4b,");
        bundle.RehashManifests(BagVerifier.ItemsCsvPath);
        bundle.FixPayloadOxum();

        var finding = Assert.Single((await BagVerifier.VerifyAsync(bundle.Bag)).Findings);

        Assert.Equal((BagFindingCodes.ItemsCsvMismatch, BagVerifier.ItemsCsvPath), (finding.Code, finding.Path));
        Assert.Matches("^row 3 \\(item \\w{26}\\): its file_name is not the catalog's$", finding.Message);
    }

    [Fact]
    public async Task Verify_SpreadsheetRowTakenOutAndRehashed_CountsTheRows()
    {
        using var bundle = await BundleFolder.CreateAsync();
        var lines = File.ReadAllText(bundle.PathOf(BagVerifier.ItemsCsvPath)).Split("\r\n");
        File.WriteAllText(bundle.PathOf(BagVerifier.ItemsCsvPath), string.Join("\r\n", lines.Where((_, i) => i != 2)));
        bundle.RehashManifests(BagVerifier.ItemsCsvPath);
        bundle.FixPayloadOxum();

        var finding = Assert.Single((await BagVerifier.VerifyAsync(bundle.Bag)).Findings);

        Assert.Equal((BagFindingCodes.ItemsCsvMismatch, "it has 2 rows of items, the catalog lists 3"), (finding.Code, finding.Message));
    }

    [Fact]
    public async Task Verify_ReportEditedAndRehashed_ReportMismatchNamesTheFirstChangedLine()
    {
        using var bundle = await BundleFolder.CreateAsync();
        var line = LineOf(bundle.PathOf(BagVerifier.ReportPath), "call-recording.m4a");
        bundle.Replace(BagVerifier.ReportPath, "call-recording.m4a", "call-recording.m4b");
        bundle.RehashManifests(BagVerifier.ReportPath);
        bundle.FixPayloadOxum();

        var finding = Assert.Single((await BagVerifier.VerifyAsync(bundle.Bag)).Findings);

        Assert.Equal(
            (BagFindingCodes.ReportMismatch, BagVerifier.ReportPath, $"it is not what the rest of the bundle makes it, from line {line} on"),
            (finding.Code, finding.Path, finding.Message));
    }

    [Fact]
    public async Task Verify_GuideStepTakenOutAndRehashed_GuideMismatch()
    {
        using var bundle = await BundleFolder.CreateAsync();
        var line = LineOf(bundle.PathOf(BagVerifier.GuidePath), "sha256sum -c tagmanifest-sha256.txt");
        bundle.Replace(BagVerifier.GuidePath, "sha256sum -c tagmanifest-sha256.txt\n", string.Empty);
        bundle.RehashManifests(BagVerifier.GuidePath);

        var finding = Assert.Single((await BagVerifier.VerifyAsync(bundle.Bag)).Findings);

        Assert.Equal((BagFindingCodes.GuideMismatch, BagVerifier.GuidePath), (finding.Code, finding.Path));
        Assert.EndsWith($"from line {line} on", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("EvidenceVault-Item-Count: 3", "EvidenceVault-Item-Count: 2")]
    [InlineData("External-Description: ", "External-Description: Another case ")]
    [InlineData("Bag-Software-Agent: EvidenceVault", "Contact-Name: Someone else\nBag-Software-Agent: EvidenceVault")]
    public async Task Verify_BagInfoEditedAndRehashed_BagInfoMismatch(string from, string to)
    {
        using var bundle = await BundleFolder.CreateAsync();
        var line = LineOf(bundle.PathOf(BagVerifier.BagInfoPath), from);
        bundle.Replace(BagVerifier.BagInfoPath, from, to);
        bundle.RehashManifests(BagVerifier.BagInfoPath);

        var finding = Assert.Single((await BagVerifier.VerifyAsync(bundle.Bag)).Findings);

        Assert.Equal(
            (BagFindingCodes.BagInfoMismatch, BagVerifier.BagInfoPath, $"it is not what the rest of the bundle makes it, from line {line} on"),
            (finding.Code, finding.Path, finding.Message));
    }

    [Theory]
    [InlineData("de-DE")] // a decimal comma and a full stop between thousands
    [InlineData("ar-SA")] // another calendar and right-to-left marks
    public async Task Verify_ByAnExpertWhoseMachineSpeaksAnotherCulture_MakesTheSameReport(string culture)
    {
        using var bundle = await BundleFolder.CreateAsync();
        var before = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(culture);
        BagVerificationReport report;
        try
        {
            report = await BagVerifier.VerifyAsync(bundle.Zip);
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }

        Assert.Empty(report.Findings);
    }

    [Fact]
    public async Task Verify_ReportTakenOutWithItsManifestLine_MissingFile()
    {
        using var bundle = await BundleFolder.CreateAsync();
        File.Delete(bundle.PathOf(BagVerifier.ReportPath));
        bundle.DropFromManifest(BagVerifier.ReportPath);
        bundle.FixPayloadOxum();

        var finding = Assert.Single((await BagVerifier.VerifyAsync(bundle.Bag)).Findings);

        Assert.Equal((BagFindingCodes.MissingFile, BagVerifier.ReportPath), (finding.Code, finding.Path));
    }

    /// <summary>The 1-based number of the first line of <paramref name="path"/> that holds <paramref name="text"/>.</summary>
    private static int LineOf(string path, string text) =>
        File.ReadAllLines(path).Index().First(line => line.Item.Contains(text, StringComparison.Ordinal)).Index + 1;

    [Fact]
    public async Task Verify_ItemReattributedToAnotherVictimInTheCatalog_CustodyLineNamesWhoSentIt()
    {
        using var bundle = await BundleFolder.CreateAsync();

        await BagForgery.AssertRecataloguingCaughtAsync(
            bundle.Bag,
            $"\"contributor\": \"{LocalBundles.Sender}\",\n      \"contributorRole\": \"owner\",\n      \"custody\": {{\n        \"seq\": 6,",
            $"\"contributor\": \"{LocalBundles.Sender[..^1]}1\",\n      \"contributorRole\": \"owner\",\n      \"custody\": {{\n        \"seq\": 6,",
            $"the catalog says link {LocalBundles.Sender[..^1]}1 sent it, custody line 6 says {LocalBundles.Sender}");
    }

    [Theory]
    [InlineData("\"contributorRole\": \"contributor\",\n      \"contributorLabel\": \"李娜 Li Na\"", "contributor \"李娜 Li Na\"")]
    [InlineData("\"contributorRole\": \"owner\",\n      \"contributorLabel\": \"张伟 Zhang Wei\"", "owner \"张伟 Zhang Wei\"")]
    [InlineData("\"contributorRole\": \"lawyer\"", "lawyer (no name)")]
    public async Task Verify_SendersNameOrRoleEditedInTheCatalog_TheLinkTheLogIntroducesSaysOtherwise(string to, string named)
    {
        // The name a printed report and the spreadsheet give each item's sender comes from the catalog; the link's
        // grant.created line fixed it when the link was issued.
        using var bundle = await BundleFolder.CreateAsync();

        var findings = await BagForgery.RecatalogueAsync(bundle.Bag, "\"contributorRole\": \"owner\"", to);

        Assert.Equal(3, findings.Count);
        Assert.All(findings, finding =>
        {
            Assert.Equal(BagFindingCodes.CustodyMismatch, finding.Code);
            Assert.StartsWith("data/evidence/", finding.Path, StringComparison.Ordinal);
            Assert.EndsWith($"the catalog names its sender {named}, the custody log introduces link {LocalBundles.Sender} as owner (no name)", finding.Message, StringComparison.Ordinal);
        });
    }

    [Theory]
    [InlineData(CaseRoles.Owner)] // the owner's items under any of their links
    [InlineData(LocalBundles.Sender)] // one link's items, as earlier releases named every sender
    public async Task Verify_OneVictimsBundle_HoldsThatVictimsItemsOnly(string sender)
    {
        var folder = Directory.CreateTempSubdirectory("ev-contributor-").FullName;
        try
        {
            var own = await LocalBundles.CreateForContributorAsync(folder, sender, SampleEvidence.PathOf("screenshot-refund-page.png"));
            var others = await LocalBundles.CreateForContributorAsync(Directory.CreateDirectory(Path.Combine(folder, "other")).FullName, "01KBZ6X3N8Q4T2V7W9Y0VICTM2", SampleEvidence.PathOf("screenshot-refund-page.png"));

            var ownReport = await BagVerifier.VerifyAsync(own.Zip);
            var othersReport = await BagVerifier.VerifyAsync(others.Zip);

            Assert.True(ownReport.Intact, string.Join("\n", ownReport.Findings));
            var finding = Assert.Single(othersReport.Findings);
            Assert.Equal((BagFindingCodes.CustodyMismatch, BagVerifier.CatalogPath), (finding.Code, finding.Path));
            Assert.Contains("was sent by owner, and the export's custody line 6 is for the items of 01KBZ6X3N8Q4T2V7W9Y0VICTM2 only", finding.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Verify_OneSendersBundle_SaysSoInTheVerdictTheReportTheGuideAndBagInfo()
    {
        using var bundle = await BundleFolder.CreateAsync(CaseRoles.Owner);

        var (exit, output) = await RunAsync(bundle.Zip);

        Assert.Equal(VerifyCommand.Intact, exit);
        Assert.Contains("证据 Items:      3, 只含一位提交人的证据 one contributor's items only: owner", output, StringComparison.Ordinal);
        Assert.Contains("<strong>只含一位提交人的证据 One contributor's items only: 案件创建人 Case owner</strong>", File.ReadAllText(bundle.PathOf(BagVerifier.ReportPath)), StringComparison.Ordinal);
        Assert.Contains("只含一位提交人的证据 One contributor's items only: `owner`", File.ReadAllText(bundle.PathOf(BagVerifier.GuidePath)), StringComparison.Ordinal);
        Assert.Contains("EvidenceVault-Contributor: owner\n", File.ReadAllText(bundle.PathOf(BagVerifier.BagInfoPath)), StringComparison.Ordinal);
        Assert.Equal(CaseRoles.Owner, (await BagVerifier.VerifyAsync(bundle.Bag)).Contributor);
    }

    [Fact]
    public async Task Verify_OneSendersBundleMadeToPassForTheWholeCase_TheExportLineSaysWhose()
    {
        // Without "contributor", the report, guide and bag-info made from the catalog no longer say the case holds more.
        using var bundle = await BundleFolder.CreateAsync(CaseRoles.Owner);

        var finding = Assert.Single(await BagForgery.RecatalogueAsync(bundle.Bag, "  \"contributor\": \"owner\",\n  \"items\"", "  \"items\""));

        Assert.Equal(
            (BagFindingCodes.CustodyMismatch, BagVerifier.CatalogPath, "the catalog says the bundle holds the whole case's items, the export's custody line 12 the items of owner only"),
            (finding.Code, finding.Path, finding.Message));
    }

    [Fact]
    public async Task Verify_CatalogCustodyHeadOfAnItemEditedAndRehashed_CustodyMismatchIsReported()
    {
        using var bundle = await BundleFolder.CreateAsync();
        var head = JsonDocument.Parse(File.ReadAllText(bundle.PathOf(BagVerifier.CatalogPath))).RootElement
            .GetProperty("items")[1].GetProperty("custody").GetProperty("head").GetString()!;

        await BagForgery.AssertRecataloguingCaughtAsync(bundle.Bag, head, head[..^1] + (head[^1] == '0' ? '1' : '0'), "custody line 6 does not have the SHA-256 the catalog names");
    }

    [Fact]
    public async Task Verify_SavedPagesOwnAddressEditedAndRehashed_CustodyMismatchIsReported()
    {
        using var bundle = await BundleFolder.CreateAsync();
        bundle.Replace(BagVerifier.CatalogPath, "\"url\": \"https://refund-center.example/order/114-3941689-8772232/refund\"", "\"url\": \"https://innocent.example/\"");
        bundle.RehashManifests(BagVerifier.CatalogPath);

        var report = await BagVerifier.VerifyAsync(bundle.Bag);

        Assert.Contains(report.Findings, f => f.Code == BagFindingCodes.CustodyMismatch && f.Message.Contains("saved page", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Verify_AnUploadedPageClaimedAsTheVaultsOwnCaptureAndRehashed_CustodyMismatchIsReported()
    {
        using var bundle = await BundleFolder.CreateAsync();
        bundle.Replace(BagVerifier.CatalogPath, "\"kind\": \"page-snapshot\",", "\"kind\": \"page-snapshot\",\n      \"capturedBy\": \"vault\",");
        bundle.RehashManifests(BagVerifier.CatalogPath);

        var report = await BagVerifier.VerifyAsync(bundle.Bag);

        Assert.Contains(report.Findings, f => f.Code == BagFindingCodes.CustodyMismatch && f.Message.Contains("vault captured the page itself", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("data/evidence/extra.png")]
    [InlineData("data/extra.txt")]
    [InlineData("extra-tag.txt")]
    public async Task Verify_FileAdded_IsUnexpected(string relative)
    {
        using var bundle = await BundleFolder.CreateAsync();
        File.WriteAllText(bundle.PathOf(relative), "added later");

        var report = await BagVerifier.VerifyAsync(bundle.Bag);

        Assert.Contains(report.Findings, f => f.Path == relative && f.Code == BagFindingCodes.UnexpectedFile);
    }

    [Theory]
    [InlineData("data/items.json")]
    [InlineData("data/custody-log.jsonl")]
    [InlineData("bagit.txt")]
    [InlineData("manifest-sha256.txt")]
    [InlineData("tagmanifest-sha256.txt")]
    public async Task Verify_FileRemoved_IsMissing(string relative)
    {
        using var bundle = await BundleFolder.CreateAsync();
        File.Delete(bundle.PathOf(relative));

        var report = await BagVerifier.VerifyAsync(bundle.Bag);

        Assert.Contains(report.Findings, f => f.Path == relative && f.Code == BagFindingCodes.MissingFile);
    }

    [Fact]
    public async Task Verify_EvidenceFileRemoved_IsMissingAndItemFails()
    {
        using var bundle = await BundleFolder.CreateAsync();
        var file = bundle.Relative(bundle.FirstEvidence);
        File.Delete(bundle.FirstEvidence);

        var report = await BagVerifier.VerifyAsync(bundle.Bag);

        Assert.Contains(report.Findings, f => f.Path == file && f.Code == BagFindingCodes.MissingFile);
        Assert.False(report.Items.Single(i => i.File == file).Intact);
    }

    [Fact]
    public async Task Verify_ZipEntryRewritten_IsDetectedInTheZipItself()
    {
        using var bundle = await BundleFolder.CreateAsync();
        using (var zip = ZipFile.Open(bundle.Zip, ZipArchiveMode.Update))
        {
            var entry = zip.Entries.Single(e => e.FullName.EndsWith("/data/items.csv", StringComparison.Ordinal));
            var name = entry.FullName;
            entry.Delete();
            using var writer = new StreamWriter(zip.CreateEntry(name).Open());
            writer.Write("item_id\r\nforged\r\n");
        }

        var (exit, output) = await RunAsync(bundle.Zip);

        Assert.Equal(VerifyCommand.Tampered, exit);
        Assert.Contains("data/items.csv: manifest-mismatch（文件的 SHA-256 与清单不符）: ", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_finding_code_is_explained_in_Chinese_each_in_its_own_words()
    {
        var codes = typeof(BagFindingCodes).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();
        var meanings = codes.Select(VerifyReportText.Meaning).ToList();

        Assert.Equal(20, codes.Count);
        Assert.DoesNotContain(VerifyReportText.Meaning("no-such-code"), meanings);
        Assert.Equal(codes.Count, meanings.Distinct().Count());
    }

    [Fact]
    public async Task Verify_Json_IsMachineReadable()
    {
        using var bundle = await BundleFolder.CreateAsync();

        var (exit, output) = await RunAsync(bundle.Zip, json: true);

        using var document = JsonDocument.Parse(output);
        Assert.Equal(VerifyCommand.Intact, exit);
        Assert.True(document.RootElement.GetProperty("intact").GetBoolean());
        Assert.Equal(3, document.RootElement.GetProperty("items").GetArrayLength());
        Assert.Equal(0, document.RootElement.GetProperty("findings").GetArrayLength());
    }

    [Fact]
    public async Task Verify_JsonOfTamperedBag_ListsFindings()
    {
        using var bundle = await BundleFolder.CreateAsync();
        BundleFolder.FlipByte(bundle.FirstEvidence, 5);

        var (exit, output) = await RunAsync(bundle.Bag, json: true);

        using var document = JsonDocument.Parse(output);
        Assert.Equal(VerifyCommand.Tampered, exit);
        Assert.False(document.RootElement.GetProperty("intact").GetBoolean());
        Assert.Contains(document.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("code").GetString() == BagFindingCodes.ItemMismatch);
    }

    [Fact]
    public async Task Verify_MissingOrCorruptFile_ExitsTwo()
    {
        var dir = Directory.CreateTempSubdirectory("ev-verify-").FullName;
        var corrupt = Path.Combine(dir, "corrupt.zip");
        await File.WriteAllBytesAsync(corrupt, [0x50, 0x4B, 0x03, 0x04, 1, 2, 3]);

        Assert.Equal(VerifyCommand.Unreadable, (await RunAsync(Path.Combine(dir, "nothing.zip"))).Exit);
        Assert.Equal(VerifyCommand.Unreadable, (await RunAsync(corrupt)).Exit);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task EvidenceVaultExecutable_VerifyIntactThenTampered_ExitCodesForScripts()
    {
        using var bundle = await BundleFolder.CreateAsync();
        var cli = Path.Combine(AppContext.BaseDirectory, "evidencevault.dll");

        var intact = await ExternalTool.RunAsync("dotnet", bundle.Bag, cli, "verify", bundle.Zip);
        BundleFolder.FlipByte(bundle.FirstEvidence, 5);
        var tampered = await ExternalTool.RunAsync("dotnet", bundle.Bag, cli, "verify", bundle.Bag);

        Assert.Equal(0, intact.ExitCode);
        Assert.Equal(1, tampered.ExitCode);
        Assert.Contains("TAMPERED", tampered.Output, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Output)> RunAsync(string location, bool json = false)
    {
        using var output = new StringWriter();
        var exit = await VerifyCommand.RunAsync(location, json, output, CancellationToken.None);
        return (exit, output.ToString());
    }
}
