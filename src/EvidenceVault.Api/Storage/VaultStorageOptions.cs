namespace EvidenceVault.Api.Storage;

/// <summary>Where the vault keeps evidence (<c>EvidenceVault:Storage</c>).</summary>
public sealed class VaultStorageOptions
{
    public const string Section = "EvidenceVault:Storage";

    /// <summary>The Azurite shorthand: with it, the app starts its own Azurite when none is running.</summary>
    public const string DevelopmentStorage = "UseDevelopmentStorage=true";

    /// <summary>A storage connection string; empty in Azure, where the service URIs and a managed identity are used.</summary>
    public string? ConnectionString { get; set; } = DevelopmentStorage;

    /// <summary>Blob service URI (Azure, with <c>DefaultAzureCredential</c>).</summary>
    public Uri? BlobServiceUri { get; set; }

    /// <summary>Table service URI (Azure, with <c>DefaultAzureCredential</c>).</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>The write-once evidence container.</summary>
    public string EvidenceContainer { get; set; } = "evidence";

    /// <summary>Prefix of every table name (letters and digits); lets several vaults or test classes share an account.</summary>
    public string TablePrefix { get; set; } = string.Empty;

    /// <summary>
    /// Refuse to take evidence unless the evidence container has version-level immutability (WORM). On in Azure
    /// (set by infra/), off locally: Azurite has no immutability.
    /// </summary>
    public bool RequireImmutableContainer { get; set; }

    /// <summary>Retries of one storage request before the vault answers 503.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>Time one storage request may take before it is retried.</summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>
    /// Per-block transport checksum when staging evidence. Unset: CRC64 on Azure; transactional MD5 on a local emulator
    /// (Azurite does not implement the structured-message CRC64 protocol). This guards the wire only; evidence
    /// itself is identified by SHA-256.
    /// </summary>
    public Azure.Storage.StorageChecksumAlgorithm? BlockChecksum { get; set; }

    public Azure.Storage.StorageChecksumAlgorithm EffectiveBlockChecksum => BlockChecksum ?? (IsLocalEmulator
        ? Azure.Storage.StorageChecksumAlgorithm.MD5
        : Azure.Storage.StorageChecksumAlgorithm.StorageCrc64);

    public bool IsLocalEmulator =>
        IsDevelopmentStorage ||
        (ConnectionString?.Contains("devstoreaccount1", StringComparison.OrdinalIgnoreCase) ?? false);

    public bool IsDevelopmentStorage =>
        string.Equals(ConnectionString?.Trim(), DevelopmentStorage, StringComparison.OrdinalIgnoreCase);
}
