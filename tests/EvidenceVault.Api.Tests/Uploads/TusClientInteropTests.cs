using System.Globalization;
using System.Text.Json;
using EvidenceVault.Api.Tests.Infrastructure;
using EvidenceVault.Testing;

namespace EvidenceVault.Api.Tests.Uploads;

/// <summary>The real JavaScript tus client (tus-js-client, pinned in tests/clients/tus-node) against the vault over real sockets.</summary>
[Collection(VaultOnAzurite.Name)]
public sealed class TusClientInteropTests(VaultOnKestrel app) : IClassFixture<VaultOnKestrel>
{
    private const int EightMegabytes = 8 * 1024 * 1024;

    private static string ClientFolder => Path.Combine(SampleEvidence.RepositoryRoot, "tests", "clients", "tus-node");

    [Fact]
    public async Task A_300_MB_recording_in_8_MB_chunks_survives_a_cut_connection_and_becomes_one_item_with_sha256sums_hash()
    {
        using var vault = await app.CreateCaseAsync();
        using var recording = await LargeRecording.CreateAsync(300L * 1024 * 1024);
        await using var network = new PhoneNetwork(app.BaseAddress, cutAfterBytes: 120L * 1024 * 1024);

        var run = await RunClientAsync(new Uri(network.Address, $"/api/cases/{vault.CaseId}/uploads").ToString(), vault.OwnerToken, recording.Path, EightMegabytes);

        Assert.Equal(1, network.Cuts);
        Assert.True(run.ExitCode == 0, run.Output);
        var events = Events(run.Output);
        Assert.Contains(events, e => e.GetProperty("event").GetString() == "retry" && e.GetProperty("status").GetInt32() == 0);
        var success = events.Single(e => e.GetProperty("event").GetString() == "success");
        var item = Assert.Single(await vault.ListItemsAsync());
        Assert.Equal(item.ItemId, success.GetProperty("itemId").GetString());
        Assert.Equal(await LargeRecording.Sha256SumAsync(recording.Path), item.Sha256);
        Assert.Equal((recording.Length, "video/mp4", "video"), (item.Size, item.ContentType, item.Kind));
        Assert.Single(await app.CommittedOriginalsAsync(vault.CaseId));
        Assert.True((await vault.CheckCustodyAsync()).IsIntact);
    }

    [Fact]
    public async Task A_client_run_again_after_it_stopped_resumes_from_the_stored_upload_url()
    {
        using var vault = await app.CreateCaseAsync();
        using var recording = await LargeRecording.CreateAsync(40L * 1024 * 1024);
        var urlStorage = Path.Combine(Path.GetDirectoryName(recording.Path)!, "tus-urls.json");
        await using var network = new PhoneNetwork(app.BaseAddress, cutAfterBytes: 20L * 1024 * 1024);
        var endpoint = new Uri(network.Address, $"/api/cases/{vault.CaseId}/uploads").ToString();

        // The first run gives up at the cut (no retries: the victim closed the app); the second is started later.
        var stopped = await RunClientAsync(endpoint, vault.OwnerToken, recording.Path, 4 * 1024 * 1024, urlStorage, retryDelays: "[]");
        Assert.NotEqual(0, stopped.ExitCode);
        Assert.Equal(1, network.Cuts);
        Assert.Empty(await vault.ListItemsAsync());

        var second = await RunClientAsync(endpoint, vault.OwnerToken, recording.Path, 4 * 1024 * 1024, urlStorage);

        Assert.True(second.ExitCode == 0, second.Output);
        var events = Events(second.Output);
        var resumed = events.First(e => e.GetProperty("event").GetString() is "resuming" or "progress");
        Assert.Equal("resuming", resumed.GetProperty("event").GetString());
        var firstProgress = events.First(e => e.GetProperty("event").GetString() == "progress");
        Assert.True(firstProgress.GetProperty("sent").GetInt64() >= 16L * 1024 * 1024, second.Output);
        var item = Assert.Single(await vault.ListItemsAsync());
        Assert.Equal(await LargeRecording.Sha256SumAsync(recording.Path), item.Sha256);
    }

    [Fact]
    public async Task A_client_that_cannot_send_PATCH_sends_its_chunks_as_POST_with_the_method_override()
    {
        using var vault = await app.CreateCaseAsync();
        using var recording = await LargeRecording.CreateAsync(10L * 1024 * 1024);

        var run = await RunClientAsync(
            new Uri(app.BaseAddress, $"/api/cases/{vault.CaseId}/uploads").ToString(), vault.OwnerToken, recording.Path, 4 * 1024 * 1024, overridePatchMethod: true);

        Assert.True(run.ExitCode == 0, run.Output);
        var item = Assert.Single(await vault.ListItemsAsync());
        Assert.Equal(Events(run.Output).Single(e => e.GetProperty("event").GetString() == "success").GetProperty("itemId").GetString(), item.ItemId);
        Assert.Equal(await LargeRecording.Sha256SumAsync(recording.Path), item.Sha256);
    }

    private static async Task<ExternalTool.Result> RunClientAsync(
        string endpoint, string token, string file, int chunkSize, string? urlStorage = null, string? retryDelays = null, bool overridePatchMethod = false)
    {
        string[] arguments = retryDelays is null
            ? ["upload.mjs", endpoint, file, chunkSize.ToString(CultureInfo.InvariantCulture), urlStorage ?? "-"]
            : ["upload.mjs", endpoint, file, chunkSize.ToString(CultureInfo.InvariantCulture), urlStorage ?? "-", retryDelays];
        var environment = new Dictionary<string, string> { ["EVIDENCEVAULT_TOKEN"] = token, ["TUS_OVERRIDE_PATCH_METHOD"] = overridePatchMethod ? "1" : "0" };
        return await ExternalTool.RunAsync("node", ClientFolder, environment, arguments);
    }

    private static List<JsonElement> Events(string output) =>
        [.. output.Split('\n').Where(line => line.StartsWith('{')).Select(line => JsonDocument.Parse(line).RootElement.Clone())];
}
