using System.Globalization;
using System.Text;

namespace EvidenceVault.Evidence;

/// <summary>
/// Reads what a Rich Text Format document (<c>.rtf</c>) says about its making: the <c>\info</c> group of its header —
/// <c>\author</c>, <c>\operator</c> (who saved it last), <c>\creatim</c> and <c>\revtim</c> (the writer's clock,
/// without a zone, as the file gives it), <c>\*\company</c> — and the program that wrote it, <c>\*\generator</c>. Text is decoded as RTF
/// writes it: <c>\uN</c> Unicode characters (their <c>\ucN</c> fallbacks skipped), <c>\'hh</c> bytes in the document's
/// code page (<c>\ansicpg</c>: GBK as Chinese Word writes it, and the rest), and escaped <c>\\</c>, <c>\{</c>,
/// <c>\}</c>. The header comes before the text, so only the first <see cref="MaxHeaderBytes"/> are read.
/// </summary>
internal static class RtfInfoReader
{
    /// <summary>How much of the file is read for its header.</summary>
    public const int MaxHeaderBytes = 256 * 1024;

    /// <summary>The statement of <paramref name="content"/>, an RTF document; null when it states nothing.</summary>
    public static async Task<DocumentInfo?> ReadAsync(Stream content, CancellationToken cancellationToken)
    {
        var head = new byte[MaxHeaderBytes];
        var read = await content.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);

        // RTF is 7-bit: Latin-1 maps each byte to one character, so positions stay those of the bytes.
        var text = Encoding.Latin1.GetString(head, 0, read);
        var codePage = ControlValue(text, "ansicpg") ?? 1252;
        var info = GroupAt(text, "{\\info");
        return new DocumentInfo
        {
            Source = DocumentSources.Rtf,
            Author = GroupText(info, "{\\author", codePage),
            LastModifiedBy = GroupText(info, "{\\operator", codePage),
            CreatedAt = Time(GroupAt(info, "{\\creatim")),
            ModifiedAt = Time(GroupAt(info, "{\\revtim")),
            Application = GroupText(text, "{\\*\\generator", codePage)?.TrimEnd(';'),
            Company = GroupText(info, "{\\*\\company", codePage),
        };
    }

    /// <summary>The group starting with <paramref name="opening"/> (a control word after its brace), up to its matching brace; empty if there is none.</summary>
    private static string GroupAt(string text, string opening)
    {
        var at = IndexOfWord(text, opening);
        if (at < 0)
        {
            return string.Empty;
        }

        var depth = 0;
        for (var i = at; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '\\':
                    i++; // an escaped brace or backslash does not count
                    break;
                case '{':
                    depth++;
                    break;
                case '}' when --depth == 0:
                    return text[at..(i + 1)];
            }
        }

        return string.Empty;
    }

    /// <summary>Where the control word <paramref name="opening"/> starts, not merely a longer word beginning with it (<c>\author</c>, not <c>\authorx</c>).</summary>
    private static int IndexOfWord(string text, string opening)
    {
        for (var at = text.IndexOf(opening, StringComparison.Ordinal); at >= 0; at = text.IndexOf(opening, at + 1, StringComparison.Ordinal))
        {
            var next = at + opening.Length;
            if (next >= text.Length || !char.IsAsciiLetter(text[next]))
            {
                return at;
            }
        }

        return -1;
    }

    /// <summary>The decoded text of the group <paramref name="opening"/> in <paramref name="text"/>; null if it has none.</summary>
    private static string? GroupText(string text, string opening, int codePage)
    {
        var group = GroupAt(text, opening);
        if (group.Length == 0)
        {
            return null;
        }

        var decoded = new StringBuilder();
        var bytes = new List<byte>();
        var fallback = 1;
        var skip = 0;
        for (var i = opening.Length; i < group.Length - 1; i++)
        {
            var c = group[i];
            if (c == '\\' && i + 1 < group.Length - 1)
            {
                var next = group[i + 1];
                if (next == '\'' && i + 3 < group.Length && byte.TryParse(group.AsSpan(i + 2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var b))
                {
                    i += 3;
                    if (skip > 0)
                    {
                        skip--;
                    }
                    else
                    {
                        bytes.Add(b);
                    }

                    continue;
                }

                Flush();
                if (next is '\\' or '{' or '}')
                {
                    i++;
                    Append(next);
                    continue;
                }

                var (word, value, end) = ControlWord(group, i + 1);
                i = end - 1;
                if (word == "u" && value is { } unicode)
                {
                    decoded.Append((char)(short)unicode);
                    skip = fallback;
                }
                else if (word == "uc" && value is { } count)
                {
                    fallback = count;
                }

                continue;
            }

            Flush();
            if (c is '{' or '}' or '\r' or '\n')
            {
                continue;
            }

            Append(c);
        }

        Flush();
        return decoded.ToString();

        void Append(char character)
        {
            if (skip > 0)
            {
                skip--;
            }
            else
            {
                decoded.Append(character);
            }
        }

        void Flush()
        {
            if (bytes.Count > 0)
            {
                decoded.Append(CodePageText.Decode([.. bytes], codePage) ?? Encoding.Latin1.GetString([.. bytes]));
                bytes.Clear();
            }
        }
    }

    /// <summary>The control word at <paramref name="at"/> (after its backslash): its letters, its number if any, and where it ends (past one delimiting space).</summary>
    private static (string Word, int? Value, int End) ControlWord(string text, int at)
    {
        var end = at;
        while (end < text.Length && char.IsAsciiLetter(text[end]))
        {
            end++;
        }

        var word = text[at..end];
        var numberStart = end;
        if (end < text.Length && text[end] == '-')
        {
            end++;
        }

        while (end < text.Length && char.IsAsciiDigit(text[end]) && end - numberStart < 10)
        {
            end++;
        }

        int? value = end > numberStart && int.TryParse(text.AsSpan(numberStart, end - numberStart), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
        if (end < text.Length && text[end] == ' ')
        {
            end++;
        }

        return (word.Length == 0 && end < text.Length ? text[at].ToString() : word, value, Math.Max(end, at + 1));
    }

    /// <summary>The number of the first control word <paramref name="word"/> in <paramref name="text"/> (<c>\ansicpg936</c>).</summary>
    private static int? ControlValue(string text, string word)
    {
        var at = IndexOfWord(text, "\\" + word);
        return at < 0 ? null : ControlWord(text, at + 1).Value;
    }

    /// <summary>An RTF time group (<c>{\creatim\yr2026\mo10\dy28\hr9\min15\sec0}</c>) as ISO 8601 without a zone; null when its date is incomplete or impossible.</summary>
    private static string? Time(string group)
    {
        int? Part(string word) => group.Length == 0 ? null : ControlValue(group, word);
        if (Part("yr") is not { } year || Part("mo") is not { } month || Part("dy") is not { } day)
        {
            return null;
        }

        try
        {
            var time = new DateTime(year, month, day, Part("hr") ?? 0, Part("min") ?? 0, Part("sec") ?? 0, DateTimeKind.Unspecified);
            return time.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
