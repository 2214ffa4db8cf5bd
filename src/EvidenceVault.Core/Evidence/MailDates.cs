using System.Globalization;
using System.Text.RegularExpressions;

namespace EvidenceVault.Evidence;

/// <summary>Dates as Internet messages and MHTML files write them (RFC 5322 §3.3).</summary>
internal static partial class MailDates
{
    /// <summary>An RFC 5322 date (<c>Mon, 23 Nov 2026 22:39:31 GMT</c>, or with a numeric zone like <c>+0800</c>), in UTC; null when it is none or implausible.</summary>
    public static DateTimeOffset? Parse(string? value)
    {
        if (value is null)
        {
            return null;
        }

        // Comments such as "(UTC)" are dropped; a numeric zone gets its colon so the invariant parser reads it.
        var text = NumericZone().Replace(Comment().Replace(value, string.Empty).Trim(), "$1:$2");
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) ? Plausible(date) : null;
    }

    /// <summary>The date in UTC, unless its year is before the web (1991) or far ahead: a malformed file, not a time.</summary>
    public static DateTimeOffset? Plausible(DateTimeOffset date) => date.Year is >= 1991 and <= 2200 ? date.ToUniversalTime() : null;

    /// <summary>A header field's comments: <c>(UTC)</c>, <c>(helo=…)</c>.</summary>
    [GeneratedRegex(@"\([^)]*\)", RegexOptions.None, matchTimeoutMilliseconds: 100)]
    public static partial Regex Comment();

    [GeneratedRegex(@"([+-]\d{2})(\d{2})$", RegexOptions.None, matchTimeoutMilliseconds: 100)]
    private static partial Regex NumericZone();
}
