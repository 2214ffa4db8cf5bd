using System.Buffers;
using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace EvidenceVault.Evidence;

/// <summary>
/// Reads a PDF's document information dictionary (ISO 32000-2 §14.3.3: <c>/Author</c>, <c>/Creator</c>,
/// <c>/Producer</c>, <c>/CreationDate</c>, <c>/ModDate</c>, and <c>/Company</c>, which Acrobat's PDFMaker copies from
/// the Office document it converts) the way a PDF reader finds it: from <c>startxref</c> at
/// the end, through the cross-reference sections — classic tables, or cross-reference streams (Flate, with PNG
/// predictors) — newest first along <c>/Prev</c>, to the <c>/Info</c> object, which may sit in an object stream; when
/// that states nothing (PDF 2.0 deprecates it), the catalog's XMP metadata stream (<see cref="XmpPacket"/>).
/// Everything is bounded: the last 4 KiB for <c>startxref</c>, at most 16 sections of at most 4 MiB and 500,000
/// entries in all, objects of at most 64 KiB, streams decoded to at most 4 MiB. An encrypted PDF, whose strings are encrypted, states nothing.
/// </summary>
internal static class PdfInfoReader
{
    private const int TailBytes = 4096;
    private const int MaxSections = 16;
    private const int MaxSectionBytes = 4 * 1024 * 1024;
    private const int MaxObjectBytes = 64 * 1024;
    private const int MaxStreamBytes = 4 * 1024 * 1024;

    /// <summary>The most cross-reference entries kept, about 14 MB: far more objects than a contract or statement has.</summary>
    private const int MaxEntries = 500_000;

    /// <summary>The statement of the PDF in <paramref name="content"/> (seekable); null when it names none of it.</summary>
    public static async Task<DocumentInfo?> ReadAsync(Stream content, CancellationToken cancellationToken)
    {
        var file = new PositionedReads(content);
        var tailLength = (int)Math.Min(file.Length, TailBytes);
        var tail = await file.ReadAsync(file.Length - tailLength, tailLength, cancellationToken);
        var startxref = tail.AsSpan().LastIndexOf("startxref"u8);
        if (startxref < 0)
        {
            return null;
        }

        var locations = new Dictionary<int, Location>();
        PdfReference? info = null;
        PdfReference? root = null;
        var encrypted = false;
        var visited = new HashSet<long>();
        var offsets = new Queue<long>([new PdfObjects(tail, startxref + "startxref".Length).ReadInteger()]);
        while (offsets.TryDequeue(out var offset) && visited.Count < MaxSections)
        {
            if (!visited.Add(offset) || offset >= file.Length)
            {
                continue;
            }

            var section = await ReadFromAsync(file, offset, MaxSectionBytes, cancellationToken);
            var trailer = section.AsSpan().StartsWith("xref"u8)
                ? ReadTable(section, locations)
                : await ReadStreamSectionAsync(file, offset, section, locations, cancellationToken);
            info ??= trailer.GetValueOrDefault("Info") as PdfReference;
            root ??= trailer.GetValueOrDefault("Root") as PdfReference;
            encrypted |= trailer.ContainsKey("Encrypt");

            // A hybrid file's table points to a stream with the objects only newer readers see; then the older sections.
            foreach (var next in new[] { "XRefStm", "Prev" })
            {
                if (trailer.GetValueOrDefault(next) is double position && position >= 0)
                {
                    offsets.Enqueue((long)position);
                }
            }
        }

        if (encrypted)
        {
            return null;
        }

        var stated = info is not null && await ReadDictionaryAsync(file, info, locations, cancellationToken) is { } dictionary
            ? new DocumentInfo
            {
                Source = DocumentSources.Pdf,
                Author = Text(dictionary, "Author"),
                CreatedAt = Date(Text(dictionary, "CreationDate")),
                ModifiedAt = Date(Text(dictionary, "ModDate")),
                Application = Text(dictionary, "Creator") ?? Text(dictionary, "Producer"),
                Company = Text(dictionary, "Company"),
            }
            : null;

        // PDF 2.0 deprecates the document information for the catalog's XMP metadata: read it when /Info says nothing.
        return DocumentInfoReader.StatesSomething(stated) || root is null
            ? stated
            : await ReadMetadataAsync(file, root, locations, cancellationToken) ?? stated;
    }

