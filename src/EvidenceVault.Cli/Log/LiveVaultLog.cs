using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EvidenceVault.Bundles;
using EvidenceVault.Receipts;
using EvidenceVault.Serialization;
using EvidenceVault.Transparency;

namespace EvidenceVault.Cli.Log;

/// <summary>A vault's answer it could not use: not a checkpoint, or a refusal.</summary>
internal sealed class LiveVaultLogException(string message) : Exception(message);

/// <summary>The vault's current checkpoint as it answers <c>GET /api/log/checkpoint</c>.</summary>
internal sealed record CheckpointAnswer(string Checkpoint, string Signature, string KeyId, long Size)
{
    public byte[] CheckpointBytes => Encoding.UTF8.GetBytes(Checkpoint);

    /// <summary>The signature's bytes (<see cref="LiveVaultLog.CurrentAsync"/> hands out only answers whose signature is base64).</summary>
    public byte[] SignatureBytes => Convert.FromBase64String(Signature);
}

/// <summary>
/// The vault's log as the vault shows it now: its current checkpoint (<c>GET /api/log/checkpoint</c>), consistency
/// proofs (<c>GET /api/log/consistency</c>) and its published keys (<c>/.well-known/evidencevault/keys</c>). Nothing
/// here is trusted: the caller checks signatures and proofs against what it already holds.
/// </summary>
internal sealed class LiveVaultLog(string address) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(address.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>What <c>evidencevault verify --check-log</c> needs: the current checkpoint and a proof from the bundle's size.</summary>
    public async Task<LiveLog> ReadAsync(long fromSize, CancellationToken cancellationToken)
    {
        var current = await CurrentAsync(cancellationToken);
        // Shorter than the bundle's checkpoint: no proof can exist, and the verifier says the history changed.
        var proof = current.Size < fromSize ? [] : await ConsistencyAsync(fromSize, current.Size, cancellationToken);
        return new LiveLog(current.CheckpointBytes, current.SignatureBytes, current.KeyId, proof);
    }

    public async Task<CheckpointAnswer> CurrentAsync(CancellationToken cancellationToken)
    {
        var answer = await GetAsync<CheckpointAnswer>("api/log/checkpoint", cancellationToken);
        return answer is { Checkpoint: not null, KeyId: not null, Signature: not null } && Convert.TryFromBase64String(answer.Signature, new byte[answer.Signature.Length], out _)
            ? answer
            : throw new LiveVaultLogException("the vault's checkpoint answer lacks the checkpoint, its key id or a base64 signature");
    }

    public async Task<IReadOnlyList<string>> ConsistencyAsync(long fromSize, long toSize, CancellationToken cancellationToken)
    {
        if (fromSize == toSize)
        {
            return [];
        }

        var consistency = await GetAsync<LogConsistency>(string.Create(CultureInfo.InvariantCulture, $"api/log/consistency?from={fromSize}&to={toSize}"), cancellationToken);
        return consistency.FromSize == fromSize && consistency.ToSize == toSize
            ? consistency.Proof
            : throw new LiveVaultLogException($"the vault answered a proof from {consistency.FromSize} to {consistency.ToSize}, not from {fromSize} to {toSize}");
    }

    /// <summary>The vault's published receipt keys by id; a key whose id is not its own (SHA-256 of its public key) is left out.</summary>
    public async Task<Dictionary<string, ECDsa>> PublishedKeysAsync(CancellationToken cancellationToken)
    {
        var jwks = await GetStringAsync(".well-known/evidencevault/keys", cancellationToken);
        IReadOnlyList<ECDsa> published;
        try
        {
            published = ReceiptKeySet.Parse(jwks);
        }
        catch (FormatException e)
        {
            throw new LiveVaultLogException("the vault's keys are " + e.Message);
        }

        var keys = new Dictionary<string, ECDsa>(StringComparer.Ordinal);
        foreach (var key in published)
        {
            keys[ReceiptSignatures.KeyId(key)] = key;
        }

        return keys;
    }

    /// <summary>
    /// Whether <paramref name="error"/> means the vault could not be asked or gave no usable answer (unreachable, timed
    /// out, refused, or not what it should answer): no verdict on the log, unlike a proof that fails. Every unusable
    /// answer is a <see cref="LiveVaultLogException"/>, so nothing a bundle or a folder throws passes for one.
    /// </summary>
    public static bool IsUnanswered(Exception error) => error is HttpRequestException or TaskCanceledException or LiveVaultLogException;

    public void Dispose() => _http.Dispose();

    private async Task<string> GetStringAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(path, cancellationToken);
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    private async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(path, cancellationToken);
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(VaultJson.Compact, cancellationToken) ?? throw new LiveVaultLogException($"the vault answered nothing at {path}");
        }
        catch (JsonException e)
        {
            throw new LiveVaultLogException($"the vault's answer at {path} is not what it should be: {e.Message}");
        }
    }

    private async Task<HttpResponseMessage> SendAsync(string path, CancellationToken cancellationToken)
    {
        var response = await _http.GetAsync(path, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var (type, detail) = await VaultConnection.ReadProblemAsync(response, response.ReasonPhrase ?? string.Empty, cancellationToken);
            throw new LiveVaultLogException(VaultConnection.Refused((int)response.StatusCode, type, detail));
        }
    }
}
