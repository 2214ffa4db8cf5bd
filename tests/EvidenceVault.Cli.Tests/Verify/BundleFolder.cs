using System.IO.Compression;
using System.Text;
using System.Text.Json;
using EvidenceVault.Custody;
using EvidenceVault.Evidence;
using EvidenceVault.Serialization;
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

    /// <summary>The whole case's bundle, or, with <paramref name="contributor"/>, one sender's (who sent all three items here).</summary>
    public static async Task<BundleFolder> CreateAsync(string? contributor = null)
    {
        var folder = new BundleFolder();
        string[] files = [SampleEvidence.PathOf("screenshot-refund-page.png"), SampleEvidence.PathOf("call-recording.m4a"), SampleEvidence.PathOf("page-snapshot-refund.mhtml")];
        var bundle = contributor is null
            ? await LocalBundles.CreateAsync(folder._root, files)
            : await LocalBundles.CreateForContributorAsync(folder._root, contributor, files);
        (folder.Zip, folder.TsaRoot, folder.VaultKey) = (bundle.Zip, bundle.TsaRootPem, bundle.VaultKeyPem);
        ZipFile.ExtractToDirectory(folder.Zip, Path.Combine(folder._root, "unzipped"));
        folder.Bag = Directory.GetDirectories(Path.Combine(folder._root, "unzipped")).Single();
        return folder;
    }

    public string PathOf(string relative) => Path.Combine(Bag, relative);

    public string FirstEvidence => Directory.GetFiles(PathOf("data/evidence")).Order(StringComparer.Ordinal).First();

    public string Relative(string path) => Path.GetRelativePath(Bag, path).Replace('\\', '/');

    public void Replace(string relative, string from, string to) => BagForgery.Replace(Bag, relative, from, to);

    public static void FlipByte(string path, long offset)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = offset;
        var b = stream.ReadByte();
        stream.Position = offset;
        stream.WriteByte((byte)(b ^ 0x01));
    }

    /// <summary>What a careful forger does after editing a file: recompute its manifest line and the tag manifest.</summary>
    public void RehashManifests(string relative) => BagForgery.RehashManifests(Bag, relative);

    /// <summary>What a careful forger does after changing payload sizes: recompute Payload-Oxum, and the tag manifest.</summary>
    public void FixPayloadOxum() => BagForgery.FixPayloadOxum(Bag);

    /// <summary>What a careful forger does after deleting a payload file: drop its manifest line, and rehash the tag manifest.</summary>
    public void DropFromManifest(string relative)
    {
        var lines = File.ReadAllLines(PathOf("manifest-sha256.txt")).Where(l => !l.EndsWith("  " + relative, StringComparison.Ordinal));
        File.WriteAllText(PathOf("manifest-sha256.txt"), string.Join('\n', lines) + "\n", new UTF8Encoding(false));
        BagForgery.Rewrite(Bag, "tagmanifest-sha256.txt", "manifest-sha256.txt");
    }

    /// <summary>
    /// What a forger who wants one item gone does: delete its evidence, timestamp and receipt, drop its row from the
    /// catalog and write <c>items.csv</c> again from it, and make every manifest agree; with <paramref name="rechainCustody"/>, also take its
    /// lines out of the custody log, count one item less in the export's line, chain the lines after them again and
    /// point the catalog's items and head at their new lines (without it, the log stays as the vault wrote it).
    /// Returns the item's id.
    /// </summary>
    public string TakeOutItem(int index, bool rechainCustody = true)
    {
        var catalog = JsonSerializer.Deserialize<BundleCatalog>(File.ReadAllText(PathOf("data/items.json")), VaultJson.Indented)!;
        var gone = catalog.Items[index];
        foreach (var file in new[] { gone.File!, $"data/timestamps/{gone.ItemId}.tsr", $"data/receipts/{gone.ItemId}.json", $"data/receipts/{gone.ItemId}.json.sig" })
        {
            File.Delete(PathOf(file));
            DropFromManifest(file);
        }

        var shortened = catalog with { Items = [.. catalog.Items.Where(item => item != gone)] };
        if (rechainCustody)
        {
            var lines = new List<string>();
            var moved = new Dictionary<long, ItemCustody>();
            var head = CustodyHead.Empty;
            foreach (var custodyEvent in File.ReadAllLines(PathOf("data/custody-log.jsonl")).Select(CustodyEvent.Parse).Where(e => e.ItemId != gone.ItemId))
            {
                var counted = custodyEvent.Type == CustodyEventTypes.BundleExported
                    ? custodyEvent with { Details = ExportDetails.Of(shortened.Items.Count, contributor: null) }
                    : custodyEvent;
                var chained = (counted with { Seq = head.Seq + 1, Prev = head.Hash.Hex }).ToLine();
                lines.Add(chained);
                head = new CustodyHead(head.Seq + 1, CustodyEvent.HashLine(chained));
                moved[custodyEvent.Seq] = new ItemCustody(head.Seq, head.Hash.Hex);
            }

            WriteAndRehash("data/custody-log.jsonl", string.Join('\n', lines) + "\n");
            shortened = shortened with
            {
                CustodyHead = new ItemCustody(head.Seq, head.Hash.Hex),
                Items = [.. shortened.Items.Select(item => item with { Custody = moved[item.Custody.Seq] })],
            };
        }

        WriteAndRehash("data/items.json", JsonSerializer.Serialize(shortened, VaultJson.Indented) + "\n");
        BagForgery.RewriteItemsCsv(Bag);
        return gone.ItemId;
    }

    /// <summary>What a forger does to remove the vault log proof: delete its files and their manifest lines.</summary>
    public void TakeOutLogProof()
    {
        foreach (var file in Directory.GetFiles(PathOf("data/log")))
        {
            File.Delete(file);
            DropFromManifest(Relative(file));
        }

        FixPayloadOxum();
    }

    private void WriteAndRehash(string relative, string text)
    {
        File.WriteAllText(PathOf(relative), text, new UTF8Encoding(false));
        RehashManifests(relative);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
