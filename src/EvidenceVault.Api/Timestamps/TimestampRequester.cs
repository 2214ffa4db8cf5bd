using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using EvidenceVault.Api.Monitoring;
using EvidenceVault.Hashing;
using EvidenceVault.Timestamps;
using Microsoft.Extensions.Options;

namespace EvidenceVault.Api.Timestamps;

/// <summary>One authority's answer to a timestamp request: granted (a checked response), rejected (why) or unreachable (the error's type).</summary>
internal sealed record TimestampAttempt(string Authority, string Outcome, string? Failure = null, byte[]? Response = null, TimestampFacts? Facts = null);

/// <summary>
/// Asks the configured authorities, in order, for an RFC 3161 timestamp over a SHA-256 imprint, with a fresh nonce and
/// certReq, each within its request timeout; every response is checked completely (status, imprint, nonce,
/// signature, EKU, chain at its own time) before it counts as granted. The caller hears of every attempt — to log it
/// and record it where it belongs — and stops at the first granted one. Used for items and for log checkpoints.
/// </summary>
internal sealed class TimestampRequester(TimestampAuthorities authorities, IOptions<TimestampOptions> options, VaultMetrics metrics)
{
    public async IAsyncEnumerable<TimestampAttempt> AttemptAsync(Sha256Digest imprint, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var nonce = RandomNumberGenerator.GetBytes(16);
        var query = Rfc3161TimestampRequest.CreateFromHash(Convert.FromHexString(imprint.Hex), HashAlgorithmName.SHA256, nonce: nonce, requestSignerCertificates: true).Encode();
        foreach (var authority in authorities.All)
        {
            var (response, error) = await RequestAsync(authority, query, cancellationToken);
            var check = response is null ? null : TimestampVerifier.Verify(response, imprint, authorities.TrustedRoots, nonce);
            var attempt = check is null ? new TimestampAttempt(authority.Name, TimestampOutcomes.Unreachable, error)
                : check.IsValid ? new TimestampAttempt(authority.Name, TimestampOutcomes.Granted, Response: response, Facts: check.Facts)
                : new TimestampAttempt(authority.Name, TimestampOutcomes.Rejected, check.Failure);
            metrics.TimestampAttempt(attempt.Outcome, authority.Name);
            yield return attempt;
            if (attempt.Outcome == TimestampOutcomes.Granted)
            {
                yield break;
            }
        }
    }

    /// <summary>One authority's response within the request timeout, or the type of the error that kept it from answering.</summary>
    private async Task<(byte[]? Response, string? Error)> RequestAsync(ITimestampAuthority authority, byte[] query, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.RequestTimeout);
        try
        {
            return (await authority.RequestAsync(query, timeout.Token), null);
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return (null, e.GetType().Name);
        }
    }
}
