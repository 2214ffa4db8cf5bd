using System.Buffers.Binary;
using System.Text;

namespace EvidenceVault.Evidence;

/// <summary>
/// An Apple binary property list (<c>bplist00</c>) — the form of a Safari web archive — read from its trailer
/// outwards: each object is found through the offset table when it is asked for, so a few small ranged reads answer,
/// whatever the size of the page data the file also holds. Only dictionaries and strings are read; anything out of
/// bounds or of another shape is an <see cref="InvalidDataException"/>.
/// </summary>
internal sealed class BinaryPropertyList
{
    /// <summary>The magic and version every binary property list starts with.</summary>
    public static ReadOnlySpan<byte> Magic => "bplist00"u8;

    private const int TrailerBytes = 32;
    private const int MaxEntries = 64;
    private const int MaxKeyChars = 256;
    private const int AsciiString = 0x5;
    private const int Utf16String = 0x6;
    private const int Dictionary = 0xD;

    private readonly PositionedReads _file;
    private readonly int _offsetBytes;
    private readonly int _referenceBytes;
    private readonly long _objects;
    private readonly long _offsetTable;

    private BinaryPropertyList(PositionedReads file, int offsetBytes, int referenceBytes, long objects, long top, long offsetTable)
    {
        (_file, _offsetBytes, _referenceBytes, _objects, Top, _offsetTable) = (file, offsetBytes, referenceBytes, objects, top, offsetTable);
    }

    /// <summary>The top object's reference.</summary>
    public long Top { get; }

    /// <summary>Reads the trailer of <paramref name="file"/> (its last 32 bytes: the sizes of offsets and references, the object count, the top object and where the offset table starts).</summary>
    public static async Task<BinaryPropertyList> OpenAsync(PositionedReads file, CancellationToken cancellationToken)
    {
        if (file.Length < Magic.Length + TrailerBytes || !(await file.ReadAsync(0, Magic.Length, cancellationToken)).AsSpan().SequenceEqual(Magic))
        {
            throw new InvalidDataException("Not a binary property list.");
        }

        var trailer = await file.ReadAsync(file.Length - TrailerBytes, TrailerBytes, cancellationToken);
        var (offsetBytes, referenceBytes) = (trailer[6], trailer[7]);
        var objects = BinaryPrimitives.ReadInt64BigEndian(trailer.AsSpan(8));
        var top = BinaryPrimitives.ReadInt64BigEndian(trailer.AsSpan(16));
        var offsetTable = BinaryPrimitives.ReadInt64BigEndian(trailer.AsSpan(24));
        if (offsetBytes is < 1 or > 8 || referenceBytes is < 1 or > 8 || objects < 1 || top < 0 || top >= objects ||
            offsetTable < Magic.Length || objects > (file.Length - TrailerBytes - offsetTable) / offsetBytes)
        {
            throw new InvalidDataException("A binary property list's trailer out of bounds.");
        }

        return new BinaryPropertyList(file, offsetBytes, referenceBytes, objects, top, offsetTable);
    }

    /// <summary>The dictionary <paramref name="reference"/> names: each string key with the reference of its value.</summary>
    public async Task<Dictionary<string, long>> DictionaryAsync(long reference, CancellationToken cancellationToken)
    {
        var (type, count, at) = await ObjectAsync(reference, cancellationToken);
        if (type != Dictionary || count > MaxEntries)
        {
            throw new InvalidDataException("Not a dictionary of a web archive's size.");
        }

        var references = await _file.ReadAsync(at, checked((int)count * 2 * _referenceBytes), cancellationToken);
        var entries = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var n = 0; n < count; n++)
        {
            var key = await StringAsync(Reference(references, n), MaxKeyChars, cancellationToken) ?? throw new InvalidDataException("A dictionary key that is no string.");
            entries.TryAdd(key, Reference(references, (int)count + n));
        }

        return entries;
    }

    /// <summary>The string <paramref name="reference"/> names (ASCII or UTF-16), or null when it is another object or longer than <paramref name="maxChars"/>.</summary>
    public async Task<string?> StringAsync(long reference, int maxChars, CancellationToken cancellationToken)
    {
        var (type, count, at) = await ObjectAsync(reference, cancellationToken);
        if (type is not (AsciiString or Utf16String) || count > maxChars)
        {
            return null;
        }

        return type == AsciiString
            ? Encoding.ASCII.GetString(await _file.ReadAsync(at, (int)count, cancellationToken))
            : Encoding.BigEndianUnicode.GetString(await _file.ReadAsync(at, (int)count * 2, cancellationToken));
    }

    /// <summary>An object's type (its marker's high four bits), its count (the low four, or the integer after them) and where its contents start.</summary>
    private async Task<(int Type, long Count, long At)> ObjectAsync(long reference, CancellationToken cancellationToken)
    {
        if (reference < 0 || reference >= _objects)
        {
            throw new InvalidDataException("A reference past the object table.");
        }

        var offset = BigEndian.Unsigned(await _file.ReadAsync(_offsetTable + (reference * _offsetBytes), _offsetBytes, cancellationToken));
        if (offset < Magic.Length || offset >= _offsetTable)
        {
            throw new InvalidDataException("An object outside the object table.");
        }

        var marker = (await _file.ReadAsync(offset, 1, cancellationToken))[0];
        long count = marker & 0x0F;
        var at = offset + 1;
        if (count == 0x0F)
        {
            // A longer count follows as an integer object: 0x1n, then 2^n bytes, big-endian.
            var integer = (await _file.ReadAsync(at, 1, cancellationToken))[0];
            var bytes = 1 << (integer & 0x0F);
            if (integer >> 4 != 0x1 || bytes > 8)
            {
                throw new InvalidDataException("A count that is no integer.");
            }

            count = BigEndian.Unsigned(await _file.ReadAsync(at + 1, bytes, cancellationToken));
            at += 1 + bytes;
        }

        return count is < 0 or > int.MaxValue / 16 ? throw new InvalidDataException("A count out of bounds.") : (marker >> 4, count, at);
    }

    private long Reference(byte[] references, int index) => BigEndian.Unsigned(references.AsSpan(index * _referenceBytes, _referenceBytes));
}
