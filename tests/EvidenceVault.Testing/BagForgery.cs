using System.Text;
using System.Text.Json;
using EvidenceVault.Evidence;
using EvidenceVault.Hashing;
using EvidenceVault.Serialization;

namespace EvidenceVault.Testing;

/// <summary>What a careful forger does to an unpacked bag: edit a file, then make its manifests agree again.</summary>
public static class BagForgery
{
    /// <summary>Replaces <paramref name="from"/> (which must be there) with <paramref name="to"/> in a file of the bag.</summary>
    public static void Replace(string bag, string relative, string from, string to)
    {
        var path = Path.Combine(bag, relative);
        var text = File.ReadAllText(path);
        Assert.Contains(from, text, StringComparison.Ordinal);
        File.WriteAllText(path, text.Replace(from, to, StringComparison.Ordinal));
    }

    /// <summary>
    /// Re-catalogues an intact bag as a careful forger would — <paramref name="from"/> to <paramref name="to"/> in
    /// <c>data/items.json</c> (the same length, so the payload's size holds), manifests recomputed — and asserts the
    /// verifier's one finding: the catalog no longer agrees with the custody line, about <paramref name="about"/>.
    /// </summary>
    public static async Task AssertRecataloguingCaughtAsync(string bag, string from, string to, string about)
    {
        var intact = await Bundles.BagVerifier.VerifyAsync(bag);
        Assert.True(intact.Intact, string.Join("\n", intact.Findings));
        Assert.Equal(from.Length, to.Length);

        var finding = Assert.Single(await RecatalogueAsync(bag, from, to));
        Assert.Equal(Bundles.BagFindingCodes.CustodyMismatch, finding.Code);
        Assert.Contains(about, finding.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Edits the catalog as a careful forger would — <paramref name="from"/> to <paramref name="to"/> in
    /// <c>data/items.json</c>, its spreadsheet written again from it, the manifests and <c>Payload-Oxum</c> made to
    /// agree — and returns what the verifier then finds.
    /// </summary>
    public static async Task<IReadOnlyList<Bundles.BagFinding>> RecatalogueAsync(string bag, string from, string to)
    {
        Replace(bag, Bundles.BagVerifier.CatalogPath, from, to);
        RehashManifests(bag, Bundles.BagVerifier.CatalogPath);
        RewriteItemsCsv(bag);
        return (await Bundles.BagVerifier.VerifyAsync(bag)).Findings;
    }

    /// <summary>
    /// What a careful forger does after editing the catalog: write its spreadsheet (<c>items.csv</c>) again from it, as
    /// the vault writes it, and make the manifests and <c>Payload-Oxum</c> agree.
    /// </summary>
    public static void RewriteItemsCsv(string bag)
    {
        var catalog = JsonSerializer.Deserialize<BundleCatalog>(File.ReadAllText(Path.Combine(bag, Bundles.BagVerifier.CatalogPath)), VaultJson.Indented)!;
        File.WriteAllText(Path.Combine(bag, Bundles.BagVerifier.ItemsCsvPath), Bundles.ItemsCsv.Format(catalog.Items), new UTF8Encoding(false));
        RehashManifests(bag, Bundles.BagVerifier.ItemsCsvPath);
        FixPayloadOxum(bag);
    }

    /// <summary>What a careful forger does after changing payload sizes: recompute Payload-Oxum, and the tag manifest.</summary>
    public static void FixPayloadOxum(string bag)
    {
        var payload = Directory.GetFiles(Path.Combine(bag, "data"), "*", SearchOption.AllDirectories);
        var oxum = File.ReadAllLines(Path.Combine(bag, "bag-info.txt")).Single(l => l.StartsWith("Payload-Oxum:", StringComparison.Ordinal));
        Replace(bag, "bag-info.txt", oxum, $"Payload-Oxum: {payload.Sum(f => new FileInfo(f).Length)}.{payload.Length}");
        RehashManifests(bag, "bag-info.txt");
    }

    /// <summary>Recomputes the edited file's manifest line and, for a payload file, the tag manifest's line for that manifest.</summary>
    public static void RehashManifests(string bag, string relative)
    {
        var manifest = relative.StartsWith("data/", StringComparison.Ordinal) ? "manifest-sha256.txt" : "tagmanifest-sha256.txt";
        Rewrite(bag, manifest, relative);
        if (manifest == "manifest-sha256.txt")
        {
            Rewrite(bag, "tagmanifest-sha256.txt", manifest);
        }
    }

    /// <summary>Sets <paramref name="relative"/>'s line in <paramref name="manifest"/> to the file's SHA-256.</summary>
    public static void Rewrite(string bag, string manifest, string relative)
    {
        var lines = File.ReadAllLines(Path.Combine(bag, manifest));
        using var file = File.OpenRead(Path.Combine(bag, relative));
        var hash = EvidenceHasher.HashAsync(file).GetAwaiter().GetResult().Digest.Hex;
        var updated = lines.Select(l => l.EndsWith("  " + relative, StringComparison.Ordinal) ? $"{hash}  {relative}" : l);
        File.WriteAllText(Path.Combine(bag, manifest), string.Join('\n', updated) + "\n", new UTF8Encoding(false));
    }
}
