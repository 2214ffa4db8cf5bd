using Azure.Data.Tables;
using Azure.Storage.Blobs;
using EvidenceVault.Api.Storage;
using EvidenceVault.Testing;

namespace EvidenceVault.Api.Tests.Storage;

/// <summary>
/// The local vault's storage (<c>dotnet run</c>) is an Azurite that keeps its data on disk. Azurite writes its
/// metadata to disk only every five seconds and when it closes, so stopping it must let it close: otherwise the
/// uploads answered in the last seconds before a stop would lose their index rows, timestamps and receipts.
/// </summary>
public sealed class LocalStorageTests
{
    [Fact]
    public async Task What_was_written_just_before_the_local_storage_stopped_is_there_after_it_starts_again()
    {
        var tools = Path.Combine(SampleEvidence.RepositoryRoot, "tools", "azurite");
        var data = Directory.CreateTempSubdirectory("ev-local-storage-").FullName;
        try
        {
            await using (var azurite = await AzuriteProcess.StartAsync(new AzuriteLaunch(tools, data, 0, 0, 0), TimeSpan.FromMinutes(5)))
            {
                var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("evidence");
                await container.CreateAsync();
                var table = new TableServiceClient(azurite.ConnectionString).GetTableClient("items");
                await table.CreateAsync();

                // Well inside Azurite's five seconds, then stopped at once.
                await container.GetBlobClient("cases/C/items/I/receipts/001.json").UploadAsync(BinaryData.FromString("{\"receipt\":1}"));
                await table.AddEntityAsync(new TableEntity("C", "I") { ["Sha256"] = new string('a', 64) });
            }

            await using var restarted = await AzuriteProcess.StartAsync(new AzuriteLaunch(tools, data, 0, 0, 0), TimeSpan.FromMinutes(5));
            var receipt = await new BlobServiceClient(restarted.ConnectionString).GetBlobContainerClient("evidence")
                .GetBlobClient("cases/C/items/I/receipts/001.json").DownloadContentAsync();
            var row = await new TableServiceClient(restarted.ConnectionString).GetTableClient("items").GetEntityAsync<TableEntity>("C", "I");
            Assert.Equal("{\"receipt\":1}", receipt.Value.Content.ToString());
            Assert.Equal(new string('a', 64), row.Value.GetString("Sha256"));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
