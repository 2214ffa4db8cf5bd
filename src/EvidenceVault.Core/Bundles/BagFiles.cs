using System.IO.Compression;

namespace EvidenceVault.Bundles;

/// <summary>The files of a bag, by path relative to the bag's root, whether zipped or unpacked.</summary>
internal abstract class BagFiles : IDisposable
{
    /// <summary>Name of the bag (its top folder).</summary>
    public abstract string BagName { get; }

    /// <summary>Every file, relative to the bag root, with forward slashes.</summary>
    public abstract IReadOnlyCollection<string> Paths { get; }

    /// <summary>Paths that appear twice in a ZIP (a sign of tampering: readers disagree on which one counts).</summary>
    public virtual IReadOnlyCollection<string> DuplicatePaths => [];

    public abstract Stream OpenFile(string path);

    public bool Contains(string path) => Paths.Contains(path);

    public abstract void Dispose();

    /// <summary>Opens a <c>.zip</c> bundle or a folder holding an unpacked bag (or the folder it was unpacked into).</summary>
    public static BagFiles Load(string location)
    {
        if (Directory.Exists(location))
        {
            return DirectoryBag.FromFolder(location);
        }

        if (File.Exists(location))
        {
            return ZipBag.FromZip(location);
        }

        throw new FileNotFoundException($"No bundle at {location}.", location);
    }

    private sealed class DirectoryBag(string root) : BagFiles
    {
        private readonly HashSet<string> _paths = Directory
            .EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(root, p).Replace(Path.DirectorySeparatorChar, '/'))
            .ToHashSet(StringComparer.Ordinal);

        public override string BagName => Path.GetFileName(Path.TrimEndingDirectorySeparator(root));

        public override IReadOnlyCollection<string> Paths => _paths;

        public static DirectoryBag FromFolder(string location)
        {
            if (!File.Exists(Path.Combine(location, "bagit.txt")))
            {
                // The folder a bundle was unzipped into holds the bag as its only subfolder.
                var candidates = Directory.GetDirectories(location).Where(d => File.Exists(Path.Combine(d, "bagit.txt"))).ToList();
                if (candidates.Count == 1)
                {
                    location = candidates[0];
                }
            }

            return new DirectoryBag(location);
        }

        public override Stream OpenFile(string path) =>
            _paths.Contains(path) ? File.OpenRead(Path.Combine(root, path)) : throw new FileNotFoundException(path);

        public override void Dispose()
        {
            // Nothing held open.
        }
    }

    private sealed class ZipBag : BagFiles
    {
        private readonly ZipArchive _zip;
        private readonly Dictionary<string, ZipArchiveEntry> _entries = new(StringComparer.Ordinal);
        private readonly List<string> _duplicates = [];
        private readonly string _bagName;

        private ZipBag(ZipArchive zip)
        {
            _zip = zip;
            var files = zip.Entries.Where(e => !e.FullName.EndsWith('/')).ToList();
            var roots = files.Select(e => e.FullName.Split('/')[0]).Distinct(StringComparer.Ordinal).ToList();
            var prefix = roots.Count == 1 && files.All(e => e.FullName.Contains('/', StringComparison.Ordinal)) ? roots[0] + "/" : string.Empty;
            _bagName = prefix.TrimEnd('/');
            foreach (var entry in files)
            {
                var path = entry.FullName[prefix.Length..];
                if (!_entries.TryAdd(path, entry))
                {
                    _duplicates.Add(path);
                }
            }
        }

        public override string BagName => _bagName;

        public override IReadOnlyCollection<string> Paths => _entries.Keys;

        public override IReadOnlyCollection<string> DuplicatePaths => _duplicates;

        public static ZipBag FromZip(string file) => new(ZipFile.OpenRead(file));

        public override Stream OpenFile(string path) => _entries[path].Open();

        public override void Dispose() => _zip.Dispose();
    }
}
