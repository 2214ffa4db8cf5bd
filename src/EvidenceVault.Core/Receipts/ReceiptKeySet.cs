using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;

namespace EvidenceVault.Receipts;

/// <summary>
/// The vault's receipt keys as it publishes them at <c>/.well-known/evidencevault/keys</c>: a JSON Web Key Set
/// (RFC 7517) of P-256 public keys, each named by its key id (<see cref="ReceiptSignatures.KeyId"/>).
/// </summary>
public static class ReceiptKeySet
{
    /// <summary>Whether <paramref name="text"/> looks like a JWKS rather than a PEM file: a JSON object.</summary>
    public static bool IsJwks(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.AsSpan().TrimStart().StartsWith("{", StringComparison.Ordinal);
    }

    /// <summary>
    /// The P-256 keys of a JWKS. A key of another type or curve is passed over; a key whose <c>kid</c> is not its own
    /// id is left out, so no key is trusted under another's name.
    /// </summary>
    /// <exception cref="FormatException">The text is not a JWKS of EC keys.</exception>
    public static IReadOnlyList<ECDsa> Parse(string jwks)
    {
        ArgumentNullException.ThrowIfNull(jwks);
        var keys = new List<ECDsa>();
        try
        {
            using var document = JsonDocument.Parse(jwks);
            foreach (var jwk in document.RootElement.GetProperty("keys").EnumerateArray())
            {
                if (jwk.GetProperty("kty").GetString() != "EC" || jwk.GetProperty("crv").GetString() != "P-256")
                {
                    continue;
                }

                var key = ECDsa.Create(new ECParameters
                {
                    Curve = ECCurve.NamedCurves.nistP256,
                    Q = new ECPoint { X = Base64Url.DecodeFromChars(jwk.GetProperty("x").GetString()), Y = Base64Url.DecodeFromChars(jwk.GetProperty("y").GetString()) },
                });
                if (ReceiptSignatures.KeyId(key) == jwk.GetProperty("kid").GetString())
                {
                    keys.Add(key);
                }
                else
                {
                    key.Dispose();
                }
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or CryptographicException)
        {
            foreach (var key in keys)
            {
                key.Dispose();
            }

            throw new FormatException("not a JWKS of P-256 keys: " + e.Message, e);
        }

        return keys;
    }
}
