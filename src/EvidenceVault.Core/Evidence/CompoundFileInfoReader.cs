using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace EvidenceVault.Evidence;

/// <summary>
/// Reads what a Word, Excel or PowerPoint 97–2003 document says about its making: its summary information, the
/// property set ([MS-OLEPS]) every Office program writes into the stream <c>\x05SummaryInformation</c> of the compound
/// file's root storage — the author, who saved it last, when it was created and last saved (UTC) and the program. The
/// stream is found as [MS-CFB] lays it out: the header names the directory's first sector and the allocation table's
/// sectors; the directory's root entry holds the stream's siblings as a tree; a stream under 4 KiB lives in the mini
/// stream, whose own allocation table says where. Every read is bounded (a directory of at most 4,096 entries, a
/// stream of at most 1 MiB, at most 65,536 sectors followed and 64 sectors of allocation tables read in all), so a
/// crafted file states nothing rather than costing the vault memory, time or reads from storage.
/// </summary>
internal static class CompoundFileInfoReader
{
    private const string SummaryStreamName = "\u0005SummaryInformation";
    private const int MaxDirectoryEntries = 4096;
    private const int MaxStreamBytes = 1024 * 1024;
    private const int MaxSectorsFollowed = 65_536;
    private const int MaxTableSectorsRead = 64;
    private const int EntryLength = 128;
    private const uint EndOfChain = 0xFFFFFFFE;
    private const uint NoStream = 0xFFFFFFFF;

    /// <summary>The property set of summary information, {F29F85E0-4FF9-1068-AB91-08002B27B3D9}.</summary>
    private static readonly Guid SummaryInformation = new("F29F85E0-4FF9-1068-AB91-08002B27B3D9");

    /// <summary>The statement of <paramref name="content"/>, a compound file; null when it states nothing.</summary>
    public static async Task<DocumentInfo?> ReadAsync(Stream content, CancellationToken cancellationToken)
    {
        var file = await CompoundFile.OpenAsync(new PositionedReads(content), cancellationToken);
        return file is null ? null : Summary(await file.ReadRootStreamAsync(SummaryStreamName, cancellationToken));
    }

    /// <summary>The author, last author, creation and save times and program of a summary information stream.</summary>
    private static DocumentInfo? Summary(byte[]? stream)
    {
        if (stream is null || stream.Length < 48 || BinaryPrimitives.ReadUInt16LittleEndian(stream) != 0xFFFE)
        {
            return null;
        }

        var sets = BinaryPrimitives.ReadUInt32LittleEndian(stream.AsSpan(24));
        for (var i = 0; i < Math.Min(sets, 2); i++)
        {
            var entry = stream.AsSpan(28 + (i * 20), 20);
            if (new Guid(entry[..16]) == SummaryInformation)
            {
                var properties = PropertySet(stream, (int)BinaryPrimitives.ReadUInt32LittleEndian(entry[16..]));
                return new DocumentInfo
                {
                    Source = DocumentSources.CompoundFile,
                    Author = properties.GetValueOrDefault(4u),
                    LastModifiedBy = properties.GetValueOrDefault(8u),
                    CreatedAt = properties.GetValueOrDefault(12u),
                    ModifiedAt = properties.GetValueOrDefault(13u),
                    Application = properties.GetValueOrDefault(18u),
                };
            }
        }

        return null;
    }

    /// <summary>The strings and times of the property set at <paramref name="start"/>, by property id, in its code page.</summary>
    private static Dictionary<uint, string> PropertySet(byte[] stream, int start)
    {
        var set = stream.AsSpan(start);
        var size = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(set), (uint)set.Length);
        set = set[..size];
        var count = BinaryPrimitives.ReadUInt32LittleEndian(set[4..]);
        if (count > (uint)(size / 8))
        {
            throw new InvalidDataException("More properties than the set holds.");
        }

        var offsets = new Dictionary<uint, int>();
        for (var i = 0; i < count; i++)
        {
            offsets[BinaryPrimitives.ReadUInt32LittleEndian(set[(8 + (i * 8))..])] = (int)BinaryPrimitives.ReadUInt32LittleEndian(set[(12 + (i * 8))..]);
        }

        // Property 1 is the code page of the set's 8-bit strings (VT_I2, read unsigned: UTF-8 is 65001).
        var codePage = offsets.TryGetValue(1, out var at) && BinaryPrimitives.ReadUInt16LittleEndian(set[at..]) == 2
            ? BinaryPrimitives.ReadUInt16LittleEndian(set[(at + 4)..])
            : 1252;
        var values = new Dictionary<uint, string>();
        foreach (var id in new uint[] { 4, 8, 12, 13, 18 })
        {
            if (offsets.TryGetValue(id, out var offset) && Value(set[offset..], codePage) is { } value)
            {
                values[id] = value;
            }
        }

