using System.Security.Cryptography;
using EvidenceVault.Api.Receipts;
using EvidenceVault.Api.Tests.Infrastructure;
using EvidenceVault.Evidence;
using EvidenceVault.Receipts;
using EvidenceVault.Serialization;
using EvidenceVault.Testing;
using Microsoft.AspNetCore.WebUtilities;

namespace EvidenceVault.Api.Tests.Timestamps;

/// <summary>Receipts and the development authority, as a victim and a court expert meet them.</summary>
[Collection(VaultOnAzurite.Name)]
public sealed class ReceiptTests(VaultApp app) : IClassFixture<VaultApp>
{
    [Fact]
    public async Task UploadReceipt_VerifiesWithTheKeyPublishedAsJwks()
    {
        using var vault = await app.CreateCaseAsync();
        var item = await vault.UploadItemAsync("screenshot-refund-page.heic");

        using var anonymous = app.CreateClient();
        var jwks = await anonymous.GetFromJsonAsync<JsonWebKeySet>("/.well-known/evidencevault/keys", VaultJson.Compact);
        var jwk = Assert.Single(jwks!.Keys);
        using var key = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = WebEncoders.Base64UrlDecode(jwk.X), Y = WebEncoders.Base64UrlDecode(jwk.Y) },
        });

        var receipt = item.Receipt!;
        Assert.Equal(jwk.Kid, receipt.KeyId);
        Assert.Equal(("EC", "P-256", "ES256"), (jwk.Kty, jwk.Crv, jwk.Alg));
        Assert.True(ReceiptSignatures.Verify(key, receipt.Document!.ToBytes(), Convert.FromBase64String(receipt.Signature!)));
        Assert.Equal((item.CaseId, item.ItemId, item.Sha256, item.Size), (receipt.Document.CaseId, receipt.Document.ItemId, receipt.Document.Sha256, receipt.Document.Size));
        Assert.Equal(TimestampStatuses.Granted, receipt.Document.Timestamp.Status);

        // The stored bytes are exactly what was signed, and GET …/receipt returns the same statement.
        var stored = (await app.Container.GetBlobClient($"cases/{vault.CaseId}/items/{item.ItemId}/receipts/001.json").DownloadContentAsync()).Value.Content.ToArray();
        Assert.True(ReceiptSignatures.Verify(key, stored, Convert.FromBase64String(receipt.Signature!)));
        var fetched = await vault.Client.GetFromJsonAsync<ItemReceipt>($"/api/cases/{vault.CaseId}/items/{item.ItemId}/receipt", VaultJson.Compact);
        Assert.Equal(receipt.Signature, fetched!.Signature);
        Assert.Equal(receipt.Document.ToBytes(), fetched.Document!.ToBytes());

        // A single changed byte does not verify.
        stored[^3] ^= 1;
        Assert.False(ReceiptSignatures.Verify(key, stored, Convert.FromBase64String(receipt.Signature!)));
    }

    [Fact]
    public async Task Receipt_ChangingACustodyClaimOrTheKey_BreaksTheSignature()
    {
        using var vault = await app.CreateCaseAsync();
        var item = await vault.UploadItemAsync("call-recording.mp3");
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var keys = await app.CreateClient().GetFromJsonAsync<JsonWebKeySet>("/.well-known/evidencevault/keys", VaultJson.Compact);
        using var vaultKey = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = WebEncoders.Base64UrlDecode(keys!.Keys[0].X), Y = WebEncoders.Base64UrlDecode(keys.Keys[0].Y) },
        });
        var signature = Convert.FromBase64String(item.Receipt!.Signature!);

        var forged = item.Receipt.Document! with { Size = item.Size + 1 };

        Assert.False(ReceiptSignatures.Verify(vaultKey, forged.ToBytes(), signature));
        Assert.False(ReceiptSignatures.Verify(otherKey, item.Receipt.Document!.ToBytes(), signature));
    }

    [Fact]
    public async Task Bundle_EveryTokenAndReceipt_VerifiesWithOpenssl()
    {
        using var vault = await app.CreateCaseAsync();
        foreach (var file in new[] { "screenshot-refund-page.png", "call-recording.wav", "page-snapshot-refund.pdf" })
        {
            await vault.UploadItemAsync(file);
        }

        var folder = Path.Combine(app.DataDirectory, vault.CaseId);
        using (var response = await vault.Client.GetAsync($"/api/cases/{vault.CaseId}/bundle"))
        {
            System.IO.Compression.ZipFile.ExtractToDirectory(await response.Content.ReadAsStreamAsync(), folder);
        }

        var bag = Directory.GetDirectories(folder).Single();
        var keyFile = Directory.GetFiles(Path.Combine(bag, "data", "certs"), "vault-receipt-key-*.pem").Single();
        var tokens = Directory.GetFiles(Path.Combine(bag, "data", "timestamps"));
        Assert.Equal(3, tokens.Length);
        foreach (var token in tokens)
        {
            var itemId = Path.GetFileNameWithoutExtension(token);
            var evidence = Directory.GetFiles(Path.Combine(bag, "data", "evidence"), itemId + ".*").Single();
            var ts = await ExternalTool.RunAsync("openssl", bag, "ts", "-verify", "-data", evidence, "-in", token, "-CAfile", "data/certs/tsa-roots.pem");
            var dgst = await ExternalTool.RunAsync("openssl", bag, "dgst", "-sha256", "-verify", keyFile, "-signature", $"data/receipts/{itemId}.json.sig", $"data/receipts/{itemId}.json");
            Assert.True(ts.ExitCode == 0 && ts.Output.Contains("Verification: OK", StringComparison.Ordinal), ts.Output);
            Assert.True(dgst.ExitCode == 0 && dgst.Output.Contains("Verified OK", StringComparison.Ordinal), dgst.Output);
        }

        // And the dev root in the bundle is the one the vault created in its data folder on first use.
        Assert.Equal(
            File.ReadAllText(Path.Combine(app.DataDirectory, "dev-tsa", "root.pem")).Trim(),
            File.ReadAllText(Path.Combine(bag, "data", "certs", "tsa-roots.pem")).Trim());
    }
}

