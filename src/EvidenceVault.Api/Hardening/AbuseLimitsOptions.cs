namespace EvidenceVault.Api.Hardening;

/// <summary>Limits against abuse (<c>EvidenceVault:Limits</c>). The "per minute" limits count per <see cref="Window"/>.</summary>
public sealed class AbuseLimitsOptions
{
    public const string Section = "EvidenceVault:Limits";

    /// <summary>The counting window of the rate limits (one minute).</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Cases one client may open per minute.</summary>
    public int CaseCreationsPerMinute { get; set; } = 10;

    /// <summary>Grants one case may issue per minute.</summary>
    public int GrantCreationsPerMinute { get; set; } = 30;

    /// <summary>Uploads one token may make per minute (a victim saving a hundred screenshots stays well under it).</summary>
    public int UploadsPerMinute { get; set; } = 300;

    /// <summary>Pages one token may have the vault capture per minute (each is outbound traffic the vault makes).</summary>
    public int CapturesPerMinute { get; set; } = 10;

    /// <summary>Reads of the public vault log (checkpoint, consistency proofs) one client may make per minute: a witness needs two.</summary>
    public int LogReadsPerMinute { get; set; } = 60;

    /// <summary>Wrong or unusable tokens one client may present per minute before it is refused outright.</summary>
    public int FailedTokenAttemptsPerMinute { get; set; } = 20;

    /// <summary>
    /// Take the client address from the first <c>X-Forwarded-For</c> entry. Only behind a proxy that sets it (the
    /// Functions host, Front Door); otherwise clients could pick their own partition.
    /// </summary>
    public bool TrustForwardedFor { get; set; }

    /// <summary>Items one case may hold.</summary>
    public long MaxItemsPerCase { get; set; } = 100_000;

    /// <summary>Bytes of evidence one case may hold (default 1 TiB).</summary>
    public long MaxBytesPerCase { get; set; } = 1L << 40;

    /// <summary>
    /// When set, opening a case needs <c>X-Operator-Key</c> whose SHA-256 (hex) is this value — for an operator who
    /// hands out case creation instead of leaving it open. Off by default.
    /// </summary>
    public string? OperatorKeySha256 { get; set; }
}
