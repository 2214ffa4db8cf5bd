using EvidenceVault.Api.Cases;
using EvidenceVault.Evidence;
using System.Net;
using System.Security.Cryptography;
using EvidenceVault.Api.Tests.Infrastructure;
using EvidenceVault.Custody;
using EvidenceVault.Serialization;
using EvidenceVault.Testing;

namespace EvidenceVault.Api.Tests.Uploads;

/// <summary>A resumable upload across a vault that is killed in the middle of a PATCH and started again.</summary>
[Collection(VaultOnAzurite.Name)]
public sealed class UploadCrashTests(VaultApp app) : IClassFixture<VaultApp>, IDisposable
{
    private const int Chunk = 8 * 1024 * 1024;
    private readonly string _data = Directory.CreateTempSubdirectory("ev-crash-").FullName;

    /// <param name="algorithm">
    /// The PATCHes' <c>Upload-Checksum</c>: none (the vault reads each PATCH into blocks) or md5 (the vault passes
    /// each PATCH to storage as one block while it arrives).
    /// </param>
    [Theory]
    [InlineData(null)]
    [InlineData("md5")]
    public async Task Killed_mid_patch_and_restarted_the_upload_resumes_from_head_and_ends_as_exactly_one_item(string? algorithm)
    {
        var port = ApiProcess.FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        var file = RandomNumberGenerator.GetBytes(3 * Chunk);
        (await File.ReadAllBytesAsync(SampleEvidence.PathOf("screen-recording.webm"))).AsSpan(0, 4096).CopyTo(file);

        var vault = await StartAsync(port);
        using var anonymous = new HttpClient { BaseAddress = baseAddress };
        var created = await (await anonymous.PostAsJsonAsync("/api/cases", new { title = "Crash" })).Content.ReadFromJsonAsync<CreatedCase>(VaultJson.Compact);
        using var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", created!.OwnerToken);
        var tus = new TusClient(client, created.CaseId);
        var upload = await tus.OpenAsync(file.Length, new Dictionary<string, string> { ["filename"] = "screen-recording-whole-call.webm" });
        (await tus.PatchAsync(upload, 0, file.AsMemory(0, Chunk), algorithm ?? "sha256")).EnsureSuccessStatusCode();

        // The second chunk is half sent when the vault dies.
        using var halfSent = new SemaphoreSlim(0);
        using var giveUp = new CancellationTokenSource();
        var checksum = algorithm is null ? null : $"{algorithm} {TusClient.Checksum(algorithm, file.AsSpan(Chunk, Chunk))}";
        var cut = tus.PatchAsync(upload, Chunk, new StalledContent(file.AsMemory(Chunk, Chunk), halfSent, giveUp.Token), checksum);
        Assert.True(await halfSent.WaitAsync(TimeSpan.FromSeconds(30)));
        await Task.Delay(300); // the vault is reading and staging the half it has
        await vault.KillAsync();
        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => cut);

        await using var restarted = await StartAsync(port);
        var offset = await tus.OffsetAsync(upload);
        Assert.Equal(Chunk, offset);
        using var last = await tus.SendRestAsync(upload, file, Chunk, algorithm ?? "sha1");

        Assert.Equal(HttpStatusCode.NoContent, last.StatusCode);
        var itemId = last.Headers.GetValues("X-Evidence-Item-Id").Single();
        var item = await client.GetFromJsonAsync<EvidenceItemRecord>($"/api/cases/{created.CaseId}/items/{itemId}", VaultJson.Compact);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(file)), item!.Sha256);
        Assert.Equal(itemId, Assert.Single(await app.CommittedOriginalsAsync(created.CaseId)).Split('/')[^2]);
        Assert.Equal(2, (await app.IndexRowsAsync(created.CaseId)).Count); // the item and its digest row, once
        var log = await app.CustodyLogAsync(created.CaseId);
        var custody = await CustodyChain.CheckAsync(new StringReader(log), created.CaseId);
        Assert.True(custody.IsIntact);
        Assert.Single(custody.Events, e => e.Type == CustodyEventTypes.ItemReceived);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(file)), Convert.ToHexStringLower(SHA256.HashData(
            (await app.Container.GetBlobClient($"cases/{created.CaseId}/items/{itemId}/original").DownloadContentAsync()).Value.Content.ToArray())));
    }

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private async Task<ApiProcess> StartAsync(int port)
    {
        var azurite = await TestAzurite.InstanceAsync();
        var api = ApiProcess.Start(new Dictionary<string, string>
        {
            ["EvidenceVault__StartAzurite"] = "false",
            ["EvidenceVault__DataDirectory"] = _data,
            ["EvidenceVault__Storage__ConnectionString"] = azurite.ConnectionString,
            ["EvidenceVault__Storage__EvidenceContainer"] = app.ContainerName,
            ["EvidenceVault__Storage__TablePrefix"] = app.TablePrefix,
            ["Urls"] = $"http://127.0.0.1:{port}",
        });
        Assert.True(await api.WaitUntilHealthyAsync($"http://127.0.0.1:{port}/api/health", TimeSpan.FromSeconds(60)), api.Output);
        return api;
    }

    /// <summary>A body that sends its first half and then never the rest.</summary>
    private sealed class StalledContent(ReadOnlyMemory<byte> bytes, SemaphoreSlim halfSent, CancellationToken giveUp) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(bytes[..(bytes.Length / 2)]);
            await stream.FlushAsync();
            halfSent.Release();
            await Task.Delay(Timeout.Infinite, giveUp);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = bytes.Length;
            return true;
        }
    }
}
