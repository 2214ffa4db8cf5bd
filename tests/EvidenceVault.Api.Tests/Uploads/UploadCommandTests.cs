using System.Diagnostics;
using EvidenceVault.Api.Tests.Infrastructure;
using EvidenceVault.Testing;

namespace EvidenceVault.Api.Tests.Uploads;

/// <summary><c>evidencevault upload</c>, run as a process against the vault on a real socket.</summary>
[Collection(VaultOnAzurite.Name)]
public sealed class UploadCommandTests(VaultOnKestrel app) : IClassFixture<VaultOnKestrel>, IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("ev-cli-state-").FullName;

    [Fact]
    public async Task A_call_recording_is_saved_with_its_claims_and_the_command_prints_its_sha256()
    {
        using var vault = await app.CreateCaseAsync();

        var run = await RunAsync(vault, SampleEvidence.PathOf("call-recording.m4a"), "--kind", "audio", "--captured-at", "2026-11-20T21:05:00+08:00");

        Assert.True(run.ExitCode == 0, run.Output);
        var item = Assert.Single(await vault.ListItemsAsync());
        Assert.Equal(SampleEvidence.KnownSha256["call-recording.m4a"], item.Sha256);
        Assert.Equal(("audio", "call-recording.m4a"), (item.Kind, item.FileName));
        Assert.Contains($"已安全保存 Saved call-recording.m4a as item {item.ItemId}", run.Output, StringComparison.Ordinal); // in both languages
        Assert.Contains($"SHA-256 指纹 fingerprint   {item.Sha256}", run.Output, StringComparison.Ordinal);
        Assert.Contains("可信时间戳 timestamp       已获得 granted", run.Output, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_state)); // nothing left to resume
    }

    [Fact]
    public async Task Stopped_midway_and_run_again_it_resumes_from_the_vaults_offset()
    {
        using var vault = await app.CreateCaseAsync();
        using var recording = await LargeRecording.CreateAsync(48L * 1024 * 1024);

        await using var slowNetwork = new PhoneNetwork(app.BaseAddress, bytesPerSecond: 16 * 1024 * 1024);
        using (var first = Start(vault, recording.Path, slowNetwork.Address, "--chunk-size", "1"))
        {
            // The victim's laptop is closed once a few MiB are in.
            while (await app.UploadOffsetAsync(vault.CaseId) < 6 * 1024 * 1024)
            {
                if (first.HasExited)
                {
                    Assert.Fail("The upload ended before it could be stopped: " + await first.StandardOutput.ReadToEndAsync());
                }

                await Task.Delay(10);
            }

            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();
        }

        // A chunk the killed command had already handed to the network may still arrive whole and count: the offset
        // to resume from is the vault's once the network has carried or dropped everything.
        for (var waited = 0; slowNetwork.OpenConnections > 0; waited += 10)
        {
            Assert.True(waited < 30_000, "The killed command's connection stayed open.");
            await Task.Delay(10);
        }

        var stoppedAt = await app.UploadOffsetAsync(vault.CaseId);
        Assert.Empty(await vault.ListItemsAsync());
        Assert.Single(Directory.GetFiles(_state));

        var second = await RunAsync(vault, recording.Path, slowNetwork.Address, "--chunk-size", "1");

        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Contains($"从第 {stoppedAt:N0} 字节继续 Resuming at byte {stoppedAt:N0}", second.Output, StringComparison.Ordinal);
        var item = Assert.Single(await vault.ListItemsAsync());
        Assert.Equal(await LargeRecording.Sha256SumAsync(recording.Path), item.Sha256);
        Assert.Single(await app.CommittedOriginalsAsync(vault.CaseId));
    }

    [Fact]
    public async Task The_network_lost_in_the_middle_of_a_chunk_the_same_run_asks_for_the_offset_and_carries_on()
    {
        using var vault = await app.CreateCaseAsync();
        using var recording = await LargeRecording.CreateAsync(24L * 1024 * 1024);

        // Cut 2.5 chunks in: the chunk read ahead (the fourth) is not where the vault stands, the third is.
        await using var network = new PhoneNetwork(app.BaseAddress, cutAfterBytes: (5L * 1024 * 1024) + (512 * 1024)) { Outage = TimeSpan.FromMilliseconds(300) };
        var run = await RunAsync(vault, recording.Path, network.Address, "--chunk-size", "2");

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Equal(1, network.Cuts);
        var item = Assert.Single(await vault.ListItemsAsync());
        Assert.Equal(await LargeRecording.Sha256SumAsync(recording.Path), item.Sha256);
        Assert.Equal(recording.Length, item.Size);
        Assert.Single(await app.CommittedOriginalsAsync(vault.CaseId));
    }

    [Fact]
    public async Task A_file_the_vault_refuses_exits_1_with_the_problem_and_leaves_nothing_to_resume()
    {
        using var vault = await app.CreateCaseAsync();
        var notes = Path.Combine(_state, "..", $"notes-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(notes, new string('x', 10_000));
        try
        {
            var run = await RunAsync(vault, notes);

            Assert.Equal(1, run.ExitCode);
            Assert.Contains("被拒绝，未保存 Refused (415 urn:evidencevault:problem:unsupported-evidence-type): ", run.Output, StringComparison.Ordinal);
            Assert.Empty(await vault.ListItemsAsync());
            Assert.Empty(Directory.GetFiles(_state));
        }
        finally
        {
            File.Delete(notes);
        }
    }

    [Fact]
    public async Task Without_a_token_it_says_where_the_token_goes()
    {
        using var vault = await app.CreateCaseAsync();

        var run = await ExternalTool.RunAsync("dotnet", _state, ApiProcess.CliDll, "upload", SampleEvidence.PathOf("call-recording.m4a"), "--case", vault.CaseId, "--vault", app.BaseAddress.ToString());

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("EVIDENCEVAULT_TOKEN", run.Output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_state, recursive: true);

    private Task<ExternalTool.Result> RunAsync(TestCase vault, string file, params string[] options) => RunAsync(vault, file, null, options);

    private Task<ExternalTool.Result> RunAsync(TestCase vault, string file, Uri? through, params string[] options) =>
        ExternalTool.RunAsync("dotnet", _state, new Dictionary<string, string> { ["EVIDENCEVAULT_TOKEN"] = vault.OwnerToken }, [ApiProcess.CliDll, .. Arguments(vault, file, options, through)]);

    private Process Start(TestCase vault, string file, Uri through, params string[] options)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])[ApiProcess.CliDll, .. Arguments(vault, file, options, through)])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["EVIDENCEVAULT_TOKEN"] = vault.OwnerToken;
        var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        return process;
    }

    private string[] Arguments(TestCase vault, string file, string[] options, Uri? through = null) =>
        ["upload", file, "--case", vault.CaseId, "--vault", (through ?? app.BaseAddress).ToString(), "--state-dir", _state, .. options];
}
