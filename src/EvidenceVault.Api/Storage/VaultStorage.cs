using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using EvidenceVault.Api.Problems;
using Microsoft.Extensions.Options;

namespace EvidenceVault.Api.Storage;

/// <summary>
/// The vault's storage: the write-once evidence container and the index tables. Clients are thread-safe and
/// created once. Containers and tables are created on first use (and retried after a failure), so the app
/// starts even while storage is briefly unreachable and answers 503 until it is back.
/// </summary>
internal sealed class VaultStorage : IDisposable
{
    private readonly VaultStorageOptions _options;
    private readonly Lazy<BlobServiceClient> _blobService;
    private readonly Lazy<TableServiceClient> _tableService;
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private volatile bool _initialized;

    public VaultStorage(IOptions<VaultStorageOptions> options)
    {
        _options = options.Value;
        if (!string.IsNullOrEmpty(_options.TablePrefix) && !_options.TablePrefix.All(char.IsAsciiLetterOrDigit))
        {
            throw new OptionsValidationException(VaultStorageOptions.Section, typeof(VaultStorageOptions), ["TablePrefix takes letters and digits only."]);
        }

        _blobService = new Lazy<BlobServiceClient>(CreateBlobService);
        _tableService = new Lazy<TableServiceClient>(CreateTableService);
    }

    public BlobContainerClient Evidence => _blobService.Value.GetBlobContainerClient(_options.EvidenceContainer);

    public TableClient Cases => Table("cases");

    public TableClient Items => Table("items");

    public TableClient Grants => Table("grants");

    public TableClient Uploads => Table("uploads");

    /// <summary>The vault log over all cases (<see cref="Transparency.VaultLog"/>).</summary>
    public TableClient Log => Table("vaultlog");

    public BlockBlobClient Blob(string path) => Evidence.GetBlockBlobClient(path);

    public AppendBlobClient AppendBlob(string path) => Evidence.GetAppendBlobClient(path);

    /// <summary>Writes a small blob once (<c>If-None-Match: *</c>); false when it already exists.</summary>
    public async Task<bool> TryCreateOnceAsync(string path, byte[] content, string contentType, CancellationToken cancellationToken)
    {
        try
        {
            using var stream = new MemoryStream(content, writable: false);
            await Blob(path).UploadAsync(stream, new Azure.Storage.Blobs.Models.BlobUploadOptions
            {
                HttpHeaders = new Azure.Storage.Blobs.Models.BlobHttpHeaders { ContentType = contentType },
                Conditions = new Azure.Storage.Blobs.Models.BlobRequestConditions { IfNoneMatch = Azure.ETag.All },
            }, cancellationToken);
            return true;
        }
        catch (Azure.RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }

    /// <summary>Creates the container and tables once; a failure is retried by the next caller.</summary>
    public async ValueTask EnsureReadyAsync(CancellationToken cancellationToken)
    {
        if (_initialized)
        {
            return;
        }

        await _initLock.WaitAsync(cancellationToken);
        try
        {
            if (_initialized)
            {
                return;
            }

            await Evidence.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            if (_options.RequireImmutableContainer &&
                !(await Evidence.GetPropertiesAsync(cancellationToken: cancellationToken)).Value.HasImmutableStorageWithVersioning)
            {
                // Checked again on the next request: an operator can fix the container without restarting the vault.
                throw new VaultProblemException(ProblemType.StorageNotImmutable, $"The container '{_options.EvidenceContainer}' is not immutable; the vault takes no evidence until it is.");
            }

            foreach (var table in new[] { Cases, Items, Grants, Uploads, Log })
            {
                await table.CreateIfNotExistsAsync(cancellationToken);
            }

            _initialized = true;
        }
        finally
        {
            _initLock.Release();
        }
    }

    public void Dispose() => _initLock.Dispose();

    private TableClient Table(string name) => _tableService.Value.GetTableClient(_options.TablePrefix + name);

    private BlobServiceClient CreateBlobService()
    {
        var clientOptions = new BlobClientOptions();
        Configure(clientOptions);
        return string.IsNullOrWhiteSpace(_options.ConnectionString)
            ? new BlobServiceClient(_options.BlobServiceUri ?? throw Missing(nameof(_options.BlobServiceUri)), new DefaultAzureCredential(), clientOptions)
            : new BlobServiceClient(_options.ConnectionString, clientOptions);
    }

    private TableServiceClient CreateTableService()
    {
        var clientOptions = new TableClientOptions();
        Configure(clientOptions);
        return string.IsNullOrWhiteSpace(_options.ConnectionString)
            ? new TableServiceClient(_options.TableServiceUri ?? throw Missing(nameof(_options.TableServiceUri)), new DefaultAzureCredential(), clientOptions)
            : new TableServiceClient(_options.ConnectionString, clientOptions);
    }

    private void Configure(ClientOptions clientOptions)
    {
        clientOptions.Retry.MaxRetries = _options.MaxRetries;
        clientOptions.Retry.Delay = TimeSpan.FromMilliseconds(200);
        clientOptions.Retry.MaxDelay = TimeSpan.FromSeconds(5);
        clientOptions.Retry.NetworkTimeout = _options.NetworkTimeout;
        // Request logging would write evidence metadata and SAS-like query strings: the vault logs its own events.
        clientOptions.Diagnostics.IsLoggingEnabled = false;
    }

    private static OptionsValidationException Missing(string name) =>
        new(VaultStorageOptions.Section, typeof(VaultStorageOptions), [$"Set {VaultStorageOptions.Section}:ConnectionString, or {name} for a managed identity."]);
}
