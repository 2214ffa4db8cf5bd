using System.Buffers.Binary;
using System.Security.Cryptography;

namespace EvidenceVault.Evidence;

/// <summary>
/// The streams of a compound file ([MS-CFB]) — a Word, Excel or PowerPoint 97–2003 document, an Outlook message —
/// read by position, as the format lays them out: the header names the directory's first sector and the allocation
/// table's sectors; the directory's root entry holds its children as a tree of siblings; a stream under the cutoff
/// (4 KiB) lives in the mini stream, whose own allocation table says where. Every read is bounded (a directory of at
/// most 4,096 entries, a stream of at most 1 MiB read whole, at most 262,144 sectors followed and 2,048 sectors of
/// allocation tables read in all — 128 MiB of a file of 512-byte sectors —, an allocation table no larger than the
/// file's sectors need), so a crafted file yields nothing rather than costing the vault memory, time or reads from
/// storage. Streams are read a run of adjacent sectors at a time, their chain followed first; a larger one — an Outlook
/// message's attachment — is only hashed.
/// </summary>
internal sealed class CompoundFileStreams
{
    /// <summary>The largest stream read.</summary>
    public const int MaxStreamBytes = 1024 * 1024;

    private const int MaxDirectoryEntries = 4096;
    private const int MaxSectorsFollowed = 262_144;
    private const int MaxTableSectorsRead = 2048;
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
    public async Task<byte[]?> ReadRootStreamAsync(string name, CancellationToken cancellationToken) =>
        await RootAsync(cancellationToken) is { } root ? await ReadStreamAsync(root, name, cancellationToken) : null;

    /// <summary>The root storage's children, as a tree for the reads below; null when the directory holds no root entry.</summary>
    public async Task<uint?> RootAsync(CancellationToken cancellationToken) =>
        await DirectoryAsync(cancellationToken) is { } directory ? ChildrenOf(directory) : null;

    /// <summary>
    /// The storages among the storage children <paramref name="children"/> whose names start with
    /// <paramref name="prefix"/> — an Outlook message's <c>__attach_version1.0_#00000000</c>… — in the order of their
    /// names, each as the tree of its own children, for <see cref="ReadStreamAsync"/> and <see cref="HashStreamAsync"/>.
    /// </summary>
    public async Task<IReadOnlyList<uint>> StoragesAsync(uint children, string prefix, CancellationToken cancellationToken)
    {
        if (await DirectoryAsync(cancellationToken) is not { } directory)
        {
            return [];
        }

        return [.. Entries(directory, children)
            .Select(at => (Name: CompoundFiles.StorageName(directory.AsSpan(at, CompoundFiles.EntryLength)), Children: ChildrenOf(directory.AsSpan(at))))
            .Where(storage => storage.Name?.StartsWith(prefix, StringComparison.Ordinal) == true)
            .OrderBy(storage => storage.Name, StringComparer.Ordinal)
            .Select(storage => storage.Children)];
    }

    /// <summary>The storage <paramref name="name"/> among the storage children <paramref name="children"/>, as the tree of its own children; null if there is none.</summary>
    public async Task<uint?> StorageAsync(uint children, string name, CancellationToken cancellationToken) =>
        await DirectoryAsync(cancellationToken) is { } directory && FindChild(directory, children, name, storage: true) is { } at ? ChildrenOf(directory.AsSpan(at)) : null;

    /// <summary>The stream <paramref name="name"/> among the storage children <paramref name="children"/>; null if there is none or it is over <see cref="MaxStreamBytes"/>.</summary>
    public async Task<byte[]?> ReadStreamAsync(uint children, string name, CancellationToken cancellationToken) =>
        await StreamAsync(children, name, cancellationToken) is { Size: <= MaxStreamBytes } found ? await ReadAsync(found.Start, (int)found.Size, cancellationToken) : null;

    /// <summary>
    /// Adds the stream <paramref name="name"/> among the storage children <paramref name="children"/> to
    /// <paramref name="hash"/>, whatever its size, a run of adjacent sectors at a time: its size, or null if there is none.
    /// </summary>
    /// <exception cref="InvalidDataException">Its chain ends before its size, or runs past what is followed.</exception>
    public async Task<long?> HashStreamAsync(uint children, string name, IncrementalHash hash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hash);
        if (await StreamAsync(children, name, cancellationToken) is not { } found)
        {
            return null;
        }

        var (start, size) = found;

        if (size < Field(0x38))
        {
            hash.AppendData(await ReadAsync(start, (int)size, cancellationToken));
            return (long)size;
        }

        var sectors = await SectorsAsync(start, (long)size, cancellationToken);
        if (sectors.Count * (long)_sectorSize < (long)size)
        {
            throw new InvalidDataException("The stream's chain ends before its size.");
        }

        await foreach (var piece in RunsAsync(sectors, (long)size, cancellationToken))
        {
            hash.AppendData(piece);
        }

