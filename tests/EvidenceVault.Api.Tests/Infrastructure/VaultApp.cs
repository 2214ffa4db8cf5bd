using System.Net.Http.Headers;
using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.TestHost;
using EvidenceVault.Api.Access;
using EvidenceVault.Api.Cases;
using EvidenceVault.Api.Items;
using EvidenceVault.Api.Storage;
using EvidenceVault.Custody;
using EvidenceVault.Evidence;
using EvidenceVault.Serialization;
using Microsoft.AspNetCore.Mvc.Testing;

namespace EvidenceVault.Api.Tests.Infrastructure;

/// <summary>
/// The vault app in-process against the shared Azurite, with its own container and tables, so test classes
/// never see each other's data. Subclasses change settings (limits, a dead storage endpoint).
/// </summary>
public class VaultApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..10];
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("ev-app-").FullName;
    private string _connectionString = string.Empty;

    public string ContainerName => "evidence-" + _suffix;

    public string TablePrefix => "t" + _suffix;

    public CapturedLogs Logs { get; } = new();

    /// <summary>The app's data folder: its development timestamp authority and receipt key live here.</summary>
    public string DataDirectory => _dataDirectory;

    internal BlobContainerClient Container => new BlobServiceClient(_connectionString).GetBlobContainerClient(ContainerName);

    internal TableClient Table(string name) => new TableServiceClient(_connectionString).GetTableClient(TablePrefix + name);

    public virtual async Task InitializeAsync() => _connectionString = (await TestAzurite.InstanceAsync()).ConnectionString;

    public new virtual async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    /// <summary>Settings on top of the storage wiring.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings() => [];

    protected virtual string StorageConnectionString => _connectionString;

    /// <summary>Services to replace after the app registered its own (a fake clock, …).</summary>
    protected virtual void ReplaceServices(Microsoft.Extensions.DependencyInjection.IServiceCollection services)
    {
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("EvidenceVault:StartAzurite", "false");
        builder.UseSetting("EvidenceVault:DataDirectory", _dataDirectory);
        builder.UseSetting($"{VaultStorageOptions.Section}:ConnectionString", StorageConnectionString);
        builder.UseSetting($"{VaultStorageOptions.Section}:EvidenceContainer", ContainerName);
        builder.UseSetting($"{VaultStorageOptions.Section}:TablePrefix", TablePrefix);
        builder.UseSetting($"{VaultStorageOptions.Section}:MaxRetries", "1");

        // Every test is the same client: limits are exercised by the security tests' own app.
        builder.UseSetting("EvidenceVault:Limits:CaseCreationsPerMinute", "100000");
        builder.UseSetting("EvidenceVault:Limits:FailedTokenAttemptsPerMinute", "100000");
        builder.UseSetting("EvidenceVault:Limits:UploadsPerMinute", "100000");
        builder.UseSetting("EvidenceVault:Limits:LogReadsPerMinute", "100000");
        builder.UseSetting("EvidenceVault:Limits:CapturesPerMinute", "100000");

        // Page captures may reach the tests' scam site on 127.0.0.1, and nothing else off the public internet, and
        // trust its own certificate authority as an intranet's (a certificate it signed itself stays refused).
        builder.UseSetting("EvidenceVault:Capture:AllowedPrivateNetworks:0", "127.0.0.1/32");
        builder.UseSetting("EvidenceVault:Capture:TrustedRootCertificateFiles:0", ScamSite.RootCertificateFile);
        // Saved e-mails' signing domains are asked for their keys at the tests' own name server.
        builder.UseSetting("EvidenceVault:MailKeys:NameServers:0", KeyNameServer.Instance.Address);
        builder.UseSetting("EvidenceVault:MailKeys:Timeout", "00:00:01");
        foreach (var (key, value) in Settings())
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        builder.ConfigureTestServices(ReplaceServices);
    }

    /// <summary>Opens a case and returns a client that carries its owner token.</summary>
    public async Task<TestCase> CreateCaseAsync(string? title = "Refund scam 退款诈骗")
    {
        using var anonymous = CreateClient();
        var response = await anonymous.PostAsJsonAsync("/api/cases", new { title });
        response.EnsureSuccessStatusCode();
        var created = (await response.Content.ReadFromJsonAsync<CreatedCase>(VaultJson.Compact))!;
        return new TestCase(this, created.CaseId, created.OwnerToken, ClientWith(created.OwnerToken));
    }

    /// <summary>A client that sends <paramref name="token"/> with every request (none when null).</summary>
    public HttpClient ClientWith(string? token)
    {
        var client = CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    /// <summary>Committed blobs of a case, read from storage itself.</summary>
    public async Task<List<string>> CommittedBlobsAsync(string caseId)
    {
        var names = new List<string>();
        await foreach (var blob in Container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, $"cases/{caseId}/items/", default))
        {
            names.Add(blob.Name);
        }

        return names;
    }

    /// <summary>Committed evidence originals of a case (no timestamps or receipts), read from storage itself.</summary>
    public async Task<List<string>> CommittedOriginalsAsync(string caseId) =>
        [.. (await CommittedBlobsAsync(caseId)).Where(name => name.EndsWith("/original", StringComparison.Ordinal))];

    /// <summary>Every row of a case in the items table (items and digest rows), read from storage itself.</summary>
    public async Task<List<TableEntity>> IndexRowsAsync(string caseId)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in Table("items").QueryAsync<TableEntity>(e => e.PartitionKey == caseId))
        {
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>The offset of the case's (first) resumable upload, read from the uploads table itself; 0 before it exists.</summary>
    public async Task<long> UploadOffsetAsync(string caseId)
    {
        await foreach (var row in Table("uploads").QueryAsync<TableEntity>(e => e.PartitionKey == caseId))
        {
            return row.GetInt64("Offset") ?? 0;
        }

        return 0;
    }

    /// <summary>Deletes every row of the vault log table, as an operator with the storage account's keys could.</summary>
    public async Task EmptyVaultLogTableAsync()
    {
        await foreach (var row in Table("vaultlog").QueryAsync<TableEntity>())
        {
            await Table("vaultlog").DeleteEntityAsync(row.PartitionKey, row.RowKey);
        }
    }

    /// <summary>Deletes the vault log's stored checkpoints — which only an account without immutability (Azurite) allows.</summary>
    public async Task DeleteStoredCheckpointsAsync()
    {
        await foreach (var blob in Container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, "log/", CancellationToken.None))
        {
            await Container.DeleteBlobAsync(blob.Name);
        }
    }

    /// <summary>The raw custody log of a case, read from storage itself.</summary>
    public async Task<string> CustodyLogAsync(string caseId)
    {
        var content = await Container.GetBlobClient($"cases/{caseId}/custody.log").DownloadContentAsync();
        return Encoding.UTF8.GetString(content.Value.Content.ToMemory().Span);
    }
}

