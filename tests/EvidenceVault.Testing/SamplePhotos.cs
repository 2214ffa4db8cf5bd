using System.Buffers.Binary;
using System.Text;

namespace EvidenceVault.Testing;

/// <summary>
/// The shared screenshots with an EXIF block such as a phone camera writes (the shared files, made by a browser and
/// encoders, carry none): a TIFF block with <c>Make</c>, <c>Model</c> and an EXIF IFD with <c>DateTimeOriginal</c> and
/// <c>OffsetTimeOriginal</c>, in either byte order, put where each format keeps it.
/// </summary>
public static class SamplePhotos
{
    /// <summary>A TIFF block naming <paramref name="make"/>, <paramref name="model"/>, the time taken (<c>yyyy:MM:dd HH:mm:ss</c>) and its offset; nulls are left out.</summary>
    public static byte[] Exif(bool littleEndian, string? make, string? model, string? taken, string? offset)
    {
        var first = new List<(ushort Tag, ushort Type, byte[] Value)>();
        var exif = new List<(ushort Tag, ushort Type, byte[] Value)>();
        Add(first, 0x010F, make);
        Add(first, 0x0110, model);
        Add(exif, 0x9003, taken);
        Add(exif, 0x9011, offset);

        // Layout: header (8), first IFD, its values, the EXIF IFD, its values.
        var firstSize = IfdSize(first.Count + 1);
        var firstValues = first.Sum(e => Outside(e.Value));
        var exifAt = 8 + firstSize + firstValues;
        var tiff = new byte[exifAt + IfdSize(exif.Count) + exif.Sum(e => Outside(e.Value))];
        (littleEndian ? "II*\0"u8 : "MM\0*"u8).CopyTo(tiff);
        U32(tiff, 4, 8, littleEndian);
        var pointer = BitConverter.GetBytes(littleEndian ? (uint)exifAt : BinaryPrimitives.ReverseEndianness((uint)exifAt));
        Write(tiff, 8, [.. first, (0x8769, 4, pointer)], littleEndian);
        Write(tiff, exifAt, exif, littleEndian);
        return tiff;
    }

    /// <summary>The shared JPEG screenshot with <paramref name="tiff"/> as an <c>APP1 Exif</c> segment after its start, written to <paramref name="path"/>.</summary>
    public static string Jpeg(string path, byte[] tiff)
    {
        var jpeg = File.ReadAllBytes(SampleEvidence.PathOf("screenshot-refund-page.jpg"));
        var segment = new byte[4 + 6 + tiff.Length];
        segment[0] = 0xFF;
        segment[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(segment.Length - 2));
        "Exif\0\0"u8.CopyTo(segment.AsSpan(4));
        tiff.CopyTo(segment.AsSpan(10));
        File.WriteAllBytes(path, [.. jpeg[..2], .. segment, .. jpeg[2..]]);
        return path;
    }

    /// <summary>The shared PNG screenshot with <paramref name="tiff"/> as an <c>eXIf</c> chunk after its header chunk, written to <paramref name="path"/>.</summary>
    public static string Png(string path, byte[] tiff)
    {
        var png = File.ReadAllBytes(SampleEvidence.PathOf("screenshot-refund-page.png"));
        var afterHeader = 8 + 8 + 13 + 4; // signature, then IHDR: length, type, 13 bytes, CRC
        var chunk = new byte[8 + tiff.Length + 4];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)tiff.Length);
        "eXIf"u8.CopyTo(chunk.AsSpan(4));
        tiff.CopyTo(chunk.AsSpan(8));
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + tiff.Length), Crc32(chunk.AsSpan(4, 4 + tiff.Length)));
        File.WriteAllBytes(path, [.. png[..afterHeader], .. chunk, .. png[afterHeader..]]);
        return path;
    }

    private static void Add(List<(ushort, ushort, byte[])> entries, ushort tag, string? text)
    {
        if (text is not null)
        {
            entries.Add((tag, 2, [.. Encoding.ASCII.GetBytes(text), 0]));
        }
    }

    private static int IfdSize(int entries) => 2 + (12 * entries) + 4;

    private static int Outside(byte[] value) => value.Length > 4 ? value.Length : 0;

    private static void Write(byte[] tiff, int at, List<(ushort Tag, ushort Type, byte[] Value)> entries, bool little)
    {
        U16(tiff, at, (ushort)entries.Count, little);
        var values = at + IfdSize(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            var (tag, type, value) = entries[i];
            var entry = at + 2 + (12 * i);
            U16(tiff, entry, tag, little);
            U16(tiff, entry + 2, type, little);
            U32(tiff, entry + 4, type == 2 ? (uint)value.Length : 1, little);
            if (value.Length <= 4)
            {
                value.CopyTo(tiff, entry + 8);
            }
            else
            {
                U32(tiff, entry + 8, (uint)values, little);
                value.CopyTo(tiff, values);
                values += value.Length;
            }
        }
    }

    private static void U16(byte[] bytes, int at, ushort value, bool little)
    {
        if (little)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at), value);
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(at), value);
        }
    }

    private static void U32(byte[] bytes, int at, uint value, bool little)
    {
        if (little)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(at), value);
        }
    }

    /// <summary>PNG's CRC-32 (ISO 3309, reflected, polynomial 0xEDB88320) over a chunk's type and body.</summary>
    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = uint.MaxValue;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
        }

        return ~crc;
    }
}