    /// <summary>The statement of the XMP metadata stream the catalog <paramref name="root"/> names, if any.</summary>
    private static async Task<DocumentInfo?> ReadMetadataAsync(PositionedReads file, PdfReference root, Dictionary<int, Location> locations, CancellationToken cancellationToken)
    {
        if (await ReadDictionaryAsync(file, root, locations, cancellationToken) is not { } catalog ||
            catalog.GetValueOrDefault("Metadata") is not PdfReference metadata ||
            !locations.TryGetValue(metadata.Number, out var location) || location == Location.Free || location.InStream is not null)
        {
            return null;
        }

        var head = await ReadFromAsync(file, location.Position, MaxObjectBytes, cancellationToken);
        var (_, packet) = await ReadStreamObjectAsync(file, location.Position, head, cancellationToken);
        return XmpPacket.Read(packet);
    }

    /// <summary>
    /// A date as PDF writes it (<c>D:20261028091500+08'00'</c>, every part after the year optional) as ISO 8601,
    /// with its offset when it gives one: <c>2026-10-28T09:15:00+08:00</c>; null when it is none.
    /// </summary>
    internal static string? Date(string? written)
    {
        var text = written?.Trim();
        if (text is null)
        {
            return null;
        }

        text = text.StartsWith("D:", StringComparison.Ordinal) ? text[2..] : text;
        var digits = text.TakeWhile(char.IsAsciiDigit).Count();
        if (digits < 4 || digits % 2 != 0 || digits > 14)
        {
            return null;
        }

        string Part(int at, string fallback) => at + 2 <= digits ? text.Substring(at, 2) : fallback;
        var local = $"{text[..4]}-{Part(4, "01")}-{Part(6, "01")}T{Part(8, "00")}:{Part(10, "00")}:{Part(12, "00")}";
        var zone = text[digits..].Replace("'", string.Empty, StringComparison.Ordinal);
        var offset = zone switch
        {
            "" => string.Empty,
            "Z" or "Z0000" => "Z",
            ['+' or '-', _, _, .. var minutes] when zone.Skip(1).All(char.IsAsciiDigit) && minutes.Length is 0 or 2 =>
                $"{zone[..3]}:{(minutes.Length == 0 ? "00" : minutes)}",
            _ => null,
        };
        return offset is not null && DateTime.TryParseExact(local, "yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            ? local + offset
            : null;
    }

    private static Dictionary<string, object> ReadTable(byte[] section, Dictionary<int, Location> locations)
    {
        var reader = new PdfObjects(section, "xref".Length);
        while (!reader.TryKeyword("trailer"u8))
        {
            var first = reader.ReadInteger();
            var count = reader.ReadInteger();
            for (var i = 0; i < count; i++)
            {
                var offset = reader.ReadInteger();
                reader.ReadInteger(); // generation
                var used = reader.TryKeyword("n"u8);
                if (!used && !reader.TryKeyword("f"u8))
                {
                    throw new InvalidDataException("A cross-reference entry is neither in use nor free.");
                }

                // Newer sections are read first: what they say of an object stands.
                Add(locations, checked((int)(first + i)), used ? new Location(InStream: null, offset) : Location.Free);
            }
        }

        return reader.Read() as Dictionary<string, object> ?? throw new InvalidDataException("The trailer is no dictionary.");
    }

    private static async Task<Dictionary<string, object>> ReadStreamSectionAsync(
        PositionedReads file, long offset, byte[] section, Dictionary<int, Location> locations, CancellationToken cancellationToken)
    {
        var (dictionary, data) = await ReadStreamObjectAsync(file, offset, section, cancellationToken);
        if (dictionary.GetValueOrDefault("Type") is not PdfName { Value: "XRef" } || dictionary.GetValueOrDefault("W") is not List<object> { Count: 3 } widths)
        {
            throw new InvalidDataException("The cross-reference section is neither a table nor a stream.");
        }

        var w = widths.Select(width => width is double value and >= 0 and <= 8 ? (int)value : throw new InvalidDataException("A field width is out of range.")).ToArray();
        var index = dictionary.GetValueOrDefault("Index") as List<object> ?? [0d, dictionary.GetValueOrDefault("Size") ?? 0d];
        var entry = w.Sum();
        var at = 0;
        for (var pair = 0; pair + 1 < index.Count; pair += 2)
        {
            var (first, count) = (Integer(index[pair]), Integer(index[pair + 1]));
            for (var i = 0; i < count && at + entry <= data.Length; i++, at += entry)
            {
                // A missing type field means type 1 (ISO 32000-2 §7.5.8.3).
                var type = w[0] == 0 ? 1 : BigEndian.Unsigned(data.AsSpan(at, w[0]));
                var second = BigEndian.Unsigned(data.AsSpan(at + w[0], w[1]));
                var third = BigEndian.Unsigned(data.AsSpan(at + w[0] + w[1], w[2]));
                var location = type switch
                {
                    1 => new Location(InStream: null, second),
                    2 => new Location(checked((int)second), third),
                    _ => Location.Free,
                };
                Add(locations, checked((int)(first + i)), location);
            }
        }

        return dictionary;
    }

    /// <summary>Records where an object is, unless a newer section said so first; a crafted file with millions of entries ends the statement.</summary>
    private static void Add(Dictionary<int, Location> locations, int number, Location location)
    {
        if (locations.Count >= MaxEntries)
        {
            throw new InvalidDataException("More cross-reference entries than the vault reads.");
        }

        locations.TryAdd(number, location);
    }

    private static long Integer(object value) =>
        value is double number && number >= 0 && number <= int.MaxValue && number == Math.Floor(number) ? (long)number : throw new InvalidDataException("An integer was expected.");

    /// <summary>The dictionary object <paramref name="reference"/> names, where the file has it or out of its object stream.</summary>
    private static async Task<Dictionary<string, object>?> ReadDictionaryAsync(
        PositionedReads file, PdfReference reference, Dictionary<int, Location> locations, CancellationToken cancellationToken)
    {
        if (!locations.TryGetValue(reference.Number, out var location) || location == Location.Free)
        {
            return null;
        }

        if (location.InStream is not { } streamNumber)
        {
            var reader = new PdfObjects(await ReadFromAsync(file, location.Position, MaxObjectBytes, cancellationToken));
            ReadObjectHeader(ref reader);
            return reader.Read() as Dictionary<string, object>;
        }

        // In an object stream: its header pairs each object number with its offset after /First.
        if (!locations.TryGetValue(streamNumber, out var stream) || stream.InStream is not null || stream == Location.Free)
        {
            return null;
        }

        var head = await ReadFromAsync(file, stream.Position, MaxObjectBytes, cancellationToken);
        var (dictionary, data) = await ReadStreamObjectAsync(file, stream.Position, head, cancellationToken);
        if (dictionary.GetValueOrDefault("N") is not double count || dictionary.GetValueOrDefault("First") is not double first)
        {
            return null;
        }

        var pairs = new PdfObjects(data);
        for (var i = 0; i < count; i++)
        {
            var (number, offset) = (pairs.ReadInteger(), pairs.ReadInteger());
            if (number == reference.Number)
            {
                return new PdfObjects(data, checked((int)(first + offset))).Read() as Dictionary<string, object>;
            }
        }

        return null;
    }

    /// <summary>A stream object at <paramref name="offset"/> (its first bytes in <paramref name="head"/>): its dictionary and its decoded data.</summary>
    private static async Task<(Dictionary<string, object> Dictionary, byte[] Data)> ReadStreamObjectAsync(
        PositionedReads file, long offset, byte[] head, CancellationToken cancellationToken)
    {
        var reader = new PdfObjects(head.AsSpan(0, Math.Min(head.Length, MaxObjectBytes)));
        ReadObjectHeader(ref reader);
        var dictionary = reader.Read() as Dictionary<string, object> ?? throw new InvalidDataException("A stream without a dictionary.");
        if (!reader.TryKeyword("stream"u8) || dictionary.GetValueOrDefault("Length") is not double length || length < 0 || length > MaxStreamBytes)
        {
            throw new InvalidDataException("A stream without a direct length the vault reads.");
        }

        // The keyword is followed by CR LF or LF, then the data: taken from the bytes read already when they hold it all.
        var start = reader.Position + (head.AsSpan(reader.Position).StartsWith("\r\n"u8) ? 2 : 1);
        var encoded = start + (long)length <= head.Length
            ? new ArraySegment<byte>(head, start, (int)length)
            : new ArraySegment<byte>(await file.ReadAsync(offset + start, (int)length, cancellationToken));
        return (dictionary, Decode(encoded, dictionary));
    }

    /// <summary>The bytes of the file from <paramref name="position"/>: <paramref name="most"/> of them, or as many as the file still holds.</summary>
    private static async Task<byte[]> ReadFromAsync(PositionedReads file, long position, int most, CancellationToken cancellationToken)
    {
        var bytes = new byte[(int)Math.Min(most, file.Length - position)];
        await file.FillAsync(position, bytes, cancellationToken);
        return bytes;
    }

    private static void ReadObjectHeader(ref PdfObjects reader)
    {
        reader.ReadInteger();
        reader.ReadInteger();
        if (!reader.TryKeyword("obj"u8))
        {
            throw new InvalidDataException("No object where the cross-reference points.");
        }
    }

    private static byte[] Decode(ArraySegment<byte> encoded, Dictionary<string, object> dictionary)
    {
        var filters = dictionary.GetValueOrDefault("Filter") switch
        {
            null => [],
            PdfName name => [name.Value],
            List<object> names => names.Select(n => (n as PdfName)?.Value ?? string.Empty).ToList(),
            _ => throw new InvalidDataException("A filter is no name."),
        };
        if (filters.Count == 0)
        {
            return encoded.ToArray();
        }

        if (filters is not ["FlateDecode"])
        {
            throw new InvalidDataException("A filter the vault does not read.");
        }

        var inflated = new ArrayBufferWriter<byte>();
        using (var zlib = new ZLibStream(new MemoryStream(encoded.Array!, encoded.Offset, encoded.Count, writable: false), CompressionMode.Decompress))
        {
            for (int read; (read = zlib.Read(inflated.GetSpan(64 * 1024))) > 0;)
            {
                inflated.Advance(read);
                if (inflated.WrittenCount > MaxStreamBytes)
                {
                    throw new InvalidDataException("A stream inflates beyond what the vault reads.");
                }
            }
        }

        var parameters = dictionary.GetValueOrDefault("DecodeParms") switch
        {
            Dictionary<string, object> single => single,
            List<object> { Count: 1 } list => list[0] as Dictionary<string, object>,
            _ => null,
        };
        return parameters?.GetValueOrDefault("Predictor") is double predictor && predictor >= 10
            ? Unpredict(inflated.WrittenSpan, parameters)
            : inflated.WrittenSpan.ToArray();
    }

    /// <summary>Undoes PNG prediction (RFC 2083 §6, each row led by its filter type), as cross-reference streams use it.</summary>
    private static byte[] Unpredict(ReadOnlySpan<byte> data, Dictionary<string, object> parameters)
    {
        int Parameter(string name, int fallback) => parameters.GetValueOrDefault(name) is double value and > 0 and < 1 << 16 ? (int)value : fallback;
        var bytesPerPixel = Math.Max(1, Parameter("Colors", 1) * Parameter("BitsPerComponent", 8) / 8);
        var row = ((Parameter("Columns", 1) * Parameter("Colors", 1) * Parameter("BitsPerComponent", 8)) + 7) / 8;
        var rows = data.Length / (row + 1);
        var output = new byte[rows * row];
        for (var r = 0; r < rows; r++)
        {
            var filter = data[r * (row + 1)];
            var source = data.Slice((r * (row + 1)) + 1, row);
            var current = output.AsSpan(r * row, row);
            var previous = r == 0 ? new byte[row] : output.AsSpan((r - 1) * row, row);
            for (var i = 0; i < row; i++)
            {
                int left = i >= bytesPerPixel ? current[i - bytesPerPixel] : 0, up = previous[i], upLeft = i >= bytesPerPixel ? previous[i - bytesPerPixel] : 0;
                current[i] = (byte)(source[i] + filter switch
                {
                    0 => 0,
                    1 => left,
                    2 => up,
                    3 => (left + up) / 2,
                    4 => Paeth(left, up, upLeft),
                    _ => throw new InvalidDataException("An unknown PNG filter."),
                });
            }
        }

        return output;

        static int Paeth(int a, int b, int c)
        {
            int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
            return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
        }
    }

    /// <summary>A text string (ISO 32000-2 §7.9.2.2): UTF-16BE or UTF-8 after their byte order marks, else PDFDocEncoding (read as Latin-1, which it matches for the characters names and programs use).</summary>
    private static string? Text(Dictionary<string, object> dictionary, string key)
    {
        if (dictionary.GetValueOrDefault(key) is not byte[] bytes)
        {
            return null;
        }

        var text = bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) ? Encoding.BigEndianUnicode.GetString(bytes, 2, bytes.Length - 2)
            : bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3)
            : Encoding.Latin1.GetString(bytes);
        return text.TrimEnd('\0'); // some writers end their strings with a NUL, as C does
    }

    /// <summary>Where an object is: at a position in the file, or at an index in an object stream.</summary>
    private readonly record struct Location(int? InStream, long Position)
    {
        public static readonly Location Free = new(-1, -1);
    }
}
