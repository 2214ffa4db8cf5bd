using System.Globalization;
using System.IO.Compression;
using System.Text;
using EvidenceVault.Hashing;

namespace EvidenceVault.Bundles;

/// <summary>Labels of <c>bag-info.txt</c> that the vault writes besides the ones it computes.</summary>
/// <param name="ExternalIdentifier">The case id.</param>
/// <param name="ExternalDescription">The case title, if any.</param>
/// <param name="BaggingDate">When the bag was made.</param>
/// <param name="Extra">Further labels, written in order.</param>
public sealed record BagInfo(
    string ExternalIdentifier,
    string? ExternalDescription,
    DateTimeOffset BaggingDate,
    IReadOnlyList<KeyValuePair<string, string>> Extra);

/// <summary>
/// Writes a BagIt 1.0 bag (RFC 8493) as a ZIP to a forward-only stream. Every file is hashed while it is
/// written; the manifests and <c>Payload-Oxum</c> come last, from those hashes, so nothing is read twice and
/// memory stays constant. Entries are stored, not deflated: evidence is already compressed media, and a
/// stored entry can be checked byte for byte.
/// </summary>
public sealed class BagItZipWriter : IAsyncDisposable
{
    private const string BagItDeclaration = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";

    private readonly SyncWriteBufferingStream _output;
    private readonly ZipArchive _zip;
    private readonly string _root;
    private readonly List<(string Path, Sha256Digest Digest)> _payload = [];
    private readonly List<(string Path, Sha256Digest Digest)> _tags = [];
    private long _payloadOctets;
    private bool _completed;

    private BagItZipWriter(SyncWriteBufferingStream output, ZipArchive zip, string root)
    {
        _output = output;
        _zip = zip;
        _root = root;
    }

    /// <summary>Starts a bag named <paramref name="bagName"/> (the top folder in the ZIP) and writes <c>bagit.txt</c>.</summary>
    public static async Task<BagItZipWriter> CreateAsync(Stream output, string bagName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (string.IsNullOrWhiteSpace(bagName) || bagName.Contains('/', StringComparison.Ordinal) || bagName.Contains('\\', StringComparison.Ordinal))
        {
            throw new ArgumentException("A bag name is one folder name.", nameof(bagName));
        }

        var buffered = new SyncWriteBufferingStream(output);
        var zip = await ZipArchive.CreateAsync(buffered, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: Encoding.UTF8, cancellationToken);
        var writer = new BagItZipWriter(buffered, zip, bagName);
        await writer.AddTagFileAsync("bagit.txt", BagItDeclaration, cancellationToken);
        await buffered.FlushAsync(cancellationToken);
        return writer;
    }

    /// <summary>The number of payload files written so far.</summary>
    public int PayloadCount => _payload.Count;

    /// <summary>Writes a payload file (a path under <c>data/</c>) from a stream, hashing it on the way.</summary>
    public async Task<HashedLength> AddPayloadFileAsync(string path, Stream content, CancellationToken cancellationToken = default)
    {
        ThrowIfCompleted();
        var payloadPath = BagPaths.RequirePayloadPath(path);
        var entry = _zip.CreateEntry($"{_root}/{payloadPath}", CompressionLevel.NoCompression);
        HashedLength hashed;
        await using (var entryStream = await entry.OpenAsync(cancellationToken))
        {
            hashed = await EvidenceHasher.CopyAndHashAsync(content, entryStream, cancellationToken);
        }

        _payload.Add((payloadPath, hashed.Digest));
        _payloadOctets += hashed.Length;
        await _output.FlushAsync(cancellationToken);
        return hashed;
    }

    /// <summary>Writes a small payload file (a catalog, a log) from text.</summary>
    public async Task<HashedLength> AddPayloadFileAsync(string path, string text, CancellationToken cancellationToken = default)
    {
        using var content = new MemoryStream(Encoding.UTF8.GetBytes(text), writable: false);
        return await AddPayloadFileAsync(path, content, cancellationToken);
    }

