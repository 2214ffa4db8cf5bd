using System.Globalization;
using System.Text;

namespace EvidenceVault.Evidence;

/// <summary>A PDF name (<c>/Author</c>), its <c>#xx</c> escapes decoded.</summary>
internal sealed record PdfName(string Value);

/// <summary>A reference to an indirect object (<c>12 0 R</c>).</summary>
internal sealed record PdfReference(int Number, int Generation);

/// <summary>
/// The few PDF objects (ISO 32000-2 §7.3) the vault reads to find a PDF's document information: names, strings
/// (literal and hexadecimal, as bytes), numbers, references, arrays and dictionaries. Streams are left to the caller:
/// <see cref="Read"/> stops right after a dictionary, where a stream's keyword follows.
/// </summary>
internal ref struct PdfObjects
{
    private const int MaxDepth = 32;

    private readonly ReadOnlySpan<byte> _bytes;

    public PdfObjects(ReadOnlySpan<byte> bytes, int position = 0)
    {
        _bytes = bytes;
        Position = position >= 0 && position <= bytes.Length ? position : throw new InvalidDataException("A position outside the bytes read.");
    }

    /// <summary>Where the next object starts, or where the last one ended.</summary>
    public int Position { get; private set; }

    /// <summary>Skips white space and comments.</summary>
    public void SkipSpace()
    {
        while (Position < _bytes.Length)
        {
            var b = _bytes[Position];
            if (b == (byte)'%')
            {
                while (Position < _bytes.Length && _bytes[Position] is not ((byte)'\r' or (byte)'\n'))
                {
                    Position++;
                }
            }
            else if (IsSpace(b))
            {
                Position++;
            }
            else
            {
                return;
            }
        }
    }

    /// <summary>Whether the next token is <paramref name="keyword"/> (<c>obj</c>, <c>stream</c>), consuming it when it is.</summary>
    public bool TryKeyword(ReadOnlySpan<byte> keyword)
    {
        SkipSpace();
        var end = Position + keyword.Length;
        if (!_bytes[Position..].StartsWith(keyword) || (end < _bytes.Length && !IsSpace(_bytes[end]) && !IsDelimiter(_bytes[end])))
        {
            return false;
        }

        Position = end;
        return true;
    }

    /// <summary>The next object: a number, a reference, a name, a string (bytes), an array, a dictionary, or a keyword (<see cref="string"/>).</summary>
    public object Read() => ReadNested(0);

    /// <summary>An unsigned integer at the position, as an object header or a cross-reference table writes it.</summary>
    public long ReadInteger() =>
        TryReadUnsigned(out var value) ? value : throw new InvalidDataException("A number was expected.");

    /// <summary>Reads the digits after any white space as an unsigned integer; false when there are none.</summary>
    private bool TryReadUnsigned(out long value)
    {
        SkipSpace();
        var start = Position;
        while (Position < _bytes.Length && char.IsAsciiDigit((char)_bytes[Position]))
        {
            Position++;
        }

        return long.TryParse(_bytes[start..Position], NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private static bool IsSpace(byte b) => b is 0 or 9 or 10 or 12 or 13 or 32;

    private static bool IsDelimiter(byte b) => b is (byte)'(' or (byte)')' or (byte)'<' or (byte)'>' or (byte)'[' or (byte)']' or (byte)'{' or (byte)'}' or (byte)'/' or (byte)'%';

    private object ReadNested(int depth)
    {
        if (depth > MaxDepth)
        {
            throw new InvalidDataException("Objects nested too deep.");
        }

        SkipSpace();
        if (Position >= _bytes.Length)
        {
            throw new InvalidDataException("The object is cut off.");
        }

        var rest = _bytes[Position..];
        if (rest.StartsWith("<<"u8))
        {
            Position += 2;
            return ReadDictionary(depth);
        }

        switch (rest[0])
        {
            case (byte)'/':
                return ReadName();
            case (byte)'(':
                return ReadLiteralString();
            case (byte)'<':
                return ReadHexString();
            case (byte)'[':
                Position++;
                var items = new List<object>();
                while (true)
                {
                    SkipSpace();
                    if (Position < _bytes.Length && _bytes[Position] == (byte)']')
                    {
                        Position++;
                        return items;
                    }

                    items.Add(ReadNested(depth + 1));
                }

            default:
                return ReadNumberReferenceOrKeyword();
        }
    }

    private Dictionary<string, object> ReadDictionary(int depth)
    {
        var entries = new Dictionary<string, object>(StringComparer.Ordinal);
        while (true)
        {
            SkipSpace();
            if (_bytes[Position..].StartsWith(">>"u8))
            {
                Position += 2;
                return entries;
            }

            if (ReadNested(depth + 1) is not PdfName key)
            {
                throw new InvalidDataException("A dictionary key is not a name.");
            }

            entries.TryAdd(key.Value, ReadNested(depth + 1));
        }
    }

    private PdfName ReadName()
    {
        Position++;
        var name = new List<byte>();
        while (Position < _bytes.Length && !IsSpace(_bytes[Position]) && !IsDelimiter(_bytes[Position]))
        {
            if (_bytes[Position] == (byte)'#' && Position + 2 < _bytes.Length &&
                byte.TryParse(_bytes.Slice(Position + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var escaped))
            {
                name.Add(escaped);
                Position += 3;
            }
            else
            {
                name.Add(_bytes[Position++]);
            }
        }

        return new PdfName(Encoding.UTF8.GetString([.. name]));
    }

    private byte[] ReadLiteralString()
    {
        Position++;
        var text = new List<byte>();
        for (var open = 1; ; Position++)
        {
            if (Position >= _bytes.Length)
            {
                throw new InvalidDataException("A string is cut off.");
            }

            var b = _bytes[Position];
            if (b == (byte)'\\')
            {
                Position++;
                if (Position >= _bytes.Length)
                {
                    throw new InvalidDataException("A string is cut off.");
                }

                ReadEscape(text);
                continue;
            }

            open += b == (byte)'(' ? 1 : b == (byte)')' ? -1 : 0;
            if (open == 0)
            {
                Position++;
                return [.. text];
            }

            text.Add(b);
        }
    }

    /// <summary>The escape after a backslash (ISO 32000-2 §7.3.4.2); leaves the position on its last byte.</summary>
    private void ReadEscape(List<byte> text)
    {
        var b = _bytes[Position];
        switch (b)
        {
            case (byte)'n': text.Add((byte)'\n'); break;
            case (byte)'r': text.Add((byte)'\r'); break;
            case (byte)'t': text.Add((byte)'\t'); break;
            case (byte)'b': text.Add(8); break;
            case (byte)'f': text.Add(12); break;
            case (byte)'\r':
                if (Position + 1 < _bytes.Length && _bytes[Position + 1] == (byte)'\n')
                {
                    Position++; // a line continued: CR LF, like LF, stands for nothing
                }

                break;
            case (byte)'\n':
                break;
            case >= (byte)'0' and <= (byte)'7':
                var value = 0;
                for (var n = 0; n < 3 && Position < _bytes.Length && _bytes[Position] is >= (byte)'0' and <= (byte)'7'; n++, Position++)
                {
                    value = (value * 8) + (_bytes[Position] - '0');
                }

                Position--;
                text.Add((byte)value);
                break;
            default:
                text.Add(b); // \( \) \\ and any other character stand for themselves
                break;
        }
    }

    private byte[] ReadHexString()
    {
        Position++;
        var digits = new List<byte>();
        while (Position < _bytes.Length && _bytes[Position] != (byte)'>')
        {
            if (!IsSpace(_bytes[Position]))
            {
                digits.Add(_bytes[Position]);
            }

            Position++;
        }

        if (Position >= _bytes.Length)
        {
            throw new InvalidDataException("A string is cut off.");
        }

        Position++;
        if (digits.Count % 2 == 1)
        {
            digits.Add((byte)'0'); // an odd last digit stands for its value times 16
        }

        return Convert.FromHexString(Encoding.ASCII.GetString([.. digits]));
    }

    private object ReadNumberReferenceOrKeyword()
    {
        var start = Position;
        while (Position < _bytes.Length && !IsSpace(_bytes[Position]) && !IsDelimiter(_bytes[Position]))
        {
            Position++;
        }

        var token = Encoding.ASCII.GetString(_bytes[start..Position]);
        if (token.Length == 0)
        {
            throw new InvalidDataException("An unexpected delimiter.");
        }

        if (!double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return token; // true, false, null, or a keyword such as endobj
        }

        // "12 0 R" is a reference: two unsigned integers and R.
        var after = Position;
        if (int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var objectNumber))
        {
            if (TryReadUnsigned(out var generation) && generation <= int.MaxValue)
            {
                SkipSpace();
                if (Position < _bytes.Length && _bytes[Position] == (byte)'R' && (Position + 1 == _bytes.Length || IsSpace(_bytes[Position + 1]) || IsDelimiter(_bytes[Position + 1])))
                {
                    Position++;
                    return new PdfReference(objectNumber, (int)generation);
                }
            }
        }

        Position = after;
        return number;
    }
}
