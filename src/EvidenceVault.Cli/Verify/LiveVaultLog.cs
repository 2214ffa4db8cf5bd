using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using EvidenceVault.Bundles;
using EvidenceVault.Serialization;
using EvidenceVault.Transparency;

namespace EvidenceVault.Cli.Verify;

/// <summary>A vault's answer it could not use: not a checkpoint, or a refusal.</summary>
internal sealed class LiveVaultLogException(string message) : Exception(message);

/// <summary>
/// The vault's log as the vault shows it now (<c>GET /api/log/checkpoint</c>, then <c>GET /api/log/consistency</c>
/// from the bundle's size to the current one). Nothing here is trusted: the verifier checks the signature and the
/// proof against what the bundle holds.
/// </summary>
internal sealed class LiveVaultLog(string address) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(address.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(60) };

    public async Task<LiveLog> ReadAsync(long fromSize, CancellationToken cancellationToken)
    {
        var current = await GetAsync<CheckpointAnswer>("api/log/checkpoint", cancellationToken);
        if (current.Size < fromSize)
        {
            // Shorter than the bundle's checkpoint: no proof can exist, and the verifier says the history changed.
            return new LiveLog(Encoding.UTF8.GetBytes(current.Checkpoint), Convert.FromBase64String(current.Signature), current.KeyId, []);
        }

        var consistency = await GetAsync<LogConsistency>(string.Create(CultureInfo.InvariantCulture, $"api/log/consistency?from={fromSize}&to={current.Size}"), cancellationToken);
        if (consistency.FromSize != fromSize || consistency.ToSize != current.Size)
        {
            throw new LiveVaultLogException($"the vault answered a proof from {consistency.FromSize} to {consistency.ToSize}, not from {fromSize} to {current.Size}");
        }

        return new LiveLog(Encoding.UTF8.GetBytes(current.Checkpoint), Convert.FromBase64String(current.Signature), current.KeyId, consistency.Proof);
    }

    public void Dispose() => _http.Dispose();

    private async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(path, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var (type, detail) = await VaultConnection.ReadProblemAsync(response, response.ReasonPhrase ?? string.Empty, cancellationToken);
            throw new LiveVaultLogException(VaultConnection.Refused((int)response.StatusCode, type, detail));
        }

        return await response.Content.ReadFromJsonAsync<T>(VaultJson.Compact, cancellationToken) ?? throw new LiveVaultLogException($"the vault answered nothing at {path}");
    }

    private sealed record CheckpointAnswer(string Checkpoint, string Signature, string KeyId, long Size);
}
