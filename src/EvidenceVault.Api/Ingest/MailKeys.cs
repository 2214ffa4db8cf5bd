using System.Net;
using DnsClient;
using EvidenceVault.Evidence;
using Microsoft.Extensions.Options;

namespace EvidenceVault.Api.Ingest;

/// <summary>How the vault asks for the keys it checks saved e-mails' DKIM signatures with (<c>EvidenceVault:MailKeys</c>).</summary>
public sealed class MailKeyOptions
{
    public const string Section = "EvidenceVault:MailKeys";

    /// <summary>Whether signatures are checked at all (default true); when false, a saved e-mail states none.</summary>
    public bool Check { get; set; } = true;

    /// <summary>The name servers asked, as <c>address:port</c>; none (the default) asks those the machine is configured with.</summary>
    public IList<string> NameServers { get; } = [];

    /// <summary>How long one question may wait for its answer (default 3 s; it is asked twice at most).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(3);
}

/// <summary>
/// The name service, asked for the text record <c>{selector}._domainkey.{domain}</c> that a DKIM signature's key is
/// published in, fresh each time (no cache: the key is recorded as published when the vault checked it). A name that
/// does not exist, or holds no text record, has no key; a server that does not answer or fails leaves the key
/// unavailable. Of several text records, the one with a <c>p=</c> tag is the key's.
/// </summary>
internal sealed class NameServiceMailKeys(IOptions<MailKeyOptions> options, Func<LookupClientOptions, LookupClient> connect) : IMailKeyDirectory
{
    private readonly Lazy<LookupClient> _client = new(() => connect(Settings(options.Value)));

    public NameServiceMailKeys(IOptions<MailKeyOptions> options)
        : this(options, settings => new LookupClient(settings))
    {
    }

    /// <summary>The lookup settings: the configured name servers, else the machine's; no cache; one retry; TCP when an answer is cut.</summary>
    private static LookupClientOptions Settings(MailKeyOptions settings)
    {
        var lookup = settings.NameServers.Count > 0
            ? new LookupClientOptions([.. settings.NameServers.Select(server => new NameServer(IPEndPoint.Parse(server)))])
            : new LookupClientOptions();
        lookup.UseCache = false;
        lookup.Timeout = settings.Timeout;
        lookup.Retries = 1;
        lookup.ThrowDnsErrors = false;
        lookup.UseTcpFallback = true;
        return lookup;
    }

    public async Task<MailKeyAnswer> FindAsync(string selector, string domain, CancellationToken cancellationToken)
    {
        IDnsQueryResponse response;
        try
        {
            response = await _client.Value.QueryAsync($"{selector}._domainkey.{domain}.", QueryType.TXT, QueryClass.IN, cancellationToken);
        }
        catch (Exception e) when (e is DnsResponseException or ArgumentException)
        {
            // No answer, or no name server to ask: DnsClient refuses to query when the machine's configuration names
            // none (an empty resolv.conf). The key is unavailable and the upload goes on.
            return MailKeyAnswer.Unavailable;
        }

        if (response.HasError)
        {
            return response.Header.ResponseCode == DnsHeaderResponseCode.NotExistentDomain ? MailKeyAnswer.None : MailKeyAnswer.Unavailable;
        }

        var records = response.Answers.TxtRecords().Select(record => string.Concat(record.Text)).ToList();
        var chosen = records.FirstOrDefault(HoldsKey) ?? records.FirstOrDefault();
        return chosen is null ? MailKeyAnswer.None : MailKeyAnswer.Found(chosen);

        static bool HoldsKey(string record) => record.Split(';').Any(tag => tag.TrimStart().StartsWith("p=", StringComparison.Ordinal));
    }
}
