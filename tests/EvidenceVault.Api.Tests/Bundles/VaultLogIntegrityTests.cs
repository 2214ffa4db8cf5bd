using System.IO.Compression;
using Azure.Data.Tables;
using EvidenceVault.Api.Tests.Infrastructure;
using EvidenceVault.Bundles;
using EvidenceVault.Hashing;

namespace EvidenceVault.Api.Tests.Bundles;

/// <summary>
/// The vault log guards itself: each checkpoint is also stored write-once beside the evidence, and an export first
/// checks that the log table still extends the newest one. A lost or edited table stops exports, with nothing written.
/// </summary>
[Collection(VaultOnAzurite.Name)]
public sealed class VaultLogIntegrityTests(VaultApp app) : IClassFixture<VaultApp>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("ev-log-guard-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task Every_checkpoint_is_stored_write_once_as_the_bundle_carries_it_newest_listed_first()
    {
        using var vault = await app.CreateCaseAsync();
        var before = await StoredFoldersAsync();
        await vault.DownloadBundleAsync(_work);
        var zip = await vault.DownloadBundleAsync(_work);
        var folders = await StoredFoldersAsync();

        using var bundle = ZipFile.OpenRead(zip);
        foreach (var file in new[] { "checkpoint.txt", "checkpoint.txt.sig", "checkpoint.tsr" })
        {
            var inBundle = await ReadAsync(bundle.Entries.Single(e => e.FullName.EndsWith("/data/log/" + file, StringComparison.Ordinal)).Open());
            var stored = (await app.Container.GetBlobClient(folders[0] + file).DownloadContentAsync()).Value.Content.ToArray();
            Assert.Equal(Sha256Digest.Of(inBundle), Sha256Digest.Of(stored));
        }

        Assert.Equal(2, folders.Except(before).Count());
    }

    /// <summary>The stored checkpoints' folders, in listing order (each holds checkpoint.txt, its .sig and checkpoint.tsr).</summary>
    private async Task<List<string>> StoredFoldersAsync()
    {
        var folders = new List<string>();
        await foreach (var blob in app.Container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, "log/checkpoints/", CancellationToken.None))
        {
            var folder = blob.Name[..(blob.Name.LastIndexOf('/') + 1)];
            if (folders.Count == 0 || folders[^1] != folder)
            {
                folders.Add(folder);
            }
        }

        Assert.All(folders, folder => Assert.Matches("^log/checkpoints/[0-9]{19}/$", folder));
        return folders;
    }

    [Fact]
    public async Task An_edited_or_emptied_log_stops_exports_and_the_refused_export_writes_nothing()
    {
        using var vault = await app.CreateCaseAsync();
        await vault.DownloadBundleAsync(_work);
        var table = app.Table("vaultlog");
        var node = await LargestSubtreeAsync(table);
        var honest = node.GetString("Hash");

        node["Hash"] = new string('0', 64);
        await table.UpdateEntityAsync(node, Azure.ETag.All, TableUpdateMode.Merge);
        await AssertExportRefusedAsync(vault);

        node["Hash"] = honest;
        await table.UpdateEntityAsync(node, Azure.ETag.All, TableUpdateMode.Merge);
        await vault.DownloadBundleAsync(_work);

        await app.EmptyVaultLogTableAsync();
        await AssertExportRefusedAsync(vault);
        await foreach (var row in table.QueryAsync<TableEntity>())
        {
            Assert.Fail($"the refused export wrote {row.RowKey} into the log");
        }

        Assert.Contains(app.Logs.Lines, line => line.StartsWith("Critical ", StringComparison.Ordinal) && line.Contains("The vault log is inconsistent", StringComparison.Ordinal));

        // Start this class's log afresh for the other tests.
        await app.DeleteStoredCheckpointsAsync();
    }

    [Fact]
    public async Task A_head_whose_frontier_is_not_the_tables_own_stops_exports_until_it_is_put_back()
    {
        using var vault = await app.CreateCaseAsync();
        await vault.DownloadBundleAsync(_work);
        var table = app.Table("vaultlog");
        var head = (await table.GetEntityAsync<TableEntity>("tree", "head")).Value;
        var honest = head.GetString("Frontier");
        var hashes = honest.Split(',');
        hashes[^1] = new string('f', 64);

        head["Frontier"] = string.Join(',', hashes);
        await table.UpdateEntityAsync(head, Azure.ETag.All, TableUpdateMode.Merge);
        await AssertExportRefusedAsync(vault);

        head["Frontier"] = honest;
        await table.UpdateEntityAsync(head, Azure.ETag.All, TableUpdateMode.Merge);
        Assert.True((await BagVerifier.VerifyAsync(await vault.DownloadBundleAsync(_work))).Intact);
    }

    [Fact]
    public async Task A_vault_set_to_another_log_name_makes_no_bundle_over_the_stored_checkpoints()
    {
        using var vault = await app.CreateCaseAsync();
        await vault.DownloadBundleAsync(_work);
        using var renamed = app.WithWebHostBuilder(builder => builder.UseSetting("EvidenceVault:Log:Origin", "another.example/log"));
        using var client = renamed.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", vault.OwnerToken);

        using var refused = await client.GetAsync($"/api/cases/{vault.CaseId}/bundle");

        await ProblemAssert.IsAsync(refused, 503, "vault-log-inconsistent");
        Assert.Contains(app.Logs.Lines, line => line.Contains("the vault is set to 'another.example/log'", StringComparison.Ordinal));
        await vault.DownloadBundleAsync(_work);
    }

    private async Task AssertExportRefusedAsync(TestCase vault)
    {
        var custodyBefore = await app.CustodyLogAsync(vault.CaseId);

        using var response = await vault.Client.GetAsync($"/api/cases/{vault.CaseId}/bundle");

        await ProblemAssert.IsAsync(response, 503, "vault-log-inconsistent");
        Assert.Equal(custodyBefore, await app.CustodyLogAsync(vault.CaseId));
    }

    /// <summary>The row of the largest complete subtree of the log: every checkpoint of its size or more stands on it.</summary>
    private static async Task<TableEntity> LargestSubtreeAsync(TableClient table)
    {
        var size = (await table.GetEntityAsync<TableEntity>("tree", "head")).Value.GetInt64("Size")!.Value;
        var (level, index) = EvidenceVault.Transparency.MerkleTree.Frontier(size).First();
        return (await table.GetEntityAsync<TableEntity>("tree", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"node-{level:D2}-{index:D19}"))).Value;
    }

    private static async Task<byte[]> ReadAsync(Stream stream)
    {
        await using (stream)
        {
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            return copy.ToArray();
        }
    }
}
