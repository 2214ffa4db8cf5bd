using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using EvidenceVault.Evidence;
using EvidenceVault.Testing;

namespace EvidenceVault.Core.Tests.Evidence;

/// <summary>
/// DKIM signatures checked as a saved e-mail is read: mails signed by dkimpy (a signer of its own) under each
/// canonicalization, then saved, changed, or checked against keys withdrawn, replaced or never published — each
/// result agreeing with dkimpy's own check of the same file.
/// </summary>
public sealed class MailSignatureReaderTests : IDisposable
{
    private static readonly string KeyName = SampleMailSignatures.KeyName();

    private static readonly EvidenceFormat Eml = EvidenceFormatDetector.Detect("Received: x\r\n\r\n"u8)!;

    private readonly string _folder = Directory.CreateTempSubdirectory("ev-dkim-").FullName;
    private readonly RSA _key = SampleMailSignatures.NewKey();

    public void Dispose()
    {
        _key.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Theory]
    [InlineData("relaxed/relaxed", "rsa-sha256")]
    [InlineData("simple/simple", "rsa-sha256")]
    [InlineData("relaxed/simple", "rsa-sha256")]
    [InlineData("simple/relaxed", "rsa-sha256")]
    public async Task ReadAsync_AMailAsItsDomainSignedIt_PassesWithTheKeyItPublished(string canonicalization, string algorithm)
    {
        var mail = await SampleMailSignatures.SignedPhishingAsync(Path.Combine(_folder, "signed.eml"), _key, canonicalization, algorithm);
        var published = SampleMailSignatures.KeyRecord(_key);
        var keys = new SampleMailSignatures.KeyTable(new Dictionary<string, string> { [KeyName] = published });
        var before = DateTimeOffset.UtcNow.AddMinutes(-5);

        var signature = Assert.Single(await ReadAsync(mail, keys) ?? []);

        Assert.Equal(MailSignatureResults.Pass, signature.Result);
        Assert.Equal(SampleMailSignatures.Domain, signature.Domain);
        Assert.Equal(SampleMailSignatures.Selector, signature.Selector);
        Assert.Equal(algorithm, signature.Algorithm);
        Assert.Equal(published, signature.Key); // the key as published, kept for when the domain replaces it
        Assert.Contains("from", signature.SignedHeaders!.Split(':'), StringComparer.OrdinalIgnoreCase);
        Assert.Contains("subject", signature.SignedHeaders!.Split(':'), StringComparer.OrdinalIgnoreCase);
        Assert.InRange(signature.SignedAt!.Value, before, DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Null(signature.BodyLength);
        Assert.Equal([KeyName], keys.Asked);
        Assert.Equal("True", (await SampleMailSignatures.DkimpyVerifyAsync(mail, published)).Output.Trim());
    }

    [Theory]
    [InlineData("relaxed/relaxed")]
    [InlineData("simple/simple")]
    public async Task ReadAsync_AMailSavedWithBareLineFeeds_PassesAsTheCrlfItTravelledWith(string canonicalization)
    {
        var mail = await SampleMailSignatures.SignedPhishingAsync(Path.Combine(_folder, "lf.eml"), _key, canonicalization);
        File.WriteAllText(mail, File.ReadAllText(mail, Encoding.Latin1).Replace("\r\n", "\n", StringComparison.Ordinal), Encoding.Latin1);

        var signature = Assert.Single(await ReadAsync(mail, Published()) ?? []);

        Assert.Equal(MailSignatureResults.Pass, signature.Result);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4093)]
    public async Task ReadAsync_InSmallPieces_GivesTheSameResult(int piece)
    {
        var mail = await SampleMailSignatures.SignedPhishingAsync(Path.Combine(_folder, "pieces.eml"), _key, "simple/relaxed");
        await using var trickle = new TricklingStream(File.ReadAllBytes(mail), piece);

        var signature = Assert.Single(await MailSignatureReader.ReadAsync(trickle, Published()) ?? []);

        Assert.Equal(MailSignatureResults.Pass, signature.Result);
    }

