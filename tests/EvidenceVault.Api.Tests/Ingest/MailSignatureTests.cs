using System.Security.Cryptography;
using System.Text;
using EvidenceVault.Api.Tests.Infrastructure;
using EvidenceVault.Custody;
using EvidenceVault.Evidence;
using EvidenceVault.Testing;

namespace EvidenceVault.Api.Tests.Ingest;

/// <summary>
/// A saved e-mail signed with DKIM (by dkimpy, a signer of its own) is checked on receipt against the key its domain
/// publishes — asked of a real name server over UDP — and that key is kept: chained in the custody line, indexed,
/// carried into the bundle, where dkimpy, run as the guide says, checks the bundle's copy with the kept key after the
/// domain has withdrawn it, and a catalog that says otherwise is caught.
/// </summary>
[Collection(VaultOnAzurite.Name)]
public sealed class MailSignatureTests(VaultApp app) : IClassFixture<VaultApp>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ev-dkim-").FullName;
    private readonly RSA _key = SampleMailSignatures.NewKey();

    public void Dispose()
    {
        _key.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_signed_mail_passes_against_the_key_its_domain_published_which_the_bundle_keeps_for_when_the_domain_withdraws_it()
    {
        using var vault = await app.CreateCaseAsync();
        var selector = PublishedSelector();
        var published = SampleMailSignatures.KeyRecord(_key);
        var mail = await SampleMailSignatures.SignedPhishingAsync(Path.Combine(_folder, "signed.eml"), _key, selector: selector, authenticated: true);

        var item = await vault.UploadNewItemAsync(mail);

        var signature = Assert.Single(item.Message?.Signatures ?? []);
        Assert.Equal((SampleMailSignatures.Domain, selector, "rsa-sha256", MailSignatureResults.Pass, published), (signature.Domain, signature.Selector, signature.Algorithm, signature.Result, signature.Key));
        Assert.Equal(
            SampleMessages.Stated(MessageSources.Eml) with { AuthenticatedBy = SampleMessages.DeliveredBy, AuthenticationResults = SampleMessages.AuthenticationResults, Signatures = item.Message!.Signatures },
            item.Message); // the rest of the statement as for an unsigned mail, with the provider's own verdict on delivery
        Assert.Contains(SampleMailSignatures.KeyName(selector), KeyNameServer.Instance.Asked);
        await FileStatementAssert.IndexedAndChainedAsync(vault, item, item.Message, i => i.Message, MessageDetails.From);

        // The domain replaces its key: the vault's next check finds none, but the bundle keeps the key that signed.
        KeyNameServer.Instance.Withdraw(SampleMailSignatures.KeyName(selector));
        var bag = await vault.DownloadBagAsync(_folder);
        var file = EvidenceVault.Bundles.EvidenceBundleWriter.EvidencePath(item);
        var html = await File.ReadAllTextAsync(Path.Combine(bag, "data", "report.html"));
        Assert.Contains($"DKIM 签名（入库时核对）DKIM signatures, checked on receipt: <code>{SampleMailSignatures.Domain}</code> (s={selector}, rsa-sha256, 签名于 signed ", html, StringComparison.Ordinal);
        Assert.Contains("<strong>通过 pass</strong>", html, StringComparison.Ordinal);
        Assert.Contains($"收件服务器的认证结果 authentication by <code>{SampleMessages.DeliveredBy}</code>: <code>{SampleMessages.AuthenticationResults}</code>", html, StringComparison.Ordinal);
        var row = Assert.Single(ItemsCsvFile.Read(Path.Combine(bag, "data", "items.csv")));
        Assert.Equal(
            ($"{SampleMailSignatures.Domain} s={selector} rsa-sha256 pass", SampleMessages.DeliveredBy, SampleMessages.AuthenticationResults),
            (row["message_signatures"], row["message_authenticated_by"], row["message_authentication_results"]));
        var header = await ExpertTools.RunGuideCommandAsync(bag, "perl -MEncode", file); // the header as the guide prints it
        Assert.Contains($"\r\nAuthentication-Results: {SampleMessages.DeliveredBy};", header, StringComparison.Ordinal);
        Assert.Contains("dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=refund-center.example", header, StringComparison.Ordinal);
        await SampleMailSignatures.EnsureDkimpyAsync();
        var check = await ExpertTools.RunGuideCommandAsync(bag, "python3 -c 'import dkim,", file, new Dictionary<string, string> { ["<key>"] = published, ["<n>"] = "0" }, path: "/usr/bin");
        Assert.Equal("True", check.Trim());

        // Re-catalogued to say the signature failed, it no longer agrees with its custody line.
        await BagForgery.AssertRecataloguingCaughtAsync(bag, "\"result\": \"pass\"", "\"result\": \"fail\"", "what the e-mail says of itself");

        // So is one re-catalogued to say the provider found the sender's policy failed.
        var again = await vault.DownloadBagAsync(Directory.CreateDirectory(Path.Combine(_folder, "again")).FullName);
        await BagForgery.AssertRecataloguingCaughtAsync(again, "dmarc=pass", "dmarc=fail", "what the e-mail says of itself");

        // A forger who changes a signed field of the mail and makes the catalog and manifests agree: beside the custody
        // line, the verifier's own offline check of the signature with the kept key says the signature no longer holds.
        var forged = await vault.DownloadBagAsync(Directory.CreateDirectory(Path.Combine(_folder, "forged")).FullName);
        ForgeSignedMessageId(forged, file);

        var report = await EvidenceVault.Bundles.BagVerifier.VerifyAsync(forged);

        var finding = Assert.Single(report.Findings, f => f.Code == EvidenceVault.Bundles.BagFindingCodes.MailSignatureInvalid);
        Assert.Contains($"the DKIM signature of {SampleMailSignatures.Domain} (s={selector}) on the mail the vault found passing does not hold offline with the key kept for it: fail", finding.Message, StringComparison.Ordinal);
        Assert.Contains(report.Findings, f => f.Code == EvidenceVault.Bundles.BagFindingCodes.CustodyMismatch);
    }

    [Fact]
    public async Task A_mail_changed_after_signing_a_key_never_published_and_a_name_server_that_does_not_answer_are_each_stated_and_the_evidence_kept()
    {
        using var vault = await app.CreateCaseAsync();
        var publishedSelector = PublishedSelector();
        var changed = await SampleMailSignatures.SignedPhishingAsync(Path.Combine(_folder, "changed.eml"), _key, "simple/simple", selector: publishedSelector);
        File.WriteAllText(changed, File.ReadAllText(changed, Encoding.Latin1).Replace("\r\n\r\n", "\r\n\r\n ", StringComparison.Ordinal), Encoding.Latin1);
        var unpublished = await SampleMailSignatures.SignedPhishingAsync(Path.Combine(_folder, "unpublished.eml"), _key, selector: NewSelector());
        var silentSelector = NewSelector();
        KeyNameServer.Instance.Ignore(SampleMailSignatures.KeyName(silentSelector));
        var silent = await SampleMailSignatures.SignedPhishingAsync(Path.Combine(_folder, "silent.eml"), _key, selector: silentSelector);

        string[] results =
        [
            .. await Task.WhenAll(new[] { changed, unpublished, silent }.Select(async mail => Assert.Single((await vault.UploadNewItemAsync(mail)).Message?.Signatures ?? []).Result)),
        ];

        Assert.Equal([MailSignatureResults.BodyChanged, MailSignatureResults.NoKey, MailSignatureResults.KeyUnavailable], results);
        Assert.DoesNotContain(SampleMailSignatures.KeyName(publishedSelector), KeyNameServer.Instance.Asked); // a body that is not the one signed needs no key
        Assert.Contains(SampleMailSignatures.KeyName(silentSelector), KeyNameServer.Instance.Asked);
        Assert.Equal(3, (await vault.ListItemsAsync()).Count);

        // The report gathers the signing domain across the case's mails, with each result its check found.
        var bag = await vault.DownloadBagAsync(_folder);
        var html = await File.ReadAllTextAsync(Path.Combine(bag, "data", "report.html"));
        Assert.Contains("<h2>邮件的签名域名 / Domains that signed the e-mails</h2>", html, StringComparison.Ordinal);
        Assert.Contains($"<tr><td><code>{SampleMailSignatures.Domain}</code></td><td>body-changed, key-unavailable, no-key</td><td>1, 2, 3</td><td>1</td></tr>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_phishing_mail_forwarded_to_the_lawyer_as_an_attachment_keeps_its_own_signature_which_the_verifier_checks_again_in_the_zip()
    {
        using var vault = await app.CreateCaseAsync();
        var selector = PublishedSelector();
        var phishing = await SampleMailSignatures.SignedPhishingAsync(Path.Combine(_folder, "phishing.eml"), _key, "simple/simple", selector: selector);

        var item = await vault.UploadNewItemAsync(SampleMessages.Forwarded(Path.Combine(_folder, "forward.eml"), phishing));

        Assert.Null(item.Message?.Signatures); // the victim's own forward is not signed
        var forwarded = Assert.Single(item.Message?.Forwarded ?? []);
        Assert.Equal((SampleMessages.From, MailSignatureResults.Pass), (forwarded.From, Assert.Single(forwarded.Signatures ?? []).Result));
        await FileStatementAssert.IndexedAndChainedAsync(vault, item, item.Message, i => i.Message, MessageDetails.From);

        // The report and items.csv state the forwarded mail's signature beside its header.
        var checkedBag = await vault.DownloadBagAsync(Directory.CreateDirectory(Path.Combine(_folder, "bag")).FullName);
        var html = await File.ReadAllTextAsync(Path.Combine(checkedBag, "data", "report.html"));
        Assert.Contains($" · DKIM 签名（入库时核对）DKIM signatures, checked on receipt: <code>{SampleMailSignatures.Domain}</code> (s={selector}, rsa-sha256, 签名于 signed ", html, StringComparison.Ordinal);
        var row = Assert.Single(ItemsCsvFile.Read(Path.Combine(checkedBag, "data", "items.csv")));
        Assert.EndsWith($" · dkim {SampleMailSignatures.Domain} s={selector} rsa-sha256 pass", row["message_forwarded"], StringComparison.Ordinal);
        Assert.Equal(string.Empty, row["message_signatures"]);

        // A forger changes a signed field of the forwarded mail in the bundle and makes the catalog and manifests agree:
        // the verifier's own check of that mail's signature, inside the forward, says it no longer holds — on the
        // unpacked bag and on the ZIP a lawyer is handed, whose entries cannot be read again in place.
        var zip = await vault.DownloadBundleAsync(_folder);
        Assert.True((await EvidenceVault.Bundles.BagVerifier.VerifyAsync(zip)).Intact);
        var unpacked = Directory.CreateDirectory(Path.Combine(_folder, "forged")).FullName;
        System.IO.Compression.ZipFile.ExtractToDirectory(zip, unpacked);
        var bag = Directory.GetDirectories(unpacked).Single();
        ForgeSignedMessageId(bag, EvidenceVault.Bundles.EvidenceBundleWriter.EvidencePath(item));
        var forgedZip = Path.Combine(_folder, "forged.zip");
        System.IO.Compression.ZipFile.CreateFromDirectory(unpacked, forgedZip);

        foreach (var location in new[] { bag, forgedZip })
        {
            var report = await EvidenceVault.Bundles.BagVerifier.VerifyAsync(location);
            var finding = Assert.Single(report.Findings, f => f.Code == EvidenceVault.Bundles.BagFindingCodes.MailSignatureInvalid);
            Assert.Contains($"(s={selector}) on forwarded mail 1 the vault found passing does not hold offline with the key kept for it: fail", finding.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_mail_its_domain_signed_with_both_rsa_and_ed25519_passes_under_each_and_the_verifier_checks_both_again_offline()
    {
        using var vault = await app.CreateCaseAsync();
        var rsaSelector = PublishedSelector();
        var ed25519Selector = NewSelector();
        var ed25519 = SampleMailSignatures.NewEd25519Key();
        KeyNameServer.Instance.Publish(SampleMailSignatures.KeyName(ed25519Selector), SampleMailSignatures.KeyRecord(ed25519));
        var mail = await SampleMailSignatures.SignedPhishingAsync(Path.Combine(_folder, "dual.eml"), _key, selector: rsaSelector);
        await SampleMailSignatures.SignAsync(mail, ed25519, selector: ed25519Selector);

        var item = await vault.UploadNewItemAsync(mail);

        Assert.Equal(
            [(ed25519Selector, "ed25519-sha256", MailSignatureResults.Pass, SampleMailSignatures.KeyRecord(ed25519)), (rsaSelector, "rsa-sha256", MailSignatureResults.Pass, SampleMailSignatures.KeyRecord(_key))],
            (item.Message?.Signatures ?? []).Select(signature => (signature.Selector, signature.Algorithm, signature.Result, signature.Key)));

        // The guide's dkimpy command checks each signature by its place, with the key kept for it.
        var bag = await vault.DownloadBagAsync(_folder);
        var file = EvidenceVault.Bundles.EvidenceBundleWriter.EvidencePath(item);
        Assert.True((await EvidenceVault.Bundles.BagVerifier.VerifyAsync(bag)).Intact);
        await SampleMailSignatures.EnsureDkimpyAsync();
        foreach (var (place, signature) in item.Message!.Signatures!.Index())
        {
            var check = await ExpertTools.RunGuideCommandAsync(bag, "python3 -c 'import dkim,", file, new Dictionary<string, string> { ["<key>"] = signature.Key!, ["<n>"] = $"{place}" }, path: "/usr/bin");
            Assert.Equal("True", check.Trim());
        }

        // A forged signed field: the verifier's offline check finds that neither signature holds.
        ForgeSignedMessageId(bag, file);

        var report = await EvidenceVault.Bundles.BagVerifier.VerifyAsync(bag);

        Assert.Equal(
            [$"(s={ed25519Selector}) on the mail the vault found passing does not hold offline with the key kept for it: fail", $"(s={rsaSelector}) on the mail the vault found passing does not hold offline with the key kept for it: fail"],
            report.Findings.Where(f => f.Code == EvidenceVault.Bundles.BagFindingCodes.MailSignatureInvalid).Select(f => f.Message[f.Message.IndexOf("(s=", StringComparison.Ordinal)..]));
    }

    /// <summary>
    /// What a careful forger does to the phishing mail in an unpacked bag: changes its signed <c>Message-ID</c> by one
    /// character, then makes the catalog's SHA-256 and the manifests agree again.
    /// </summary>
    private static void ForgeSignedMessageId(string bag, string file)
    {
        string Sha256() => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(bag, file))));
        var before = Sha256();
        BagForgery.Replace(bag, file, "5f3a@refund-center.example>", "5f3b@refund-center.example>");
        BagForgery.Replace(bag, "data/items.json", before, Sha256());
        BagForgery.RehashManifests(bag, file);
        BagForgery.RehashManifests(bag, "data/items.json");
    }

    /// <summary>A selector of this test's own under which the tests' name server publishes the test's key.</summary>
    private string PublishedSelector()
    {
        var selector = NewSelector();
        KeyNameServer.Instance.Publish(SampleMailSignatures.KeyName(selector), SampleMailSignatures.KeyRecord(_key));
        return selector;
    }

    /// <summary>A selector of this test's own, so that no other test publishes under its name.</summary>
    private static string NewSelector() => "t" + Guid.NewGuid().ToString("N")[..12];
}
