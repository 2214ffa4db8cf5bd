using System.Buffers.Binary;

namespace EvidenceVault.Evidence;

/// <summary>
/// The streams of a compound file ([MS-CFB]) — a Word, Excel or PowerPoint 97–2003 document, an Outlook message —
/// read by position, as the format lays them out: the header names the directory's first sector and the allocation
/// table's sectors; the directory's root entry holds its children as a tree of siblings; a stream under the cutoff
/// (4 KiB) lives in the mini stream, whose own allocation table says where. Every read is bounded (a directory of at
/// most 4,096 entries, a stream of at most 1 MiB, at most 65,536 sectors followed and 64 sectors of allocation tables
/// read in all, an allocation table no larger than the file's sectors need), so a crafted file yields nothing rather
/// than costing the vault memory, time or reads from storage.
/// </summary>
internal sealed class CompoundFileStreams
{
    /// <summary>The largest stream read.</summary>
    public const int MaxStreamBytes = 1024 * 1024;

    private const int MaxDirectoryEntries = 4096;
    private const int MaxSectorsFollowed = 65_536;
    private const int MaxTableSectorsRead = 64;
    private const uint EndOfChain = 0xFFFFFFFE;
    private const uint NoStream = 0xFFFFFFFF;

    private readonly PositionedReads _file;
    private readonly int _sectorSize;
    private readonly byte[] _header;
    private readonly Dictionary<uint, byte[]> _fatSectors = [];
    private List<uint>? _fatLocations;
    private byte[]? _directory;
    private Chain? _miniStream;
    private Chain? _miniTable;
    private int _followed;
    private int _tableSectorsRead;

    private CompoundFileStreams(PositionedReads file, byte[] header, int sectorShift)
    {
        _file = file;
        _header = header;
        _sectorSize = 1 << sectorShift;
    }

    /// <summary>The compound file <paramref name="file"/>; null when its header is no compound file's.</summary>
    public static async Task<CompoundFileStreams?> OpenAsync(PositionedReads file, CancellationToken cancellationToken)
    {
        var header = await file.ReadAsync(0, 512, cancellationToken);
        return CompoundFiles.DirectoryOffset(header) is null ? null : new CompoundFileStreams(file, header, BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(0x1E)));
    }

    /// <summary>The stream <paramref name="name"/> among the root storage's children; null if there is none.</summary>
    public async Task<byte[]?> ReadRootStreamAsync(string name, CancellationToken cancellationToken)
    {
        var directory = _directory ??= await ReadChainAsync(Field(0x30), MaxDirectoryEntries * CompoundFiles.EntryLength, cancellationToken);
        if (directory.Length < CompoundFiles.EntryLength)
        {
            return null;
        }

        var root = directory.AsSpan(0, CompoundFiles.EntryLength);
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
        var miniStream = _miniStream ??= new Chain(this, BinaryPrimitives.ReadUInt32LittleEndian(root[116..]));
        var miniTable = _miniTable ??= new Chain(this, Field(0x3C));
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
            if (index == NoStream || (long)(index + 1) * CompoundFiles.EntryLength > directory.Length)
            {
                continue;
            }

            var entry = directory.AsSpan((int)index * CompoundFiles.EntryLength, CompoundFiles.EntryLength);
            if (CompoundFiles.StreamName(entry) == name)
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
    private sealed class Chain(CompoundFileStreams file, uint start)
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
