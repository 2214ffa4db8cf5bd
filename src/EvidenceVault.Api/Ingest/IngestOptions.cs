namespace EvidenceVault.Api.Ingest;

/// <summary>Limits and tuning of evidence ingest (<c>EvidenceVault:Ingest</c>).</summary>
public sealed class IngestOptions
{
    public const string Section = "EvidenceVault:Ingest";

    /// <summary>Largest evidence file accepted in one request (default 4 GiB).</summary>
    public long MaxEvidenceBytes { get; set; } = 4L * 1024 * 1024 * 1024;

    /// <summary>Size of each staged block; memory per upload is about this times <see cref="MaxBlocksInFlight"/> + 1.</summary>
    public int BlockSizeBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Blocks staged to storage concurrently while the next block is read from the client.</summary>
    public int MaxBlocksInFlight { get; set; } = 4;

    /// <summary>
    /// How long the vault's reader of a format may take to read what a stored file says of itself (default one minute:
    /// the readers' own bounds keep a sound file to seconds); past it the item is kept without its statements.
    /// </summary>
    public TimeSpan StatementReadTimeout { get; set; } = TimeSpan.FromMinutes(1);
}
