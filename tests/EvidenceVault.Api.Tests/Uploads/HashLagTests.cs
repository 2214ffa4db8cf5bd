using System.Net;
using System.Security.Cryptography;
using EvidenceVault.Api.Tests.Infrastructure;

namespace EvidenceVault.Api.Tests.Uploads;

/// <summary>
/// Chunks with an MD5, longer and shorter than the 8 MiB the evidence hash may lag by, over a real socket: the hash
/// of the held bytes, taken while storage checks the block, is the file's.
/// </summary>
[Collection(VaultOnAzurite.Name)]
public sealed class HashLagTests(VaultOnKestrel app) : IClassFixture<VaultOnKestrel>
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public async Task Chunks_with_an_md5_longer_and_shorter_than_the_lag_make_one_item_with_the_files_hash()
    {
        using var vault = await app.CreateCaseAsync();
        using var http = app.PlainClient(vault.OwnerToken);
        var tus = new TusClient(http, vault.CaseId);
        var file = TusProtocolTests.IngestTestsPng((12 * MiB) + (8 * MiB) + (3 * MiB) + 12_345);
        var upload = await tus.OpenAsync(file.Length);

        using var longer = await tus.PatchAsync(upload, 0, file.AsMemory(0, 12 * MiB), "md5");
        using var exact = await tus.PatchAsync(upload, 12 * MiB, file.AsMemory(12 * MiB, 8 * MiB), "md5");
        using var last = await tus.SendRestAsync(upload, file, 3 * MiB, "md5");

        Assert.Equal([HttpStatusCode.NoContent, HttpStatusCode.NoContent, HttpStatusCode.NoContent], new[] { longer.StatusCode, exact.StatusCode, last.StatusCode });
        var item = Assert.Single(await vault.ListItemsAsync());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(file)), item.Sha256);
        Assert.Equal(file.Length, item.Size);
        Assert.True((await vault.CheckCustodyAsync()).IsIntact);
    }
}
