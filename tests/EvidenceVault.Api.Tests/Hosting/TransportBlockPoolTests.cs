using System.Net;
using EvidenceVault.Api.Hosting;
using EvidenceVault.Api.Tests.Infrastructure;
using EvidenceVault.Testing;

namespace EvidenceVault.Api.Tests.Hosting;

/// <summary>The 64 KiB blocks Kestrel receives uploads into: reuse, limits, and that Kestrel really takes them.</summary>
[Collection(VaultOnAzurite.Name)]
public sealed class TransportBlockPoolTests(VaultOnKestrel app) : IClassFixture<VaultOnKestrel>
{
    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    [InlineData(4096)]
    [InlineData(TransportBlockPool.DefaultBlockSize)]
    public void Rent_AnySizeUpToABlock_GivesAWholeBlock(int minBufferSize)
    {
        using var pool = new TransportBlockPool();

        using var lease = pool.Rent(minBufferSize);

        Assert.Equal(TransportBlockPool.DefaultBlockSize, lease.Memory.Length);
        Assert.Equal(TransportBlockPool.DefaultBlockSize, pool.MaxBufferSize);
    }

    [Fact]
    public void Rent_MoreThanABlock_Throws()
    {
        using var pool = new TransportBlockPool();

        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(TransportBlockPool.DefaultBlockSize + 1));
    }

    [Fact]
    public void Rent_AfterAReturn_ReusesTheBlock()
    {
        using var pool = new TransportBlockPool();
        var first = pool.Rent();
        var firstMemory = first.Memory;
        first.Dispose();

        using var second = pool.Rent();

        Assert.True(second.Memory.Span.Overlaps(firstMemory.Span));
        Assert.Equal(1, pool.BlocksCreated);
    }

    [Fact]
    public void Dispose_Twice_ReturnsTheBlockOnce()
    {
        using var pool = new TransportBlockPool();
        var lease = pool.Rent();
        lease.Dispose();
        lease.Dispose();

        using var a = pool.Rent();
        using var b = pool.Rent();

        Assert.False(a.Memory.Span.Overlaps(b.Memory.Span));
        Assert.Equal(2, pool.BlocksCreated);
        Assert.Throws<ObjectDisposedException>(() => lease.Memory);
    }

    [Fact]
    public void Return_BeyondTheRetainedLimit_LetsBlocksGo()
    {
        using var pool = new TransportBlockPool(blockSize: 1024, maxRetainedBlocks: 2);
        var leases = Enumerable.Range(0, 4).Select(_ => pool.Rent()).ToList();
        leases.ForEach(lease => lease.Dispose());

        var again = Enumerable.Range(0, 4).Select(_ => pool.Rent()).ToList();

        Assert.Equal(6, pool.BlocksCreated); // two of the four came back from the pool, two are new
        again.ForEach(lease => lease.Dispose());
    }

    [Fact]
    public async Task Kestrel_ReceivesAnUploadIntoTheVaultsBlocks()
    {
        var blocks = app.Services.GetRequiredService<TransportBlockPoolFactory>();
        using var vault = await app.CreateCaseAsync();
        using var client = app.PlainClient(vault.OwnerToken);
        await using var screenshot = File.OpenRead(SampleEvidence.PathOf("screenshot-refund-page.png"));
        using var content = new StreamContent(screenshot);

        using var response = await client.PostAsync($"/api/cases/{vault.CaseId}/items", content);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.True(blocks.BlocksCreated > 0, "Kestrel's socket transport did not take its memory from TransportBlockPoolFactory");
    }
}
