using EvidenceVault.Api.Tests.Infrastructure;

namespace EvidenceVault.Api.Tests.Storage;

/// <summary>When storage cannot be reached the vault says so (503, Retry-After) and takes nothing.</summary>
[Collection(VaultOnAzurite.Name)]
public sealed class StorageOutageTests(StorageOutageTests.UnreachableStorageVault app) : IClassFixture<StorageOutageTests.UnreachableStorageVault>
{
    /// <summary>A vault whose storage endpoint is a closed port on this machine.</summary>
    public sealed class UnreachableStorageVault : VaultApp
    {
        protected override string StorageConnectionString =>
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + EvidenceVault.Api.Storage.AzuriteProcess.AccountKey +
            ";BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;";
    }

    [Fact]
    public async Task CreateCase_StorageDown_Is503WithRetryAfter()
    {
        using var client = app.CreateClient();

        using var response = await client.PostAsync("/api/cases", null);

        await ProblemAssert.IsAsync(response, 503, "storage-unavailable");
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }

    [Fact]
    public async Task Health_StorageDown_Is503()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/api/health");

        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("unavailable", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

/// <summary>With immutability required, a container without WORM (Azurite has none) takes no evidence at all.</summary>
[Collection(VaultOnAzurite.Name)]
public sealed class MutableContainerTests(MutableContainerTests.RequiresWormVault app) : IClassFixture<MutableContainerTests.RequiresWormVault>
{
    public sealed class RequiresWormVault : VaultApp
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
            [new("EvidenceVault:Storage:RequireImmutableContainer", "true")];
    }

    [Fact]
    public async Task CreateCaseAndHealth_ContainerNotImmutable_Are503AndNothingIsWritten()
    {
        using var client = app.CreateClient();

        using var create = await client.PostAsync("/api/cases", null);
        using var health = await client.GetAsync("/api/health");

        await ProblemAssert.IsAsync(create, 503, "storage-not-immutable");
        Assert.Contains("not-immutable", await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var blobs = new List<string>();
        await foreach (var blob in app.Container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, null, default))
        {
            blobs.Add(blob.Name);
        }

        Assert.Empty(blobs);
    }
}
