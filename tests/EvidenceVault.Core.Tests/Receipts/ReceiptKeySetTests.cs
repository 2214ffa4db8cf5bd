using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using EvidenceVault.Receipts;

namespace EvidenceVault.Core.Tests.Receipts;

public sealed class ReceiptKeySetTests
{
    [Fact]
    public void Parse_KeepsEachP256KeyUnderItsOwnId_AndPassesOverOthers()
    {
        using var first = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var second = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var forger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwks = JsonSerializer.Serialize(new
        {
            keys = new object[]
            {
                Jwk(first, ReceiptSignatures.KeyId(first)),
                new { kty = "RSA", n = "AQAB", e = "AQAB", kid = "rsa" },
                Jwk(forger, ReceiptSignatures.KeyId(first)),
                Jwk(second, ReceiptSignatures.KeyId(second)),
            },
        });

        var keys = ReceiptKeySet.Parse(jwks);

        Assert.Equal([ReceiptSignatures.KeyId(first), ReceiptSignatures.KeyId(second)], keys.Select(ReceiptSignatures.KeyId));
    }

    [Theory]
    [InlineData("-----BEGIN PUBLIC KEY-----")]
    [InlineData("{\"keys\": 3}")]
    [InlineData("{\"no-keys\": []}")]
    [InlineData("{\"keys\": [{\"kty\": \"EC\", \"crv\": \"P-256\", \"x\": \"!!\", \"y\": \"AA\", \"kid\": \"k\"}]}")]
    public void Parse_TextThatIsNoJwksOfEcKeys_IsRefusedAsSuch(string text)
    {
        var refused = Assert.Throws<FormatException>(() => ReceiptKeySet.Parse(text));

        Assert.StartsWith("not a JWKS of P-256 keys: ", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("  \n{\"keys\": []}", true)]
    [InlineData("-----BEGIN PUBLIC KEY-----\nMFkw…", false)]
    public void IsJwks_TellsAJsonObjectFromAPemFile(string text, bool jwks) =>
        Assert.Equal(jwks, ReceiptKeySet.IsJwks(text));

    private static object Jwk(ECDsa key, string keyId)
    {
        var point = key.ExportParameters(includePrivateParameters: false).Q;
        return new { kty = "EC", crv = "P-256", x = Base64Url.EncodeToString(point.X), y = Base64Url.EncodeToString(point.Y), kid = keyId };
    }
}