        return (long)size;
    }

    /// <summary>The directory, read first; null when it holds no root entry (the first, whose children are the root storage's).</summary>
    private async Task<byte[]?> DirectoryAsync(CancellationToken cancellationToken)
    {
        var directory = _directory ??= await ReadChainAsync(Field(0x30), MaxDirectoryEntries * CompoundFiles.EntryLength, cancellationToken);
        return directory.Length < CompoundFiles.EntryLength ? null : directory;
    }

    /// <summary>Where the stream <paramref name="name"/> among <paramref name="children"/> starts and how long it is; null if there is none.</summary>
    private async Task<(uint Start, ulong Size)?> StreamAsync(uint children, string name, CancellationToken cancellationToken)
    {
        if (await DirectoryAsync(cancellationToken) is not { } directory || FindChild(directory, children, name, storage: false) is not { } at)
        {
            return null;
        }

        var entry = directory.AsSpan(at, CompoundFiles.EntryLength);
        var start = BinaryPrimitives.ReadUInt32LittleEndian(entry[116..]);
        var size = BinaryPrimitives.ReadUInt64LittleEndian(entry[120..]) & (_sectorSize == 512 ? 0xFFFFFFFFUL : ulong.MaxValue);
        return (start, size);
    }

    /// <summary>
    /// The <paramref name="size"/> bytes of a stream from <paramref name="start"/>: in the file's own sectors at or over
    /// the cutoff (4 KiB); under it in the mini stream — the root entry's own stream — in 64-byte mini sectors, chained
    /// by the mini allocation table, of which only the sectors of this stream, and of the tables that lead to them, are read.
    /// </summary>
    private async Task<byte[]> ReadAsync(uint start, int size, CancellationToken cancellationToken)
    {
        if (size >= Field(0x38))
        {
            var whole = await ReadChainAsync(start, size, cancellationToken);
            return whole.Length == size ? whole : throw new InvalidDataException("The stream's chain ends before its size.");
        }

        var miniStream = _miniStream ??= new Chain(this, BinaryPrimitives.ReadUInt32LittleEndian(_directory.AsSpan(116)));
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

    private static uint ChildrenOf(ReadOnlySpan<byte> entry) => BinaryPrimitives.ReadUInt32LittleEndian(entry[76..]);

    /// <summary>Where in <paramref name="directory"/> the stream — or, when <paramref name="storage"/>, the storage — named <paramref name="name"/> lies among the tree of siblings from <paramref name="at"/>, a storage's child; null if it is not there.</summary>
    private static int? FindChild(byte[] directory, uint at, string name, bool storage)
    {
        foreach (var entry in Entries(directory, at))
        {
            var found = directory.AsSpan(entry, CompoundFiles.EntryLength);
            if ((storage ? CompoundFiles.StorageName(found) : CompoundFiles.StreamName(found)) == name)
            {
                return entry;
            }
        }

        return null;
    }

    /// <summary>Where in <paramref name="directory"/> the entries of the tree of siblings from <paramref name="at"/> (a storage's children) lie, at most <see cref="MaxDirectoryEntries"/> visited.</summary>
    private static IEnumerable<int> Entries(byte[] directory, uint at)
    {
        var pending = new Stack<uint>([at]);
        for (var visited = 0; pending.TryPop(out var index) && visited < MaxDirectoryEntries; visited++)
        {
            if (index == NoStream || (long)(index + 1) * CompoundFiles.EntryLength > directory.Length)
            {
                continue;
            }

            var entry = (int)index * CompoundFiles.EntryLength;
            yield return entry;
            pending.Push(BinaryPrimitives.ReadUInt32LittleEndian(directory.AsSpan(entry + 68)));
            pending.Push(BinaryPrimitives.ReadUInt32LittleEndian(directory.AsSpan(entry + 72)));
        }
    }

    /// <summary>The first <paramref name="most"/> bytes of the chain from <paramref name="start"/>, or fewer if it ends first.</summary>
    private async Task<byte[]> ReadChainAsync(uint start, int most, CancellationToken cancellationToken)
    {
        var sectors = await SectorsAsync(start, most, cancellationToken);
        var data = new byte[Math.Min(most, sectors.Count * (long)_sectorSize)];
        var filled = 0;
        await foreach (var piece in RunsAsync(sectors, sectors.Count * (long)_sectorSize, cancellationToken))
        {
            piece.AsSpan(0, Math.Min(piece.Length, data.Length - filled)).CopyTo(data.AsSpan(filled));
            filled += piece.Length;
        }

        return data;
    }

    /// <summary>The sectors of the chain from <paramref name="start"/> that hold its first <paramref name="most"/> bytes, fewer if it ends first; each a regular sector.</summary>
    private async Task<List<uint>> SectorsAsync(uint start, long most, CancellationToken cancellationToken)
    {
        var sectors = new List<uint>();
        for (var sector = start; sector != EndOfChain && sectors.Count * (long)_sectorSize < most; sector = await NextAsync(sector, cancellationToken))
        {
            _ = Offset(sector);
            sectors.Add(sector);
        }

        return sectors;
    }

    /// <summary>
    /// The first <paramref name="length"/> bytes of <paramref name="sectors"/>' data, in order, a run of adjacent sectors
    /// at a time, each one read of at most <see cref="MaxStreamBytes"/>: a chain's allocation table is followed before
    /// its data is read, so reads of the data are not interleaved with the table's.
    /// </summary>
    private async IAsyncEnumerable<byte[]> RunsAsync(List<uint> sectors, long length, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var left = length;
        for (var at = 0; at < sectors.Count && left > 0;)
        {
            var run = 1;
            while (at + run < sectors.Count && sectors[at + run] == sectors[at] + run && (run + 1) * _sectorSize <= MaxStreamBytes)
            {
                run++;
            }

            var piece = await _file.ReadAsync(Offset(sectors[at]), (int)Math.Min((long)run * _sectorSize, left), cancellationToken);
            yield return piece;
            left -= piece.Length;
            at += run;
        }
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
