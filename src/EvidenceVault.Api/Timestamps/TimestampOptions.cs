namespace EvidenceVault.Api.Timestamps;

/// <summary>An RFC 3161 timestamp authority reached over HTTP.</summary>
public sealed class TimestampAuthorityOptions
{
    /// <summary>A name for logs and custody events, e.g. "DigiCert".</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The authority's URL (POST application/timestamp-query).</summary>
    public Uri? Url { get; set; }
}

/// <summary>Trusted time (<c>EvidenceVault:Timestamps</c>).</summary>
public sealed class TimestampOptions
{
    public const string Section = "EvidenceVault:Timestamps";

    /// <summary>Authorities, tried in order. Empty: the built-in development authority (local use and tests only).</summary>
    public List<TimestampAuthorityOptions> Authorities { get; set; } = [];

    /// <summary>PEM files of the roots the authorities' certificates must chain to.</summary>
    public List<string> TrustedRootFiles { get; set; } = [];

    /// <summary>The same roots as PEM text (one or more certificates), for settings that hold no files, as in Azure.</summary>
    public string? TrustedRootsPem { get; set; }

    /// <summary>Time one authority may take to answer.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Time an upload waits for its timestamp before answering with it pending.</summary>
    public TimeSpan InlineBudget { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How often the retry worker looks for pending timestamps.</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between two attempts for one item (the wait doubles from <see cref="RetryInterval"/>).</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Run the retry worker in this process (a timer function calls the same code in Azure).</summary>
    public bool RunRetryWorker { get; set; } = true;
}
