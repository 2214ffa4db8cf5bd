using EvidenceVault.Identifiers;
using Microsoft.Extensions.Time.Testing;

namespace EvidenceVault.Core.Tests.Identifiers;

public sealed class UlidTests
{
    [Fact]
    public void NewUlid_EncodesTheClockSoLaterIdsSortAfter()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 22, 39, 31, TimeSpan.Zero));
        var first = Ulid.NewUlid(clock);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var second = Ulid.NewUlid(clock);

        Assert.True(Ulid.IsValid(first));
        Assert.True(string.CompareOrdinal(first, second) < 0);
        Assert.Equal(first[..10], Ulid.NewUlid(new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 22, 39, 31, TimeSpan.Zero)))[..10]);
    }

    [Fact]
    public void NewUlid_UnixEpochPlusOneMillisecond_KnownTimePrefix() =>
        Assert.Equal("0000000001", Ulid.NewUlid(new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddMilliseconds(1)))[..10]);

    [Theory]
    [InlineData("01ARZ3NDEKTSV4RRFFQ69G5FAV", true)]
    [InlineData("01arz3ndektsv4rrffq69g5fav", false)]
    [InlineData("81ARZ3NDEKTSV4RRFFQ69G5FAV", false)]
    [InlineData("01ARZ3NDEKTSV4RRFFQ69G5FAI", false)]
    [InlineData("01ARZ3NDEK", false)]
    public void IsValid_CanonicalFormOnly(string value, bool valid) => Assert.Equal(valid, Ulid.IsValid(value));
}
