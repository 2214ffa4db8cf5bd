using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace EvidenceVault.Hashing;

/// <summary>A SHA-256 digest, carried as 64 lowercase hex characters (the form <c>sha256sum</c> prints).</summary>
public readonly record struct Sha256Digest
{
    private Sha256Digest(string hex) => Hex = hex;

    /// <summary>The digest as 64 lowercase hex characters.</summary>
    public string Hex { get; }

    /// <summary>The digest as standard base64, as used by <c>Repr-Digest</c> (RFC 9530).</summary>
    public string Base64 => Convert.ToBase64String(Convert.FromHexString(Hex));

    /// <summary>The all-zero digest: the "previous hash" of the first line of a custody log.</summary>
    public static Sha256Digest Zero { get; } = new(new string('0', 64));

    /// <summary>Creates a digest from its 32 raw bytes.</summary>
    public static Sha256Digest FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != SHA256.HashSizeInBytes)
        {
            throw new ArgumentException("A SHA-256 digest has 32 bytes.", nameof(bytes));
        }

        return new Sha256Digest(Convert.ToHexStringLower(bytes));
    }

    /// <summary>Hashes a small in-memory value (a custody line, a tag file); evidence goes through <see cref="EvidenceHasher"/>.</summary>
    public static Sha256Digest Of(ReadOnlySpan<byte> data)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(data, hash);
        return FromBytes(hash);
    }

    /// <summary>Parses 64 hex characters, either case.</summary>
    public static bool TryParseHex([NotNullWhen(true)] string? hex, out Sha256Digest digest)
    {
        digest = default;
        if (hex is null || hex.Length != 64 || !hex.All(char.IsAsciiHexDigit))
        {
            return false;
        }

        digest = new Sha256Digest(hex.ToLowerInvariant());
        return true;
    }

    /// <summary>Parses 64 hex characters or throws <see cref="FormatException"/>.</summary>
    public static Sha256Digest ParseHex(string hex) =>
        TryParseHex(hex, out var digest) ? digest : throw new FormatException("Not a SHA-256 hex digest.");

    /// <summary>Parses a standard base64 SHA-256 value (32 bytes).</summary>
    public static bool TryParseBase64(string? base64, out Sha256Digest digest)
    {
        digest = default;
        Span<byte> bytes = stackalloc byte[33];
        if (base64 is null || !Convert.TryFromBase64String(base64, bytes, out var written) || written != SHA256.HashSizeInBytes)
        {
            return false;
        }

        digest = FromBytes(bytes[..written]);
        return true;
    }

    /// <summary>True when both digests are equal, compared in constant time.</summary>
    public bool FixedTimeEquals(Sha256Digest other) =>
        Hex is not null && other.Hex is not null &&
        CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.ASCII.GetBytes(Hex), System.Text.Encoding.ASCII.GetBytes(other.Hex));

    /// <inheritdoc />
    public override string ToString() => Hex ?? string.Empty;
}
