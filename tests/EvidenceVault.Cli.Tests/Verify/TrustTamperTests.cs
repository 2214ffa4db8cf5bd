using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using EvidenceVault.Bundles;
using EvidenceVault.Cli.Verify;
using EvidenceVault.Receipts;
using EvidenceVault.Testing;

namespace EvidenceVault.Cli.Tests.Verify;

/// <summary>Timestamps and receipts in a bundle: each tampered one is named; the expert's own roots and keys are honoured.</summary>
public sealed class TrustTamperTests
{
    [Fact]
    public async Task Verify_IntactBundle_ReportsEveryTimestampAndReceipt()
    {
        using var bundle = await BundleFolder.CreateAsync();

        var report = await BagVerifier.VerifyAsync(bundle.Zip);
        var (exit, output) = await RunAsync(bundle.Zip);

        Assert.True(report.Intact, string.Join("\n", report.Findings));
        Assert.All(report.Items, i =>
        {
            Assert.Equal("CN=Test TSA, O=Test Authority", i.TimestampAuthority);
            Assert.NotNull(i.TimestampTime);
            Assert.NotNull(i.ReceiptKeyId);
        });
        Assert.Equal(VerifyCommand.Intact, exit);
        Assert.Contains("by CN=Test TSA, O=Test Authority", output, StringComparison.Ordinal);
        Assert.Contains("完好 INTACT：", output, StringComparison.Ordinal);
        Assert.Contains("and the report, the spreadsheet and the guide say what the catalog says.", output, StringComparison.Ordinal);
        Assert.Contains("timestamp roots: 证据包内 from the bundle; 回执公钥 receipt keys: 证据包内 from the bundle", output, StringComparison.Ordinal);
        Assert.Contains("注意 Note: 时间戳根证书与回执公钥取自证据包本身", output, StringComparison.Ordinal);
        Assert.Contains("The timestamp roots and receipt keys came from the bundle itself", output, StringComparison.Ordinal);
        var (_, rootSupplied) = await RunAsync(bundle.Zip, tsaRoots: [bundle.TsaRoot]);
        Assert.Contains("注意 Note: 回执公钥取自证据包本身", rootSupplied, StringComparison.Ordinal);
        Assert.Contains("The receipt keys came from the bundle itself", rootSupplied, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_TimestampTokenByteFlippedAndRehashed_TokenIsRejected()
    {
        using var bundle = await BundleFolder.CreateAsync();
        var token = Directory.GetFiles(bundle.PathOf("data/timestamps")).Order(StringComparer.Ordinal).First();
        BundleFolder.FlipByte(token, new FileInfo(token).Length - 3);
        bundle.RehashManifests(bundle.Relative(token));

        var finding = Assert.Single((await BagVerifier.VerifyAsync(bundle.Bag)).Findings);

        Assert.Equal(BagFindingCodes.TimestampInvalid, finding.Code);
        Assert.Equal(bundle.Relative(token), finding.Path);
    }

    [Theory]
    [InlineData("\"authority\": \"CN=Test TSA, O=Test Authority\"", "\"authority\": \"CN=DigiCert SHA256 RSA4096 Timestamp Responder 2025 1, O=DigiCert\"")]
    [InlineData("\"policyId\": \"1.2.3.4.1\"", "\"policyId\": \"2.16.840.1.114412.7.1\"")]
    public async Task Verify_TimestampAuthorityOrPolicyRenamedInTheCatalog_TheTokenSaysOtherwise(string from, string to)
    {
        // The report prints the authority's name from the catalog: a forger's better-known authority must not pass.
        using var bundle = await BundleFolder.CreateAsync();

        var findings = await BagForgery.RecatalogueAsync(bundle.Bag, from, to);

        Assert.Equal(3, findings.Count);
        Assert.All(findings, finding =>
        {
            Assert.Equal(BagFindingCodes.TimestampInvalid, finding.Code);
            Assert.EndsWith("by CN=Test TSA, O=Test Authority under policy 1.2.3.4.1; the catalog says otherwise", finding.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Verify_TimestampOfAnotherItemSwappedIn_ImprintMismatch()
    {
        using var bundle = await BundleFolder.CreateAsync();
        var tokens = Directory.GetFiles(bundle.PathOf("data/timestamps")).Order(StringComparer.Ordinal).ToList();
        File.Copy(tokens[1], tokens[0], overwrite: true);
        bundle.RehashManifests(bundle.Relative(tokens[0]));

        var report = await BagVerifier.VerifyAsync(bundle.Bag);

        Assert.Contains(report.Findings, f => f.Code == BagFindingCodes.TimestampInvalid && f.Path == bundle.Relative(tokens[0]) && f.Message.Contains("another imprint", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Verify_ReceiptEditedAndRehashed_SignatureFails()
    {
        using var bundle = await BundleFolder.CreateAsync();
        var receipt = Directory.GetFiles(bundle.PathOf("data/receipts"), "*.json").Order(StringComparer.Ordinal).First();
        bundle.Replace(bundle.Relative(receipt), "\"size\":", "\"size\": ");
        bundle.RehashManifests(bundle.Relative(receipt));

        var report = await BagVerifier.VerifyAsync(bundle.Bag);

        Assert.Contains(report.Findings, f => f.Code == BagFindingCodes.ReceiptInvalid && f.Path == bundle.Relative(receipt) && f.Message.Contains("signature does not verify", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Verify_EarlierItemTakenOutAndCustodyRechained_LaterReceiptsNameHeadsTheLogNoLongerHas()
    {
        using var bundle = await BundleFolder.CreateAsync();
        var catalog = (await BagVerifier.VerifyAsync(bundle.Bag)).Items;
        bundle.TakeOutItem(0);
        bundle.TakeOutLogProof();

        var report = await BagVerifier.VerifyAsync(bundle.Bag);

        var receipts = report.Findings.Where(finding => finding.Code == BagFindingCodes.ReceiptInvalid).ToList();
        Assert.Equal([$"data/receipts/{catalog[1].ItemId}.json", $"data/receipts/{catalog[2].ItemId}.json"], receipts.Select(finding => finding.Path));
        Assert.Contains("the receipt was signed when the custody log ended at line 7 (", receipts[0].Message, StringComparison.Ordinal);
        Assert.Contains("which is not a line of the bundle's custody log", receipts[1].Message, StringComparison.Ordinal);
        Assert.Equal(BagFindingCodes.LogProofInvalid, Assert.Single(report.Findings.Except(receipts)).Code);
        Assert.All(report.Items, item => Assert.False(item.Intact));
    }

    [Fact]
    public async Task Verify_VaultKeySwappedForAnother_ReceiptsNoLongerVerify()
    {
        using var bundle = await BundleFolder.CreateAsync();
        var keyFile = Directory.GetFiles(bundle.PathOf("data/certs"), "vault-receipt-key-*.pem").Single();
        using var forger = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        File.WriteAllText(keyFile, forger.ExportSubjectPublicKeyInfoPem() + "\n");
        bundle.RehashManifests(bundle.Relative(keyFile));

        var report = await BagVerifier.VerifyAsync(bundle.Bag);

        Assert.Equal(3, report.Findings.Count(f => f.Code == BagFindingCodes.ReceiptInvalid && f.Message.Contains("not among the trusted vault keys", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Verify_WithAJwksOfAnotherKey_OrOfAnotherKeyUnderTheVaultsKeyId_TrustsNoReceipt()
    {
        using var bundle = await BundleFolder.CreateAsync();
        using var vaultKey = ECDsa.Create();
        vaultKey.ImportFromPem(File.ReadAllText(bundle.VaultKey));
        using var forger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var ownKeys = WriteJwks(bundle.PathOf("../vault-keys.json"), (vaultKey, ReceiptSignatures.KeyId(vaultKey)));
        var otherKeys = WriteJwks(bundle.PathOf("../other-keys.json"), (forger, ReceiptSignatures.KeyId(forger)));
        var misnamedKeys = WriteJwks(bundle.PathOf("../misnamed-keys.json"), (forger, ReceiptSignatures.KeyId(vaultKey)));

        var (ownExit, ownOutput) = await RunAsync(bundle.Zip, vaultKeys: [ownKeys]);
        var (otherExit, otherOutput) = await RunAsync(bundle.Zip, vaultKeys: [otherKeys]);
        var (misnamedExit, misnamedOutput) = await RunAsync(bundle.Zip, vaultKeys: [misnamedKeys]);

        Assert.True(ownExit == VerifyCommand.Intact, ownOutput);
        Assert.Contains("回执公钥 receipt keys: 由您提供 supplied by you", ownOutput, StringComparison.Ordinal);
        Assert.Equal(VerifyCommand.Tampered, otherExit);
        Assert.Equal(3, otherOutput.Split('\n').Count(line => line.Contains(": receipt-invalid（", StringComparison.Ordinal) && line.Contains("not among the trusted vault keys", StringComparison.Ordinal)));
        Assert.Equal(VerifyCommand.Unreadable, misnamedExit);
        Assert.Contains("misnamed-keys.json: the JWKS holds no P-256 key named by its own id", misnamedOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_TsaRootSwappedByAForger_SuppliedRootStillCatchesIt()
    {
        using var bundle = await BundleFolder.CreateAsync();
        using var forger = OpensslTimestampAuthority.Create("Forged TSA");
        File.WriteAllText(bundle.PathOf("data/certs/tsa-roots.pem"), forger.Root.ExportCertificatePem() + "\n");
        bundle.RehashManifests("data/certs/tsa-roots.pem");
        bundle.FixPayloadOxum();

        var withBundleRoots = await BagVerifier.VerifyAsync(bundle.Bag);
        var (exit, output) = await RunAsync(bundle.Bag, tsaRoots: [bundle.TsaRoot], vaultKeys: [bundle.VaultKey]);

        Assert.Equal(3, withBundleRoots.Findings.Count(f => f.Code == BagFindingCodes.TimestampInvalid && f.Message.Contains("does not chain", StringComparison.Ordinal)));
        Assert.True(exit == VerifyCommand.Intact, output);
        Assert.Contains("timestamp roots: 由您提供 supplied by you; 回执公钥 receipt keys: 由您提供 supplied by you", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Note:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_SuppliedRootOfAnotherAuthority_TimestampsDoNotChain()
    {
        using var bundle = await BundleFolder.CreateAsync();
        using var other = OpensslTimestampAuthority.Create("Other TSA");

        var (exit, output) = await RunAsync(bundle.Zip, tsaRoots: [other.RootPemPath]);

        Assert.Equal(VerifyCommand.Tampered, exit);
        Assert.Contains("timestamp-invalid", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpensslTsVerify_EveryTokenInTheBundle_PassesWithTheBundledRoot()
    {
        using var bundle = await BundleFolder.CreateAsync();
        foreach (var token in Directory.GetFiles(bundle.PathOf("data/timestamps")))
        {
            var itemId = Path.GetFileNameWithoutExtension(token);
            var evidence = Directory.GetFiles(bundle.PathOf("data/evidence"), itemId + ".*").Single();

            var result = await ExternalTool.RunAsync("openssl", bundle.Bag, "ts", "-verify", "-data", evidence, "-in", token, "-CAfile", bundle.PathOf("data/certs/tsa-roots.pem"));

            Assert.True(result.ExitCode == 0 && result.Output.Contains("Verification: OK", StringComparison.Ordinal), result.Output);
        }
    }

    [Fact]
    public async Task GuideCommand_PrintsTheBundledKeysId_TheKidTheVaultPublishes()
    {
        using var bundle = await BundleFolder.CreateAsync();
        var keyFile = Path.GetFileName(Directory.GetFiles(bundle.PathOf("data/certs"), "vault-receipt-key-*.pem").Single());
        var keyId = keyFile["vault-receipt-key-".Length..^".pem".Length];
        using var vaultKey = ECDsa.Create();
        vaultKey.ImportFromPem(File.ReadAllText(bundle.VaultKey));
        var command = File.ReadAllLines(bundle.PathOf(BagVerifier.GuidePath)).Single(line => line.StartsWith("openssl pkey -pubin ", StringComparison.Ordinal));

        var run = await ExternalTool.RunAsync("bash", bundle.Bag, "-c", command.Replace("<keyId>", keyId, StringComparison.Ordinal));

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Equal(ReceiptSignatures.KeyId(vaultKey), run.Output.Trim());
        Assert.Equal(keyId, run.Output.Trim());
    }

    /// <summary>A JWKS in the shape <c>/.well-known/evidencevault/keys</c> serves, each key under the id given.</summary>
    private static string WriteJwks(string path, params (ECDsa Key, string KeyId)[] keys)
    {
        File.WriteAllText(path, JsonSerializer.Serialize(new { keys = keys.Select(k => Jwk(k.Key.ExportParameters(includePrivateParameters: false).Q, k.KeyId)) }));
        return path;

        static object Jwk(ECPoint point, string keyId) =>
            new { kty = "EC", crv = "P-256", x = Base64Url.EncodeToString(point.X), y = Base64Url.EncodeToString(point.Y), kid = keyId, use = "sig", alg = "ES256" };
    }

    private static async Task<(int Exit, string Output)> RunAsync(string location, string[]? tsaRoots = null, string[]? vaultKeys = null)
    {
        using var output = new StringWriter();
        var exit = await VerifyCommand.RunAsync(location, json: false, output, CancellationToken.None, tsaRoots, vaultKeys);
        return (exit, output.ToString());
    }
}
