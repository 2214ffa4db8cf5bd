namespace EvidenceVault.Api.Uploads;

/// <summary>Limits of resumable (tus) uploads (<c>EvidenceVault:Uploads</c>).</summary>
public sealed class ResumableUploadOptions
{
    public const string Section = "EvidenceVault:Uploads";

    /// <summary>Largest upload (<c>Tus-Max-Size</c>); default 64 GiB. The case quota applies as well.</summary>
    public long MaxUploadBytes { get; set; } = 64L * 1024 * 1024 * 1024;

    /// <summary>Largest PATCH body: below the 100 MB request limit of Azure Functions. Default 64 MiB.</summary>
    public long MaxChunkBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// Each PATCH is staged in blocks of this size (at most the ingest block size), so that storing the start of a
    /// chunk overlaps receiving its end. Default 4 MiB: an 8 MiB chunk is two blocks (measured best on Azurite).
    /// </summary>
    public int StageBlockBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// How far the evidence hash of a PATCH with an MD5 may lag behind the bytes passed to storage: up to this many of
    /// its last bytes are held in a pooled block, unhashed, until storage has the whole block, and are hashed while
    /// storage checks it. Default 8 MiB, a whole chunk of the vault's own clients; at most the ingest block size; 0
    /// hashes every byte on its way.
    /// </summary>
    public long HashLagBytes { get; set; } = 8L * 1024 * 1024;

    /// <summary>An unfinished upload expires this long after its last PATCH: Azure discards uncommitted blocks after 7 days.</summary>
    public TimeSpan Expiry { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// A completion that has not finished in this time (its instance stopped) may be taken over by the next request
    /// or by the sweep.
    /// </summary>
    public TimeSpan CompletionTakeover { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often the sweep expires unfinished uploads and finishes abandoned completions (hosted service).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Run the sweep as a hosted service (in Azure a timer function triggers it instead).</summary>
    public bool RunSweeper { get; set; } = true;

    /// <summary>
    /// Other origins whose pages may upload (CORS). Empty by default: the vault's own pages are same-origin and need none.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];
}
