using EvidenceVault.Api.Hosting;

namespace EvidenceVault.Api.Tests.Infrastructure;

/// <summary>
/// The vault on a real Kestrel socket, for clients outside the test server: a browser, Node, a plain HttpClient.
/// (The in-memory test server and the test client's redirect handler copy request bodies themselves, so memory
/// measurements go through a real socket.)
/// </summary>
public class VaultOnKestrel : VaultApp
{
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        UseKestrel(0);
        StartServer();
        BaseAddress = CreateClient().BaseAddress!;
    }

    /// <summary>
    /// The test factory registers Kestrel's services again after the app's own, which would put Kestrel's 4 KiB
    /// pool back in front; registering the vault's transport blocks last again keeps this server like the real one.
    /// </summary>
    protected override IHost CreateHost(IHostBuilder builder)
    {
        builder.ConfigureServices(services => services.AddTransportBlocks());
        return base.CreateHost(builder);
    }

    /// <summary>A plain HttpClient (no test handlers) carrying a bearer token.</summary>
    public HttpClient PlainClient(string? token = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }
}
