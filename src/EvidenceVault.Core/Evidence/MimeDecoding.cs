using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace EvidenceVault.Evidence;

/// <summary>
/// The ways mail carries bytes as text, shared by a header's encoded words (RFC 2047), a body's parts and a
/// parameter's value: base64 and quoted-printable (RFC 2045), and percent-encoding (RFC 2231). The text comes from lines the vault read as UTF-8, so a character that is not
/// ASCII stands for its UTF-8 bytes.
/// </summary>
internal static partial class MimeDecoding
{
    /// <summary>A run of whitespace in a header field's value, folding line breaks among it.</summary>
    [GeneratedRegex(@"\s+", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    public static partial Regex Whitespace();

    /// <summary>Base64, whitespace (line breaks) ignored; null when it is not base64.</summary>
    public static byte[]? Base64(string text)
    {
        var compact = string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
        var bytes = new byte[compact.Length];
        return Convert.TryFromBase64String(compact, bytes, out var written) ? bytes[..written] : null;
    }

    /// <summary>
    /// Quoted-printable: <c>=XX</c> a byte, <c>=</c> at a line's end a soft line break; in an encoded word
    /// (<paramref name="encodedWord"/>, RFC 2047's "Q"), <c>_</c> a space.
    /// </summary>
    public static byte[] QuotedPrintable(string text, bool encodedWord) => Unescape(text, '=', encodedWord);

    /// <summary>RFC 2231's parameter values: <c>%XX</c> a byte, other characters as they are.</summary>
    public static byte[] Percent(string text) => Unescape(text, '%', encodedWord: false);

    /// <summary><paramref name="escape"/> and two hex digits a byte, <paramref name="escape"/> at a line's end a soft line break, other characters their UTF-8 bytes.</summary>
    private static byte[] Unescape(string text, char escape, bool encodedWord)
    {
        var bytes = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (encodedWord && text[i] == '_')
            {
                bytes.Add((byte)' ');
            }
            else if (text[i] == escape && i + 1 < text.Length && text[i + 1] == '\n')
            {
                i++; // a soft line break
            }
            else if (text[i] == escape && i + 2 < text.Length && byte.TryParse(text.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, null, out var octet))
            {
                bytes.Add(octet);
                i += 2;
            }
            else if (text[i] < 0x80)
            {
                bytes.Add((byte)text[i]);
            }
            else
            {
                var length = char.IsHighSurrogate(text[i]) && i + 1 < text.Length ? 2 : 1;
                bytes.AddRange(Encoding.UTF8.GetBytes(text.Substring(i, length)));
                i += length - 1;
            }
        }

        return [.. bytes];
    }
}