/// <summary>A case created for a test, with an authenticated client.</summary>
public sealed record TestCase(VaultApp App, string CaseId, string OwnerToken, HttpClient Client) : IDisposable
{
    public async Task<HttpResponseMessage> UploadAsync(string fixture, Action<HttpRequestMessage>? configure = null) =>
        await UploadAsync(new StreamContent(File.OpenRead(EvidenceVault.Testing.SampleEvidence.PathOf(fixture))), configure);

    public async Task<HttpResponseMessage> UploadAsync(HttpContent content, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/cases/{CaseId}/items") { Content = content };
        configure?.Invoke(request);
        return await Client.SendAsync(request);
    }

    /// <summary>Uploads the file at <paramref name="path"/> as a new item (201 Created) and returns it.</summary>
    public async Task<EvidenceItemRecord> UploadNewItemAsync(string path, Action<HttpRequestMessage>? configure = null)
    {
        using var response = await UploadAsync(new StreamContent(File.OpenRead(path)), configure);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<EvidenceItemRecord>(VaultJson.Compact))!;
    }

    public async Task<EvidenceItemRecord> UploadItemAsync(string fixture)
    {
        using var response = await UploadAsync(fixture);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<EvidenceItemRecord>(VaultJson.Compact))!;
    }

    /// <summary>A grant the case's owner issues (a contributor's or a lawyer's link token).</summary>
    public async Task<CreatedGrant> GrantAsync(string role, string? label, DateTimeOffset? expiresAt = null)
    {
        using var response = await Client.PostAsJsonAsync($"/api/cases/{CaseId}/grants", new { role, label, expiresAt }, VaultJson.Compact);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<CreatedGrant>(VaultJson.Compact))!;
    }

    public async Task<List<EvidenceItemRecord>> ListItemsAsync()
    {
        var page = await Client.GetFromJsonAsync<ItemPage>($"/api/cases/{CaseId}/items?pageSize=1000", VaultJson.Compact);
        return [.. page!.Items];
    }

    public async Task<CustodyChainCheck> CheckCustodyAsync()
    {
        var log = await App.CustodyLogAsync(CaseId);
        return await CustodyChain.CheckAsync(new StringReader(log), CaseId);
    }

    /// <summary>Exports the case as its owner and saves the bundle in <paramref name="folder"/>.</summary>
    public async Task<string> DownloadBundleAsync(string folder)
    {
        using var response = await Client.GetAsync($"/api/cases/{CaseId}/bundle", HttpCompletionOption.ResponseHeadersRead);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var zip = Path.Combine(folder, Guid.NewGuid().ToString("N") + ".zip");
        await using var file = File.Create(zip);
        await response.Content.CopyToAsync(file);
        return zip;
    }

    /// <summary>Exports the case as its owner and unpacks the bundle in <paramref name="folder"/>: the bag's own folder.</summary>
    public async Task<string> DownloadBagAsync(string folder)
    {
        var zip = await DownloadBundleAsync(folder);
        var unpacked = Path.Combine(folder, Path.GetFileNameWithoutExtension(zip));
        System.IO.Compression.ZipFile.ExtractToDirectory(zip, unpacked);
        return Directory.GetDirectories(unpacked).Single();
    }

    /// <summary>The same case through another of its tokens (a victim's or a lawyer's link).</summary>
    public TestCase As(string token) => this with { Client = App.ClientWith(token) };

    public void Dispose() => Client.Dispose();
}
