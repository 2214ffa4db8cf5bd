using EvidenceVault.Api.Storage;
using EvidenceVault.Testing;

namespace EvidenceVault.Api.Tests.Infrastructure;

/// <summary>
/// One real Azurite for the whole test run: in memory, on ports Azurite picks itself (so parallel runs never
/// collide), installed from tools/azurite on first use. Its process tree is killed when the collection ends,
/// and again at process exit should a run be cut short.
/// </summary>
public sealed class TestAzurite : IAsyncLifetime
{
    private static readonly Lazy<Task<AzuriteProcess>> Shared = new(StartAsync);

    internal static Task<AzuriteProcess> InstanceAsync() => Shared.Value;

    public Task InitializeAsync() => Shared.Value;

    public async Task DisposeAsync()
    {
        if (Shared.IsValueCreated)
        {
            await (await Shared.Value).DisposeAsync();
        }
    }

    private static async Task<AzuriteProcess> StartAsync()
    {
        var tools = Path.Combine(SampleEvidence.RepositoryRoot, "tools", "azurite");
        var azurite = await AzuriteProcess.StartAsync(new AzuriteLaunch(tools, DataDirectory: null, 0, 0, 0), TimeSpan.FromMinutes(5));
        AppDomain.CurrentDomain.ProcessExit += (_, _) => azurite.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return azurite;
    }
}

/// <summary>Every test class that uses storage runs in this collection, sharing the one Azurite.</summary>
[CollectionDefinition(Name)]
public sealed class VaultOnAzurite : ICollectionFixture<TestAzurite>
{
    public const string Name = "vault on Azurite";
}
