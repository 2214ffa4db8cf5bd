using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using EvidenceVault.Api.Storage;
using Microsoft.Extensions.Options;

namespace EvidenceVault.Api.Timestamps;

/// <summary>Something that answers an RFC 3161 <c>TimeStampReq</c> with a <c>TimeStampResp</c> (both DER).</summary>
internal interface ITimestampAuthority
{
    string Name { get; }

    Task<byte[]> RequestAsync(byte[] query, CancellationToken cancellationToken);
}

/// <summary>An authority over HTTP (RFC 3161 §3.4): POST <c>application/timestamp-query</c>, get <c>application/timestamp-reply</c>.</summary>
internal sealed class HttpTimestampAuthority(string name, Uri url, HttpClient http) : ITimestampAuthority
{
    private const int MaxResponseBytes = 256 * 1024;

    public string Name => name;

    public async Task<byte[]> RequestAsync(byte[] query, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(query);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/timestamp-query");
        using var response = await http.PostAsync(url, content, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{name} answered {(int)response.StatusCode}.", null, response.StatusCode);
        }

        if (response.Content.Headers.ContentLength > MaxResponseBytes)
        {
            throw new HttpRequestException($"{name} sent an oversized response.");
        }

        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return bytes.Length <= MaxResponseBytes ? bytes : throw new HttpRequestException($"{name} sent an oversized response.");
    }
}

/// <summary>The configured authorities, in order, and the roots their certificates must chain to.</summary>
internal sealed class TimestampAuthorities
{
    public TimestampAuthorities(IOptions<TimestampOptions> options, IOptions<VaultHostOptions> host, IHostEnvironment environment, IHttpClientFactory httpClients, TimeProvider clock)
    {
        // Read first: where configured trust is required, reading these checks every trust setting (ConfiguredTrust).
        var data = host.Value.DataDirectory;
        var configured = options.Value.Authorities.Where(a => a.Url is not null).ToList();
        var roots = new X509Certificate2Collection();
        foreach (var file in options.Value.TrustedRootFiles)
        {
            roots.ImportFromPemFile(Path.IsPathRooted(file) ? file : Path.Combine(environment.ContentRootPath, file));
        }

        if (!string.IsNullOrWhiteSpace(options.Value.TrustedRootsPem))
        {
            roots.ImportFromPem(options.Value.TrustedRootsPem);
        }

        if (configured.Count == 0)
        {
            var development = DevelopmentTimestampAuthority.OpenOrCreate(Path.Combine(environment.ContentRootPath, data, "dev-tsa"), clock);
            roots.Add(development.RootCertificate);
            All = [development];
        }
        else
        {
            All = [.. configured.Select(a => (ITimestampAuthority)new HttpTimestampAuthority(a.Name.Length > 0 ? a.Name : a.Url!.Host, a.Url!, httpClients.CreateClient(nameof(TimestampAuthorities))))];
        }

        TrustedRoots = roots;
    }

    public IReadOnlyList<ITimestampAuthority> All { get; }

    public X509Certificate2Collection TrustedRoots { get; }
}
