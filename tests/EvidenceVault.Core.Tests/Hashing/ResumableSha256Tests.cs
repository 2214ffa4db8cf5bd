using System.Security.Cryptography;
using EvidenceVault.Hashing;

namespace EvidenceVault.Core.Tests.Hashing;

public sealed class ResumableSha256Tests
{
    public static TheoryData<bool> Engines => new() { true, false };

    [Fact]
    public void The_native_engine_is_used_on_linux()
    {
        Assert.Equal(OperatingSystem.IsLinux(), OpenSslSha256.IsAvailable);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Known_answers_from_fips_180_4(bool native)
    {
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Hash(native, "abc"u8));
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Hash(native, []));
        Assert.Equal("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", Hash(native, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"u8));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Any_split_saved_and_restored_at_every_cut_gives_the_platform_digest(bool native)
    {
        var random = new Random(20261124);
        for (var round = 0; round < 40; round++)
        {
            var data = new byte[random.Next(0, 5000)];
            random.NextBytes(data);
            var hash = ResumableSha256.Create(native);
            var offset = 0;
            while (offset < data.Length)
            {
                var take = Math.Min(random.Next(0, 200), data.Length - offset);
                hash.Append(data.AsSpan(offset, take));
                offset += take;

                // Continue on either engine: the saved format is the same.
                var state = hash.SaveState();
                Assert.InRange(state.Length, 42, ResumableSha256.MaxStateSize);
                hash = ResumableSha256.Restore(state, preferNative: random.Next(2) == 0);
                Assert.Equal(offset, hash.Length);
            }

            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), hash.Finish().Hex);
        }
    }

    [Fact]
    public void Finish_leaves_the_hash_usable()
    {
        var hash = ResumableSha256.Create();
        hash.Append("ab"u8);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData("ab"u8)), hash.Finish().Hex);
        hash.Append("c"u8);
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", hash.Finish().Hex);
    }

    [Fact]
    public void A_large_stream_matches_the_platform_hash()
    {
        var data = RandomNumberGenerator.GetBytes(9 * 1024 * 1024 + 17);
        var hash = ResumableSha256.Create();
        hash.Append(data.AsSpan(0, 4 * 1024 * 1024 + 3));
        hash = ResumableSha256.Restore(hash.SaveState());
        hash.Append(data.AsSpan(4 * 1024 * 1024 + 3));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), hash.Finish().Hex);
    }

    [Theory]
    [InlineData("")]
    [InlineData("02")]
    [InlineData("01")]
    public void States_it_did_not_save_are_refused(string hex)
    {
        Assert.Throws<FormatException>(() => ResumableSha256.Restore(Convert.FromHexString(hex)));
    }

    [Fact]
    public void A_state_whose_pending_bytes_disagree_with_its_length_is_refused()
    {
        var hash = ResumableSha256.Create();
        hash.Append("abc"u8);
        var state = hash.SaveState();
        state[40]++; // length 4, but 3 pending bytes
        Assert.Throws<FormatException>(() => ResumableSha256.Restore(state));
    }

    private static string Hash(bool native, ReadOnlySpan<byte> data)
    {
        var hash = ResumableSha256.Create(native);
        hash.Append(data);
        return hash.Finish().Hex;
    }
}
