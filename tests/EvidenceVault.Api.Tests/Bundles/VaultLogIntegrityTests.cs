using System.IO.Compression;
using Azure.Data.Tables;
using EvidenceVault.Api.Tests.Infrastructure;
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
        await vault.DownloadBundleAsync(_work);
        var zip = await vault.DownloadBundleAsync(_work);

        var folders = new List<string>();
        await foreach (var blob in app.Container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, "log/checkpoints/", CancellationToken.None))
        {
            folders.Add(blob.Name[..(blob.Name.LastIndexOf('/') + 1)]);
        }

        using var bundle = ZipFile.OpenRead(zip);
        foreach (var file in new[] { "checkpoint.txt", "checkpoint.txt.sig", "checkpoint.tsr" })
        {
            var inBundle = await ReadAsync(bundle.Entries.Single(e => e.FullName.EndsWith("/data/log/" + file, StringComparison.Ordinal)).Open());
            var stored = (await app.Container.GetBlobClient(folders[0] + file).DownloadContentAsync()).Value.Content.ToArray();
            Assert.Equal(Sha256Digest.Of(inBundle), Sha256Digest.Of(stored));
        }

        Assert.Equal(folders.Distinct().Count() * 3, folders.Count);
        var text = System.Text.Encoding.UTF8.GetString((await app.Container.GetBlobClient(folders[0] + "checkpoint.txt").DownloadContentAsync()).Value.Content.ToArray());
        var newest = long.Parse(text.Split('\n')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(2, folders.Distinct().Count());
        Assert.True(newest >= 2, text);
    }

    [Fact]
    public async Task An_edited_or_emptied_log_stops_exports_and_the_refused_export_writes_nothing()
    {
        using var vault = await app.CreateCaseAsync();
        await vault.DownloadBundleAsync(_work);
        var table = app.Table("vaultlog");
        var leaf = await FirstLeafAsync(table);
        var honest = leaf.GetString("Hash");

        leaf["Hash"] = new string('0', 64);
        await table.UpdateEntityAsync(leaf, Azure.ETag.All, TableUpdateMode.Merge);
        await AssertExportRefusedAsync(vault);

        leaf["Hash"] = honest;
        await table.UpdateEntityAsync(leaf, Azure.ETag.All, TableUpdateMode.Merge);
        await vault.DownloadBundleAsync(_work);

        await foreach (var row in table.QueryAsync<TableEntity>())
        {
            await table.DeleteEntityAsync(row.PartitionKey, row.RowKey);
        }

        await AssertExportRefusedAsync(vault);
        await foreach (var row in table.QueryAsync<TableEntity>())
        {
            Assert.Fail($"the refused export wrote {row.RowKey} into the log");
        }

        Assert.Contains(app.Logs.Lines, line => line.StartsWith("Critical ", StringComparison.Ordinal) && line.Contains("The vault log is inconsistent", StringComparison.Ordinal));

        // Start this class's log afresh for the other tests (only an account without immutability allows this).
        await foreach (var blob in app.Container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, "log/", CancellationToken.None))
        {
            await app.Container.DeleteBlobAsync(blob.Name);
        }
    }

    private async Task AssertExportRefusedAsync(TestCase vault)
    {
        var custodyBefore = await app.CustodyLogAsync(vault.CaseId);

        using var response = await vault.Client.GetAsync($"/api/cases/{vault.CaseId}/bundle");

        await ProblemAssert.IsAsync(response, 503, "vault-log-inconsistent");
        Assert.Equal(custodyBefore, await app.CustodyLogAsync(vault.CaseId));
    }

    private static async Task<TableEntity> FirstLeafAsync(TableClient table)
    {
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == "tree"))
        {
            if (row.RowKey.StartsWith("node-00-", StringComparison.Ordinal))
            {
                return row;
            }
        }

        throw new InvalidOperationException("The log has no entry.");
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
