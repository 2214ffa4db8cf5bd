using System.IO.Compression;
using System.Text;
using EvidenceVault.Hashing;
using EvidenceVault.Testing;

namespace EvidenceVault.Cli.Tests.Verify;

/// <summary>A real bundle of sample evidence, zipped and unpacked in a temp folder, for tampering.</summary>
internal sealed class BundleFolder : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ev-verify-").FullName;

    private BundleFolder()
    {
    }

    public string Zip { get; private set; } = string.Empty;

    public string TsaRoot { get; private set; } = string.Empty;

    public string VaultKey { get; private set; } = string.Empty;

    public string Bag { get; private set; } = string.Empty;

    public static async Task<BundleFolder> CreateAsync()
    {
        var folder = new BundleFolder();
        var bundle = await LocalBundles.CreateAsync(
            folder._root,
            SampleEvidence.PathOf("screenshot-refund-page.png"),
            SampleEvidence.PathOf("call-recording.m4a"),
            SampleEvidence.PathOf("page-snapshot-refund.mhtml"));
        (folder.Zip, folder.TsaRoot, folder.VaultKey) = (bundle.Zip, bundle.TsaRootPem, bundle.VaultKeyPem);
        ZipFile.ExtractToDirectory(folder.Zip, Path.Combine(folder._root, "unzipped"));
        folder.Bag = Directory.GetDirectories(Path.Combine(folder._root, "unzipped")).Single();
        return folder;
    }

    public string PathOf(string relative) => Path.Combine(Bag, relative);

    public string FirstEvidence => Directory.GetFiles(PathOf("data/evidence")).Order(StringComparer.Ordinal).First();

    public string Relative(string path) => Path.GetRelativePath(Bag, path).Replace('\\', '/');

    public void Replace(string relative, string from, string to)
    {
        var text = File.ReadAllText(PathOf(relative));
        Assert.Contains(from, text, StringComparison.Ordinal);
        File.WriteAllText(PathOf(relative), text.Replace(from, to, StringComparison.Ordinal));
    }

    public static void FlipByte(string path, long offset)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = offset;
        var b = stream.ReadByte();
        stream.Position = offset;
        stream.WriteByte((byte)(b ^ 0x01));
    }

    /// <summary>What a careful forger does after editing a file: recompute its manifest line and the tag manifest.</summary>
    public void RehashManifests(string relative)
    {
        var manifest = relative.StartsWith("data/", StringComparison.Ordinal) ? "manifest-sha256.txt" : "tagmanifest-sha256.txt";
        Rewrite(manifest, relative);
        if (manifest == "manifest-sha256.txt")
        {
            Rewrite("tagmanifest-sha256.txt", manifest);
        }
    }

    /// <summary>What a careful forger does after changing payload sizes: recompute Payload-Oxum, and the tag manifest.</summary>
    public void FixPayloadOxum()
    {
        var payload = Directory.GetFiles(PathOf("data"), "*", SearchOption.AllDirectories);
        var oxum = File.ReadAllLines(PathOf("bag-info.txt")).Single(l => l.StartsWith("Payload-Oxum:", StringComparison.Ordinal));
        Replace("bag-info.txt", oxum, $"Payload-Oxum: {payload.Sum(f => new FileInfo(f).Length)}.{payload.Length}");
        RehashManifests("bag-info.txt");
    }

    /// <summary>What a careful forger does after deleting a payload file: drop its manifest line, and rehash the tag manifest.</summary>
    public void DropFromManifest(string relative)
    {
        var lines = File.ReadAllLines(PathOf("manifest-sha256.txt")).Where(l => !l.EndsWith("  " + relative, StringComparison.Ordinal));
        File.WriteAllText(PathOf("manifest-sha256.txt"), string.Join('\n', lines) + "\n", new UTF8Encoding(false));
        Rewrite("tagmanifest-sha256.txt", "manifest-sha256.txt");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void Rewrite(string manifest, string relative)
    {
        var lines = File.ReadAllLines(PathOf(manifest));
        using var file = File.OpenRead(PathOf(relative));
        var hash = EvidenceHasher.HashAsync(file).GetAwaiter().GetResult().Digest.Hex;
        var updated = lines.Select(l => l.EndsWith("  " + relative, StringComparison.Ordinal) ? $"{hash}  {relative}" : l);
        File.WriteAllText(PathOf(manifest), string.Join('\n', updated) + "\n", new UTF8Encoding(false));
    }
}
