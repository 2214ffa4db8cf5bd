using System.Security.Cryptography;

namespace EvidenceVault.Identifiers;

/// <summary>
/// ULIDs (26 Crockford base32 characters: 48-bit millisecond time, 80 random bits). They sort by creation time,
/// which keeps table listings of a case's items oldest first.
/// </summary>
public static class Ulid
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>Length of every ULID string.</summary>
    public const int Length = 26;

    /// <summary>Creates a new ULID at the clock's current time.</summary>
    public static string NewUlid(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        Span<byte> bytes = stackalloc byte[16];
        var ms = clock.GetUtcNow().ToUnixTimeMilliseconds();
        for (var i = 5; i >= 0; i--)
        {
            bytes[i] = (byte)(ms & 0xFF);
            ms >>= 8;
        }

        RandomNumberGenerator.Fill(bytes[6..]);
        return Encode(bytes);
    }

    /// <summary>True when <paramref name="value"/> is a ULID in canonical (upper-case) form.</summary>
    public static bool IsValid(string? value) =>
        value is { Length: Length } && value[0] <= '7' && value.All(c => Alphabet.Contains(c, StringComparison.Ordinal));

    private static string Encode(ReadOnlySpan<byte> bytes)
    {
        // 128 bits, most significant first, as 26 five-bit groups (the first group holds the top 3 bits).
        Span<char> chars = stackalloc char[Length];
        var value = UInt128.Zero;
        foreach (var b in bytes)
        {
            value = (value << 8) | b;
        }

        for (var i = Length - 1; i >= 0; i--)
        {
            chars[i] = Alphabet[(int)(value & 31)];
            value >>= 5;
        }

        return new string(chars);
    }
}
