using System.Security.Cryptography;
using System.Text;
using EvidenceVault.Hashing;
using EvidenceVault.Identifiers;

namespace EvidenceVault.Api.Access;

/// <summary>
/// Capability tokens: <c>evv_{caseId}_{43 base64url chars}</c> (256 random bits). A token names its case, so a token
/// of another case is told apart from a wrong one (404, not 401) without a cross-case lookup. Only the SHA-256
/// of a token is stored.
/// </summary>
internal static class CaseTokens
{
    public const string Prefix = "evv_";
    private const int RandomBytes = 32;

    public static string Create(string caseId)
    {
        Span<byte> random = stackalloc byte[RandomBytes];
        RandomNumberGenerator.Fill(random);
        return $"{Prefix}{caseId}_{Base64Url(random)}";
    }

    /// <summary>Reads the case a token claims to belong to; false when it is not shaped like a vault token.</summary>
    public static bool TryReadCase(string? token, out string caseId)
    {
        caseId = string.Empty;
        if (token is null || token.Length != Prefix.Length + Ulid.Length + 1 + 43 || !token.StartsWith(Prefix, StringComparison.Ordinal) || token[Prefix.Length + Ulid.Length] != '_')
        {
            return false;
        }

        caseId = token.Substring(Prefix.Length, Ulid.Length);
        return Ulid.IsValid(caseId);
    }

    /// <summary>The stored form of a token: SHA-256 hex of its UTF-8 bytes.</summary>
    public static Sha256Digest Hash(string token) => Sha256Digest.Of(Encoding.UTF8.GetBytes(token));

    private static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