    /// <summary>
    /// Writes the closing tag files: <c>manifest-sha256.txt</c>, <c>bag-info.txt</c> (with <c>Payload-Oxum</c>),
    /// the given extra tag files (such as <c>VERIFY.md</c>), and last <c>tagmanifest-sha256.txt</c> over all of them.
    /// </summary>
    public async Task CompleteAsync(BagInfo info, IReadOnlyList<KeyValuePair<string, string>> extraTagFiles, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(extraTagFiles);
        ThrowIfCompleted();
        await AddTagFileAsync("manifest-sha256.txt", FormatManifest(_payload), cancellationToken);
        await AddTagFileAsync("bag-info.txt", FormatBagInfo(info, PayloadOxum(_payloadOctets, _payload.Count)), cancellationToken);
        foreach (var (name, text) in extraTagFiles)
        {
            await AddTagFileAsync(BagPaths.RequireTagPath(name), text, cancellationToken);
        }

        var tagManifest = FormatManifest(_tags);
        await WriteEntryAsync("tagmanifest-sha256.txt", tagManifest, cancellationToken);
        _completed = true;
        await _zip.DisposeAsync();
        await _output.FlushAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_completed)
        {
            await _zip.DisposeAsync();
        }

        await _output.DisposeAsync();
    }

    /// <summary>Manifest lines in the form <c>sha256sum -c</c> reads: <c>hex  path</c>.</summary>
    internal static string FormatManifest(IEnumerable<(string Path, Sha256Digest Digest)> files)
    {
        var text = new StringBuilder();
        foreach (var (path, digest) in files.OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            text.Append(digest.Hex).Append("  ").Append(BagPaths.EncodeForManifest(path)).Append('\n');
        }

        return text.ToString();
    }

    /// <summary><c>Payload-Oxum</c> (RFC 8493 §2.2.2): the payload's octets and files, as <c>octets.files</c>.</summary>
    internal static string PayloadOxum(long octets, int files) => string.Create(CultureInfo.InvariantCulture, $"{octets}.{files}");

    /// <summary><c>bag-info.txt</c> for <paramref name="info"/> and the payload's <c>Payload-Oxum</c> (octets.files).</summary>
    internal static string FormatBagInfo(BagInfo info, string payloadOxum)
    {
        var lines = new List<KeyValuePair<string, string>>
        {
            new("Source-Organization", "EvidenceVault"),
            new("External-Identifier", info.ExternalIdentifier),
        };
        if (!string.IsNullOrWhiteSpace(info.ExternalDescription))
        {
            lines.Add(new("External-Description", info.ExternalDescription));
        }

        lines.Add(new("Bagging-Date", info.BaggingDate.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        lines.Add(new("Payload-Oxum", payloadOxum));
        lines.AddRange(info.Extra);

        var text = new StringBuilder();
        foreach (var (label, value) in lines)
        {
            // Tag values are single lines: line breaks in a title would start a new label.
            text.Append(label).Append(": ").Append(value.ReplaceLineEndings(" ")).Append('\n');
        }

        return text.ToString();
    }

    private async Task AddTagFileAsync(string name, string text, CancellationToken cancellationToken)
    {
        var digest = await WriteEntryAsync(name, text, cancellationToken);
        _tags.Add((name, digest));
    }

    private async Task<Sha256Digest> WriteEntryAsync(string name, string text, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var entry = _zip.CreateEntry($"{_root}/{name}", CompressionLevel.NoCompression);
        await using (var entryStream = await entry.OpenAsync(cancellationToken))
        {
            await entryStream.WriteAsync(bytes, cancellationToken);
        }

        await _output.FlushAsync(cancellationToken);
        return Sha256Digest.Of(bytes);
    }

    private void ThrowIfCompleted() =>
        ObjectDisposedException.ThrowIf(_completed, this);
}