    [Fact]
    public async Task ReadAsync_FieldsAddedOnTheWayAndUnsignedFieldsChanged_StillPass()
    {
        var mail = await SampleMailSignatures.SignedPhishingAsync(Path.Combine(_folder, "forwarded.eml"), _key);
        var text = File.ReadAllText(mail, Encoding.Latin1);
        text = "X-Spam-Status: No, score=-0.1\r\nReceived: from relay.example.cn by mx.example.cn; Fri, 20 Nov 2026 22:03:21 +0800\r\n" +
               text.Replace("Delivered-To: victim@example.cn", "Delivered-To: archive@example.cn", StringComparison.Ordinal);
        File.WriteAllText(mail, text, Encoding.Latin1);

        var signature = Assert.Single(await ReadAsync(mail, Published()) ?? []);

        Assert.Equal(MailSignatureResults.Pass, signature.Result);
    }

    [Theory]
    [InlineData("Subject: 退款已完成", "True", MailSignatureResults.Pass)] // the signed Subject is the bottom-most one, still as signed
    [InlineData("From: service@bank.example", "False", MailSignatureResults.Fail)] // dkimpy signs From twice: a second one cannot be slipped in
    public async Task ReadAsync_ASecondFieldOfASignedNameAddedOnTop_IsJudgedByTheBottomMostAsSigned(string added, string dkimpy, string result)
    {
        var mail = await SampleMailSignatures.SignedPhishingAsync(Path.Combine(_folder, "added.eml"), _key);
        File.WriteAllText(mail, AsWritten(added) + File.ReadAllText(mail, Encoding.Latin1), Encoding.Latin1);

        var signature = Assert.Single(await ReadAsync(mail, Published()) ?? []);

        Assert.Equal(result, signature.Result);
        Assert.Equal(dkimpy, (await SampleMailSignatures.DkimpyVerifyAsync(mail, SampleMailSignatures.KeyRecord(_key))).Output.Trim());

        static string AsWritten(string field) => Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(field + "\r\n")); // the field's UTF-8 bytes, one Latin-1 character each
    }

    [Fact]
    public async Task ReadAsync_ABodyChangedAfterSigning_IsBodyChangedAndNoKeyIsAskedFor()
    {
        var mail = await SampleMailSignatures.SignedPhishingAsync(Path.Combine(_folder, "body.eml"), _key, "simple/simple");
        File.WriteAllText(mail, File.ReadAllText(mail, Encoding.Latin1).Replace("\r\n\r\n", "\r\n\r\n ", StringComparison.Ordinal), Encoding.Latin1); // a space before the body's first line
        var keys = Published();

        var signature = Assert.Single(await ReadAsync(mail, keys) ?? []);

        Assert.Equal(MailSignatureResults.BodyChanged, signature.Result);
        Assert.Empty(keys.Asked);
        Assert.Null(signature.Key);
        Assert.Equal("False", (await SampleMailSignatures.DkimpyVerifyAsync(mail, SampleMailSignatures.KeyRecord(_key))).Output.Trim());
    }

    [Fact]
    public async Task ReadAsync_TextAddedPastTheSignedBodyLength_PassesAndStatesHowMuchIsSigned()
    {
        var mail = Path.Combine(_folder, "length.eml");
        SampleMessages.Phishing(mail);
        await SampleMailSignatures.SignAsync(mail, _key, "relaxed/relaxed", bodyLength: true);
        var signedLength = Assert.Single(await ReadAsync(mail, Published()) ?? []).BodyLength;
        File.AppendAllText(mail, "\r\n--\r\n请勿回复\r\n", Encoding.UTF8);

        var signature = Assert.Single(await ReadAsync(mail, Published()) ?? []);

        Assert.Equal(MailSignatureResults.Pass, signature.Result);
        Assert.NotNull(signedLength);
        Assert.Equal(signedLength, signature.BodyLength);
    }

    [Fact]
    public async Task ReadAsync_ASignedFieldChanged_Fails()
    {
        var mail = await SampleMailSignatures.SignedPhishingAsync(Path.Combine(_folder, "subject.eml"), _key);
        File.WriteAllText(mail, File.ReadAllText(mail, Encoding.Latin1).Replace("Message-ID: <", "Message-ID: <x", StringComparison.Ordinal), Encoding.Latin1);

        var signature = Assert.Single(await ReadAsync(mail, Published()) ?? []);

        Assert.Equal(MailSignatureResults.Fail, signature.Result);
        Assert.Equal(SampleMailSignatures.KeyRecord(_key), signature.Key);
        Assert.Equal("False", (await SampleMailSignatures.DkimpyVerifyAsync(mail, SampleMailSignatures.KeyRecord(_key))).Output.Trim());
    }

    [Fact]
    public async Task ReadAsync_AgainstAnotherKeyThanTheOneThatSigned_Fails()
    {
        var mail = await SampleMailSignatures.SignedPhishingAsync(Path.Combine(_folder, "replaced.eml"), _key);
        using var replacement = SampleMailSignatures.NewKey();

        var signature = Assert.Single(await ReadAsync(mail, Published(SampleMailSignatures.KeyRecord(replacement))) ?? []);

        Assert.Equal(MailSignatureResults.Fail, signature.Result);
        Assert.Equal(SampleMailSignatures.KeyRecord(replacement), signature.Key);
    }

    [Theory]
    [InlineData(null)] // never published, or gone
    [InlineData("v=DKIM1; k=rsa; p=")] // withdrawn
    [InlineData("v=DKIM1; k=rsa; p=bm90IGEga2V5")] // not a key
    [InlineData("v=spf1 -all")] // not a key record
    public async Task ReadAsync_NoUsableKeyPublished_IsNoKey(string? record)
    {
        var mail = await SampleMailSignatures.SignedPhishingAsync(Path.Combine(_folder, "nokey.eml"), _key);

        var signature = Assert.Single(await ReadAsync(mail, Published(record)) ?? []);

        Assert.Equal(MailSignatureResults.NoKey, signature.Result);
        Assert.Equal(record, signature.Key);
    }

    [Theory]
    [InlineData("relaxed/relaxed")]
    [InlineData("simple/simple")]
    public async Task ReadAsync_AnEd25519SignatureAsItsDomainSignedIt_PassesWithTheKeyItPublished(string canonicalization)
    {
        var mail = Path.Combine(_folder, "ed25519.eml");
        SampleMessages.Phishing(mail);
        var key = SampleMailSignatures.NewEd25519Key();
        await SampleMailSignatures.SignAsync(mail, key, canonicalization);
        var published = SampleMailSignatures.KeyRecord(key);

        var signature = Assert.Single(await ReadAsync(mail, Published(published)) ?? []);

        Assert.Equal(MailSignatureResults.Pass, signature.Result);
        Assert.Equal("ed25519-sha256", signature.Algorithm);
        Assert.Equal(published, signature.Key);
        Assert.Equal("True", (await SampleMailSignatures.DkimpyVerifyAsync(mail, published)).Output.Trim());
    }

    [Fact]
    public async Task ReadAsync_AnEd25519SignedFieldChangedOrAnotherEd25519Key_Fails()
    {
        var mail = Path.Combine(_folder, "ed25519-changed.eml");
        SampleMessages.Phishing(mail);
        var key = SampleMailSignatures.NewEd25519Key();
        await SampleMailSignatures.SignAsync(mail, key);
        var replaced = Assert.Single(await ReadAsync(mail, Published(SampleMailSignatures.KeyRecord(SampleMailSignatures.NewEd25519Key()))) ?? []);
        File.WriteAllText(mail, File.ReadAllText(mail, Encoding.Latin1).Replace("Message-ID: <", "Message-ID: <x", StringComparison.Ordinal), Encoding.Latin1);

        var changed = Assert.Single(await ReadAsync(mail, Published(SampleMailSignatures.KeyRecord(key))) ?? []);

        Assert.Equal(MailSignatureResults.Fail, replaced.Result);
        Assert.Equal(MailSignatureResults.Fail, changed.Result);
        Assert.Equal("False", (await SampleMailSignatures.DkimpyVerifyAsync(mail, SampleMailSignatures.KeyRecord(key))).Output.Trim());
    }

    [Fact]
    public async Task ReadAsync_AMailSignedWithBothRsaAndEd25519_PassesUnderEach()
    {
        // RFC 8463 asks a domain that signs with Ed25519 to sign with RSA too, under a selector of each.
        var mail = await SampleMailSignatures.SignedPhishingAsync(Path.Combine(_folder, "dual.eml"), _key);
        var key = SampleMailSignatures.NewEd25519Key();
        await SampleMailSignatures.SignAsync(mail, key, selector: "ed2026");
        var keys = new SampleMailSignatures.KeyTable(new Dictionary<string, string>
        {
            [KeyName] = SampleMailSignatures.KeyRecord(_key),
            [SampleMailSignatures.KeyName("ed2026")] = SampleMailSignatures.KeyRecord(key),
        });

        var signatures = await ReadAsync(mail, keys) ?? [];

        Assert.Equal(["ed25519-sha256", "rsa-sha256"], signatures.Select(signature => signature.Algorithm));
        Assert.All(signatures, signature => Assert.Equal(MailSignatureResults.Pass, signature.Result));
        Assert.Equal([SampleMailSignatures.KeyName("ed2026"), KeyName], keys.Asked);
    }

    [Fact]
    public async Task ReadAsync_AKeyOfAnotherTypeThanTheSignature_Fails()
    {
        // RFC 6376 6.1.3: an Ed25519 key cannot have made an RSA signature, nor an RSA key an Ed25519 one.
        var mail = await SampleMailSignatures.SignedPhishingAsync(Path.Combine(_folder, "ed.eml"), _key);
        var ed25519 = SampleMailSignatures.KeyRecord(SampleMailSignatures.NewEd25519Key());

        var signature = Assert.Single(await ReadAsync(mail, Published(ed25519)) ?? []);

        Assert.Equal(MailSignatureResults.Fail, signature.Result);
        Assert.Equal(ed25519, signature.Key);
        Assert.NotEqual("True", (await SampleMailSignatures.DkimpyVerifyAsync(mail, ed25519)).Output.Trim()); // dkimpy raises: an RSA signature is no Ed25519 one
    }

    [Theory]
    [InlineData("v=DKIM1; k=ed25519; p=bm90IGEga2V5")] // not 32 bytes
    [InlineData("v=DKIM1; k=ed25519; p=")] // withdrawn
    public async Task ReadAsync_NoUsableEd25519KeyPublished_IsNoKey(string record)
    {
        var mail = Path.Combine(_folder, "ed25519-nokey.eml");
        SampleMessages.Phishing(mail);
        await SampleMailSignatures.SignAsync(mail, SampleMailSignatures.NewEd25519Key());

        var signature = Assert.Single(await ReadAsync(mail, Published(record)) ?? []);

        Assert.Equal(MailSignatureResults.NoKey, signature.Result);
    }

    [Fact]
    public async Task ReadAsync_AKeyTypeNotDefined_IsUnsupported()
    {
        var mail = await SampleMailSignatures.SignedPhishingAsync(Path.Combine(_folder, "dsa.eml"), _key);

        var signature = Assert.Single(await ReadAsync(mail, Published("v=DKIM1; k=dsa; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=")) ?? []);

        Assert.Equal(MailSignatureResults.Unsupported, signature.Result);
    }

    [Fact]
    public async Task ReadAsync_AnRsaSha1Signature_IsUnsupportedThoughItVerifies()
    {
        // RFC 8301: SHA-1 signatures can be forged, so a verifier must not state one as holding — even one that does.
        var mail = await SampleMailSignatures.SignedPhishingAsync(Path.Combine(_folder, "sha1.eml"), _key, "simple/relaxed", "rsa-sha1");
        var keys = Published();

        var signature = Assert.Single(await ReadAsync(mail, keys) ?? []);

        Assert.Equal(MailSignatureResults.Unsupported, signature.Result);
        Assert.Equal("rsa-sha1", signature.Algorithm);
        Assert.Null(signature.Key);
        Assert.Empty(keys.Asked);
        Assert.Equal("True", (await SampleMailSignatures.DkimpyVerifyAsync(mail, SampleMailSignatures.KeyRecord(_key))).Output.Trim());
    }

    [Fact]
    public async Task ReadAsync_TheNameServiceDoesNotAnswer_IsKeyUnavailable()
    {
        var mail = await SampleMailSignatures.SignedPhishingAsync(Path.Combine(_folder, "down.eml"), _key);

        var signature = Assert.Single(await ReadAsync(mail, new Unanswered()) ?? []);

        Assert.Equal(MailSignatureResults.KeyUnavailable, signature.Result);
        Assert.Null(signature.Key);
    }

    [Theory]
    [InlineData("bh=", "xh=", MailSignatureResults.Malformed)] // no body hash
    [InlineData(@"h=[^;]*;", "h=to : subject : date;", MailSignatureResults.Malformed)] // From not signed
    [InlineData("v=1", "v=2", MailSignatureResults.Malformed)]
    [InlineData("i=@refund-center.example", "i=@bank.example", MailSignatureResults.Malformed)] // an identity outside the signing domain
    [InlineData("d=refund-center.example", "d=refund center.example", MailSignatureResults.Malformed)] // no name to ask about
    [InlineData("a=rsa-sha256", "a=rsa-sha512", MailSignatureResults.Unsupported)] // no such algorithm
    [InlineData("c=relaxed/relaxed", "c=nowsp/relaxed", MailSignatureResults.Unsupported)]
    public async Task ReadAsync_ASignatureThatCannotBeChecked_SaysWhy(string tag, string replacement, string result)
    {
        var mail = await SampleMailSignatures.SignedPhishingAsync(Path.Combine(_folder, "odd.eml"), _key);
        var text = File.ReadAllText(mail, Encoding.Latin1);
        Assert.Matches(tag, text);
        File.WriteAllText(mail, new Regex(tag).Replace(text, replacement, 1), Encoding.Latin1);
        var keys = Published();

        var signature = Assert.Single(await ReadAsync(mail, keys) ?? []);

        Assert.Equal(result, signature.Result);
        Assert.Empty(keys.Asked);
    }

    [Fact]
    public async Task ReadAsync_TwoSignatures_ChecksEachTopmostFirst()
    {
        var mail = await SampleMailSignatures.SignedPhishingAsync(Path.Combine(_folder, "two.eml"), _key, "simple/simple");
        using var provider = SampleMailSignatures.NewKey();
        await SampleMailSignatures.SignAsync(mail, provider, "relaxed/relaxed"); // a second signature, by the same selector and a key not published

        var signatures = await ReadAsync(mail, Published()) ?? [];

        Assert.Equal([MailSignatureResults.Fail, MailSignatureResults.Pass], signatures.Select(signature => signature.Result));
    }

    [Fact]
    public async Task ReadAsync_AMailLongerThanWhatIsRead_IsUncheckedAndNoKeyIsAskedFor()
    {
        var mail = await SampleMailSignatures.SignedPhishingAsync(Path.Combine(_folder, "long.eml"), _key);
        await using (var file = new FileStream(mail, FileMode.Append))
        {
            var line = Encoding.ASCII.GetBytes(new string('A', 76) + "\r\n");
            for (long written = 0; written <= MailSignatureReader.MaxMessageBytes; written += line.Length)
            {
                file.Write(line);
            }
        }

        var keys = Published();

        var signature = Assert.Single(await ReadAsync(mail, keys) ?? []);

        Assert.Equal(MailSignatureResults.Unchecked, signature.Result);
        Assert.Empty(keys.Asked);
    }

    [Theory]
    [InlineData("simple/simple")]
    [InlineData("relaxed/relaxed")]
    public async Task A_phishing_mail_forwarded_as_an_attachment_has_its_own_signature_checked_on_its_bytes_inside_the_forward(string canonicalization)
    {
        var phishing = await SampleMailSignatures.SignedPhishingAsync(Path.Combine(_folder, "phishing.eml"), _key, canonicalization);
        var forward = SampleMessages.Forwarded(Path.Combine(_folder, "forward.eml"), phishing);

        var info = await ReadMailAsync(forward, Published());

        Assert.Null(info?.Signatures); // the victim's own forward is not signed
        var signature = Assert.Single(Assert.Single(info?.Forwarded ?? []).Signatures ?? []);
        Assert.Equal((MailSignatureResults.Pass, SampleMailSignatures.Domain, SampleMailSignatures.KeyRecord(_key)), (signature.Result, signature.Domain, signature.Key));
        Assert.Equal(SampleMessages.From, info?.Forwarded?[0].From);

        // A signed field of the forwarded mail changed: its signature no longer holds, the forward's own fields unchanged.
        File.WriteAllText(forward, File.ReadAllText(forward).Replace("5f3a@refund-center", "5f3b@refund-center", StringComparison.Ordinal));
        var changed = await ReadMailAsync(forward, Published());
        Assert.Equal(MailSignatureResults.Fail, Assert.Single(Assert.Single(changed?.Forwarded ?? []).Signatures ?? []).Result);
    }

    [Fact]
    public async Task A_name_service_that_does_not_answer_is_asked_once_per_message_not_once_per_signature()
    {
        var phishing = await SampleMailSignatures.SignedPhishingAsync(Path.Combine(_folder, "twice.eml"), _key, selector: "first");
        await SampleMailSignatures.SignAsync(phishing, _key, selector: "second");
        var forward = SampleMessages.Forwarded(Path.Combine(_folder, "forward-twice.eml"), phishing);
        var down = new Unanswered();

        var info = await ReadMailAsync(forward, down);

        Assert.Equal([MailSignatureResults.KeyUnavailable, MailSignatureResults.KeyUnavailable], Assert.Single(info?.Forwarded ?? []).Signatures?.Select(signature => signature.Result));
        Assert.Equal(1, down.Asked);
    }

    [Fact]
    public async Task A_signed_mail_read_without_a_key_directory_states_no_signatures()
    {
        var mail = await SampleMailSignatures.SignedPhishingAsync(Path.Combine(_folder, "unchecked.eml"), _key);

        Assert.Equal(SampleMessages.Stated(MessageSources.Eml), await ReadMailAsync(mail, null));
        Assert.NotNull((await ReadMailAsync(mail, Published()))?.Signatures);
    }

    [Fact]
    public async Task ReadAsync_AnUnsignedMail_StatesNone()
    {
        var mail = SampleMessages.Phishing(Path.Combine(_folder, "plain.eml"));
        var keys = Published();

        Assert.Null(await ReadAsync(mail, keys));
        Assert.Empty(keys.Asked);
    }

    private SampleMailSignatures.KeyTable Published(string? record = "") =>
        new(record is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [KeyName] = record.Length == 0 ? SampleMailSignatures.KeyRecord(_key) : record });

    private static async Task<IReadOnlyList<MailSignature>?> ReadAsync(string path, IMailKeyDirectory keys)
    {
        await using var content = File.OpenRead(path);
        return await MailSignatureReader.ReadAsync(content, keys);
    }

    private static async Task<MessageInfo?> ReadMailAsync(string path, IMailKeyDirectory? keys)
    {
        await using var content = File.OpenRead(path);
        return await MessageInfoReader.ReadAsync(content, Eml, keys);
    }

    /// <summary>A name service that does not answer, counting the questions put to it.</summary>
    private sealed class Unanswered : IMailKeyDirectory
    {
        public int Asked { get; private set; }

        public Task<MailKeyAnswer> FindAsync(string selector, string domain, CancellationToken cancellationToken)
        {
            Asked++;
            return Task.FromResult(MailKeyAnswer.Unavailable);
        }
    }
}
