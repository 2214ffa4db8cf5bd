using EvidenceVault.Api.Problems;
using EvidenceVault.Transparency;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EvidenceVault.Api.Transparency;

/// <summary>The vault log's current checkpoint, signed by the vault's receipt key.</summary>
/// <param name="Checkpoint">The checkpoint text (origin, size, base64 root; three lines).</param>
/// <param name="Signature">DER ECDSA P-256 signature over the checkpoint text's UTF-8 bytes, base64.</param>
/// <param name="KeyId">The receipt key that signed it (see <c>/.well-known/evidencevault/keys</c>).</param>
/// <param name="Size">Entries in the log.</param>
/// <param name="Root">Root hash, hex.</param>
public sealed record LogCheckpointView(string Checkpoint, string Signature, string KeyId, long Size, string Root);

internal static class LogApi
{
    public static RouteGroupBuilder MapLogApi(this RouteGroupBuilder api)
    {
        var log = api.MapGroup("/log").RequireRateLimiting(Hardening.AbuseLimits.LogReads);
        log.MapGet("/checkpoint", GetLogCheckpoint)
            .WithName(nameof(GetLogCheckpoint))
            .WithSummary("The vault log's current checkpoint (size and root over every bundle export of every case), signed. Public: it names no case.");
        log.MapGet("/consistency", GetLogConsistency)
            .WithName(nameof(GetLogConsistency))
            .WithSummary("RFC 9162 consistency proof that the log at size 'from' is a prefix of the log at size 'to': no entry was changed or removed in between. Public: hashes only.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return api;
    }

    public static async Task<Ok<LogCheckpointView>> GetLogCheckpoint(VaultLog log, CancellationToken cancellationToken)
    {
        var signed = log.Sign(await log.CurrentAsync(cancellationToken));
        return TypedResults.Ok(new LogCheckpointView(signed.Checkpoint.ToText(), Convert.ToBase64String(signed.Signature), signed.KeyId, signed.Checkpoint.Size, signed.Checkpoint.Root.Hex));
    }

    public static async Task<Ok<LogConsistency>> GetLogConsistency(long from, long to, VaultLog log, CancellationToken cancellationToken)
    {
        var current = await log.CurrentAsync(cancellationToken);
        if (from < 1 || from > to || to > current.Size)
        {
            throw new VaultProblemException(ProblemType.LogSizeInvalid, $"Ask for 1 ≤ from ≤ to ≤ {current.Size}, the log's size now.");
        }

        var proof = await log.ConsistencyProofAsync(from, to, cancellationToken);
        return TypedResults.Ok(new LogConsistency { FromSize = from, ToSize = to, Proof = [.. proof.Select(hash => hash.Hex)] });
    }
}