/// <summary>After a key rotation old receipts keep verifying: the previous public key stays published.</summary>
[Collection(VaultOnAzurite.Name)]
public sealed class ReceiptKeyRotationTests(ReceiptKeyRotationTests.RotatedKeyVault app) : IClassFixture<ReceiptKeyRotationTests.RotatedKeyVault>
{
    public sealed class RotatedKeyVault : VaultApp
    {
        public ECDsa Previous { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        public ECDsa Current { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        /// <summary>Two keys before <see cref="Previous"/>, given as PEM text in one setting, as app settings in Azure carry them.</summary>
        public ECDsa[] Older { get; } = [ECDsa.Create(ECCurve.NamedCurves.nistP256), ECDsa.Create(ECCurve.NamedCurves.nistP256)];

        protected override IEnumerable<KeyValuePair<string, string?>> Settings()
        {
            var previousFile = Path.Combine(DataDirectory, "previous-receipt-key.pem");
            File.WriteAllText(previousFile, Previous.ExportSubjectPublicKeyInfoPem());
            return
            [
                new("EvidenceVault:Receipts:SigningKeyPem", Current.ExportPkcs8PrivateKeyPem()),
                new("EvidenceVault:Receipts:PreviousPublicKeyFiles:0", previousFile),
                new("EvidenceVault:Receipts:PreviousPublicKeysPem", string.Join("\n", Older.Select(key => key.ExportSubjectPublicKeyInfoPem()))),
            ];
        }
    }

    [Fact]
    public async Task Jwks_PublishesTheCurrentKeyFirstThenThePrevious_AndNewReceiptsUseTheCurrent()
    {
        using var vault = await app.CreateCaseAsync();

        var item = await vault.UploadItemAsync("screenshot-refund-page.webp");
        var jwks = await app.CreateClient().GetFromJsonAsync<JsonWebKeySet>("/.well-known/evidencevault/keys", VaultJson.Compact);

        Assert.Equal(
            [ReceiptSignatures.KeyId(app.Current), ReceiptSignatures.KeyId(app.Previous), .. app.Older.Select(ReceiptSignatures.KeyId)],
            jwks!.Keys.Select(k => k.Kid));
        Assert.Equal(ReceiptSignatures.KeyId(app.Current), item.Receipt!.KeyId);
        Assert.True(ReceiptSignatures.Verify(app.Current, item.Receipt.Document!.ToBytes(), Convert.FromBase64String(item.Receipt.Signature!)));

        // A receipt signed with the previous key (before the rotation) still verifies with what is published.
        var old = item.Receipt.Document with { KeyId = ReceiptSignatures.KeyId(app.Previous) };
        var published = jwks.Keys[1];
        using var previous = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = WebEncoders.Base64UrlDecode(published.X), Y = WebEncoders.Base64UrlDecode(published.Y) },
        });
        Assert.True(ReceiptSignatures.Verify(previous, old.ToBytes(), ReceiptSignatures.Sign(app.Previous, old.ToBytes())));
    }
}
