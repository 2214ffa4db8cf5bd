using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using EvidenceVault.Hashing;
using EvidenceVault.Testing;
using EvidenceVault.Timestamps;

namespace EvidenceVault.Core.Tests.Timestamps;

/// <summary>The verifier against tokens from openssl's authority — not our own — and every way one can be bad.</summary>
public sealed class TimestampVerifierTests : IClassFixture<TimestampVerifierTests.Authorities>
{
    private static readonly Sha256Digest Evidence = Sha256Digest.Of("a screenshot of the fake refund page"u8);
    private readonly Authorities _authorities;

    public TimestampVerifierTests(Authorities authorities) => _authorities = authorities;

    public sealed class Authorities : IDisposable
    {
        public OpensslTimestampAuthority Valid { get; } = OpensslTimestampAuthority.Create("Verifier Test TSA");

        public OpensslTimestampAuthority Other { get; } = OpensslTimestampAuthority.Create("Other TSA");

        public OpensslTimestampAuthority Expired { get; } = OpensslTimestampAuthority.Create(
            "Expired TSA", new TsaCertificateProfile(DateTimeOffset.UtcNow.AddYears(-2), DateTimeOffset.UtcNow.AddDays(-1)));

        public void Dispose()
        {
            Valid.Dispose();
            Other.Dispose();
            Expired.Dispose();
        }
    }

    [Fact]
    public async Task Verify_OpensslToken_IsValidWithItsFacts()
    {
        var nonce = RandomNumberGenerator.GetBytes(16);
        var response = await _authorities.Valid.ReplyAsync(Query(Evidence, nonce));

        var check = TimestampVerifier.Verify(response, Evidence, [_authorities.Valid.Root], nonce);

        Assert.True(check.IsValid, check.Failure);
        Assert.Equal("CN=Verifier Test TSA, O=Test Authority", check.Facts!.Authority);
        Assert.Equal("CN=Verifier Test TSA Root, O=Test Authority", check.Facts.TrustedRoot);
        Assert.Equal("1.2.3.4.1", check.Facts.PolicyId);
        Assert.InRange(check.Facts.GenTime, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));
        Assert.Equal(Sha256Digest.Of(response).Hex, check.Facts.ResponseSha256);
    }

    [Theory]
    [InlineData(new byte[] { 0x00, 0x00, 0x12, 0x34 })]
    [InlineData(new byte[] { 0xFF, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07 })]
    public async Task Verify_NonceWithLeadingZerosOrHighBit_ComparesAsIntegers(byte[] nonce)
    {
        var response = await _authorities.Valid.ReplyAsync(Query(Evidence, nonce));

        Assert.True(TimestampVerifier.Verify(response, Evidence, [_authorities.Valid.Root], nonce).IsValid);
    }

    [Fact]
    public async Task Verify_TokenForOtherBytes_IsRejected()
    {
        var response = await _authorities.Valid.ReplyAsync(Query(Sha256Digest.Of("other"u8), null));

        AssertRejected(TimestampVerifier.Verify(response, Evidence, [_authorities.Valid.Root]), "another imprint");
    }

    [Fact]
    public async Task Verify_TokenWithAnotherNonce_IsRejected()
    {
        var response = await _authorities.Valid.ReplyAsync(Query(Evidence, RandomNumberGenerator.GetBytes(16)));

        AssertRejected(TimestampVerifier.Verify(response, Evidence, [_authorities.Valid.Root], RandomNumberGenerator.GetBytes(16)), "nonce");
    }

    [Fact]
    public async Task Verify_SignatureDamaged_IsRejected()
    {
        var response = await _authorities.Valid.ReplyAsync(Query(Evidence, null));
        response[^3] ^= 0x5A;

        AssertRejected(TimestampVerifier.Verify(response, Evidence, [_authorities.Valid.Root]), "signature does not match");
    }

    [Fact]
    public async Task Verify_SignedTstInfoChanged_IsRejected()
    {
        var response = await _authorities.Valid.ReplyAsync(Query(Evidence, null));
        var policyAt = response.AsSpan().IndexOf(Convert.FromHexString("06042A030401")); // policy OID 1.2.3.4.1 inside the signed TSTInfo
        Assert.True(policyAt > 0);
        response[policyAt + 5] ^= 0x01;

        Assert.False(TimestampVerifier.Verify(response, Evidence, [_authorities.Valid.Root]).IsValid);
    }

    [Fact]
    public async Task Verify_RootOfAnotherAuthority_DoesNotChain()
    {
        var response = await _authorities.Valid.ReplyAsync(Query(Evidence, null));

        AssertRejected(TimestampVerifier.Verify(response, Evidence, [_authorities.Other.Root]), "does not chain");
        AssertRejected(TimestampVerifier.Verify(response, Evidence, []), "does not chain");
    }

    [Fact]
    public async Task Verify_SignerExpiredBeforeGenTime_DoesNotChain()
    {
        var response = await _authorities.Expired.ReplyAsync(Query(Evidence, null));

        AssertRejected(TimestampVerifier.Verify(response, Evidence, [_authorities.Expired.Root]), "NotTimeValid");
    }


    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    public void Verify_StatusNotGranted_IsRejected(int status)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        using (writer.PushSequence())
        {
            writer.WriteInteger(status);
        }

        AssertRejected(TimestampVerifier.Verify(writer.Encode(), Evidence, [_authorities.Valid.Root]), "did not grant");
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0x30, 0x03, 0x02, 0x01 })]
    [InlineData(new byte[] { 0x04, 0x02, 0x01, 0x02 })]
    public void Verify_Garbage_IsRejected(byte[] response) =>
        AssertRejected(TimestampVerifier.Verify(response, Evidence, [_authorities.Valid.Root]), "not an RFC 3161");

    private static byte[] Query(Sha256Digest imprint, byte[]? nonce) =>
        Rfc3161TimestampRequest.CreateFromHash(Convert.FromHexString(imprint.Hex), HashAlgorithmName.SHA256, nonce: nonce, requestSignerCertificates: true).Encode();

    private static void AssertRejected(TimestampCheck check, string reason)
    {
        Assert.False(check.IsValid);
        Assert.Null(check.Facts);
        Assert.Contains(reason, check.Failure, StringComparison.Ordinal);
    }
}