        return values;
    }

    private static string? Value(ReadOnlySpan<byte> property, int codePage)
    {
        var type = BinaryPrimitives.ReadUInt16LittleEndian(property);
        var value = property[4..];
        switch (type)
        {
            case 0x1E: // VT_LPSTR: a byte count, then the string in the set's code page, NUL-terminated
                var bytes = value.Slice(4, (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(value), (uint)(value.Length - 4)));
                return Decode(bytes, codePage)?.Split('\0')[0];
            case 0x1F: // VT_LPWSTR: a character count, then UTF-16
                var characters = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(value), (uint)((value.Length - 4) / 2));
                return Encoding.Unicode.GetString(value.Slice(4, characters * 2)).Split('\0')[0];
            case 0x40: // VT_FILETIME: 100-nanosecond intervals since 1601, UTC; zero means never
                var ticks = BinaryPrimitives.ReadInt64LittleEndian(value);
                return ticks <= 0 ? null : DateTime.FromFileTimeUtc(ticks).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            default:
                return null;
        }
    }

    private static string? Decode(ReadOnlySpan<byte> bytes, int codePage) => codePage switch
    {
        65001 => Encoding.UTF8.GetString(bytes),
        1200 => Encoding.Unicode.GetString(bytes),
        _ => CodePagesEncodingProvider.Instance.GetEncoding(codePage)?.GetString(bytes),
    };

    /// <summary>A compound file read by position: its header, and the sectors of its allocation tables as they are needed.</summary>
    private sealed class CompoundFile
    {
        private readonly PositionedReads _file;
        private readonly int _sectorSize;
        private readonly byte[] _header;
        private readonly Dictionary<uint, byte[]> _fatSectors = [];
        private List<uint>? _fatLocations;
        private int _followed;
        private int _tableSectorsRead;

        private CompoundFile(PositionedReads file, byte[] header, int sectorShift)
        {
            _file = file;
            _header = header;
            _sectorSize = 1 << sectorShift;
        }

        public static async Task<CompoundFile?> OpenAsync(PositionedReads file, CancellationToken cancellationToken)
        {
            var header = await file.ReadAsync(0, 512, cancellationToken);
            return CompoundFiles.DirectoryOffset(header) is null ? null : new CompoundFile(file, header, BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(0x1E)));
        }

        /// <summary>The stream <paramref name="name"/> among the root storage's children; null if there is none.</summary>
        public async Task<byte[]?> ReadRootStreamAsync(string name, CancellationToken cancellationToken)
        {
            var directory = await ReadChainAsync(Field(0x30), MaxDirectoryEntries * EntryLength, cancellationToken);
            if (directory.Length < EntryLength)
            {
                return null;
            }

            var root = directory.AsSpan(0, EntryLength);
            if (FindChild(directory, BinaryPrimitives.ReadUInt32LittleEndian(root[76..]), name) is not { } entry)
            {
                return null;
            }

            var start = BinaryPrimitives.ReadUInt32LittleEndian(entry.AsSpan(116));
            var size = BinaryPrimitives.ReadUInt64LittleEndian(entry.AsSpan(120)) & (_sectorSize == 512 ? 0xFFFFFFFFUL : ulong.MaxValue);
            if (size > MaxStreamBytes)
            {
                return null;
            }

            if (size >= Field(0x38))
            {
                var whole = await ReadChainAsync(start, (int)size, cancellationToken);
                return whole.Length == (int)size ? whole : throw new InvalidDataException("The stream's chain ends before its size.");
            }

            // Under the cutoff (4 KiB): in the mini stream — the root entry's own stream — in 64-byte mini sectors,
            // chained by the mini allocation table. Only the sectors of this stream, and of the tables that lead to them, are read.
            var miniStream = new Chain(this, BinaryPrimitives.ReadUInt32LittleEndian(root[116..]));
            var miniTable = new Chain(this, Field(0x3C));
            var stream = new byte[size];
            var sector = start;
            for (var filled = 0; filled < stream.Length; filled += 64)
            {
                var inStream = (long)sector * 64;
                var piece = await _file.ReadAsync(await miniStream.PositionAsync(inStream, cancellationToken), Math.Min(64, stream.Length - filled), cancellationToken);
                piece.CopyTo(stream, filled);
                var next = await _file.ReadAsync(await miniTable.PositionAsync((long)sector * 4, cancellationToken), 4, cancellationToken);
                sector = BinaryPrimitives.ReadUInt32LittleEndian(next);
            }

            return stream;
        }

        /// <summary>The entry named <paramref name="name"/> in the tree of siblings from <paramref name="at"/>, the root's child.</summary>
        private static byte[]? FindChild(byte[] directory, uint at, string name)
        {
            var pending = new Stack<uint>([at]);
            for (var visited = 0; pending.TryPop(out var index) && visited < MaxDirectoryEntries; visited++)
            {
                if (index == NoStream || (long)(index + 1) * EntryLength > directory.Length)
                {
                    continue;
                }

                var entry = directory.AsSpan((int)index * EntryLength, EntryLength);
                var length = BinaryPrimitives.ReadUInt16LittleEndian(entry[64..]);
                if (entry[66] == 2 && length is >= 2 and <= 64 && Encoding.Unicode.GetString(entry[..(length - 2)]) == name)
                {
                    return entry.ToArray();
                }

                pending.Push(BinaryPrimitives.ReadUInt32LittleEndian(entry[68..]));
                pending.Push(BinaryPrimitives.ReadUInt32LittleEndian(entry[72..]));
            }

            return null;
        }

        /// <summary>The first <paramref name="most"/> bytes of the chain from <paramref name="start"/>, or fewer if it ends first.</summary>
        private async Task<byte[]> ReadChainAsync(uint start, int most, CancellationToken cancellationToken)
        {
            var sectors = new List<byte[]>();
            for (var sector = start; sector != EndOfChain && sectors.Count * (long)_sectorSize < most; sector = await NextAsync(sector, cancellationToken))
            {
                sectors.Add(await _file.ReadAsync(Offset(sector), _sectorSize, cancellationToken));
            }

            var data = new byte[Math.Min(most, sectors.Count * (long)_sectorSize)];
            for (var i = 0; i < sectors.Count; i++)
            {
                sectors[i].AsSpan(0, Math.Min(_sectorSize, data.Length - (i * _sectorSize))).CopyTo(data.AsSpan(i * _sectorSize));
            }

            return data;
        }

        /// <summary>A chain of sectors, followed only as far as a read needs.</summary>
        private sealed class Chain(CompoundFile file, uint start)
        {
            private readonly List<uint> _sectors = [start];

            /// <summary>Where in the file byte <paramref name="position"/> of the chain's data lies.</summary>
            public async Task<long> PositionAsync(long position, CancellationToken cancellationToken)
            {
                var index = position / file._sectorSize;
                while (_sectors.Count <= index)
                {
                    var next = await file.NextAsync(_sectors[^1], cancellationToken);
                    _sectors.Add(next < 0xFFFFFFFA ? next : throw new InvalidDataException("The chain ends before the data."));
                }

                return file.Offset(_sectors[(int)index]) + (position % file._sectorSize);
            }
        }

        /// <summary>The sector after <paramref name="sector"/> in its chain, from the allocation table.</summary>
        private async Task<uint> NextAsync(uint sector, CancellationToken cancellationToken)
        {
            if (++_followed > MaxSectorsFollowed)
            {
                throw new InvalidDataException("Too many sectors, or a chain that loops.");
            }

            var perSector = (uint)(_sectorSize / 4);
            var tableSector = sector / perSector;
            if (!_fatSectors.TryGetValue(tableSector, out var table))
            {
                var locations = _fatLocations ??= await FatLocationsAsync(cancellationToken);
                if (tableSector >= locations.Count)
                {
                    throw new InvalidDataException("A sector past the allocation table.");
                }

                table = _fatSectors[tableSector] = await ReadTableSectorAsync(locations[(int)tableSector], cancellationToken);
            }

            return BinaryPrimitives.ReadUInt32LittleEndian(table.AsSpan((int)(sector % perSector) * 4));
        }

        /// <summary>Where the allocation table's sectors are: the header's first 109, then the chain of DIFAT sectors.</summary>
        private async Task<List<uint>> FatLocationsAsync(CancellationToken cancellationToken)
        {
            // One table sector maps sectorSize / 4 sectors: a file cannot need more of them than that covers.
            var count = Field(0x2C);
            if (count > (_file.Length / _sectorSize / (_sectorSize / 4)) + 1)
            {
                throw new InvalidDataException("More allocation table than the file has sectors.");
            }

            var locations = new List<uint>();
            for (var i = 0; i < Math.Min(count, 109u); i++)
            {
                locations.Add(Field(0x4C + (i * 4)));
            }

            for (var difat = Field(0x44); locations.Count < count && difat < EndOfChain; )
            {
                var sector = await ReadTableSectorAsync(difat, cancellationToken);
                for (var at = 0; at < _sectorSize - 4 && locations.Count < count; at += 4)
                {
                    locations.Add(BinaryPrimitives.ReadUInt32LittleEndian(sector.AsSpan(at)));
                }

                difat = BinaryPrimitives.ReadUInt32LittleEndian(sector.AsSpan(_sectorSize - 4));
            }

            return locations;
        }

        /// <summary>Reads a sector of an allocation table (or of the list of them), within the budget for them.</summary>
        private Task<byte[]> ReadTableSectorAsync(uint sector, CancellationToken cancellationToken) =>
            ++_tableSectorsRead > MaxTableSectorsRead
                ? throw new InvalidDataException("Too many allocation table sectors to read.")
                : _file.ReadAsync(Offset(sector), _sectorSize, cancellationToken);

        private long Offset(uint sector) => sector >= 0xFFFFFFFA ? throw new InvalidDataException("Not a regular sector.") : (sector + 1L) * _sectorSize;

        private uint Field(int at) => BinaryPrimitives.ReadUInt32LittleEndian(_header.AsSpan(at));
    }
}
