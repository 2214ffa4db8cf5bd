using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace EvidenceVault.Api.Storage;

/// <summary>Where the local vault keeps its data (<c>EvidenceVault:DataDirectory</c>, relative to the content root).</summary>
public sealed class VaultHostOptions
{
    public const string Section = "EvidenceVault";

    /// <summary>Folder for local data (Azurite's files, development keys); git-ignored.</summary>
    public string DataDirectory { get; set; } = ".data";

    /// <summary>Start Azurite when the storage is development storage and nothing listens on its ports.</summary>
    public bool StartAzurite { get; set; } = true;

    /// <summary>
    /// Refuse to start unless trusted time and receipts are configured — an authority with its roots, and a receipt
    /// key — instead of falling back to the development authority and a generated key (set in Azure by <c>infra/</c>).
    /// </summary>
    public bool RequireConfiguredTrust { get; set; }
}

/// <summary>
/// For <c>dotnet run</c>: with development storage and no Azurite listening on 10000/10002, starts the pinned
/// Azurite with a persistent data folder before the app serves, and stops it when the app stops. With a real
/// connection string or service URIs it does nothing.
/// </summary>
internal sealed partial class EmbeddedAzurite(
    IOptions<VaultStorageOptions> storage,
    IOptions<VaultHostOptions> host,
    IHostEnvironment environment,
    ILogger<EmbeddedAzurite> logger) : IHostedService, IAsyncDisposable
{
    private AzuriteProcess? _azurite;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!storage.Value.IsDevelopmentStorage || !host.Value.StartAzurite)
        {
            return;
        }

        if (IsListening(10000) && IsListening(10002))
        {
            LogAlreadyRunning(logger);
            return;
        }

        var tools = AzuriteProcess.FindToolDirectory(environment.ContentRootPath)
            ?? AzuriteProcess.FindToolDirectory(AppContext.BaseDirectory)
            ?? throw new InvalidOperationException("tools/azurite was not found above the app; run from the repository or set a storage connection string.");
        var data = Path.GetFullPath(Path.Combine(environment.ContentRootPath, host.Value.DataDirectory, "azurite"));
        LogStarting(logger, data);
        _azurite = await AzuriteProcess.StartAsync(new AzuriteLaunch(tools, data, 10000, 10002, 10001), TimeSpan.FromMinutes(5), cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
            _azurite = null;
        }
    }

    private static bool IsListening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Azurite is already listening on 10000/10002; using it.")]
    private static partial void LogAlreadyRunning(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Starting the embedded Azurite with data in {DataDirectory}.")]
    private static partial void LogStarting(ILogger logger, string dataDirectory);
}
