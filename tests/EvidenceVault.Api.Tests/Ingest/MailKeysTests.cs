using DnsClient;
using EvidenceVault.Api.Ingest;
using EvidenceVault.Api.Tests.Infrastructure;
using EvidenceVault.Evidence;
using Microsoft.Extensions.Options;

namespace EvidenceVault.Api.Tests.Ingest;

/// <summary>The vault's questions for DKIM keys, put to a real name server over UDP, and to none at all.</summary>
public sealed class MailKeysTests
{
    [Fact]
    public async Task A_published_key_long_enough_to_be_split_into_strings_is_found_whole_and_a_name_with_none_has_none()
    {
        var selector = "k" + Guid.NewGuid().ToString("N")[..12];
        var record = "v=DKIM1; k=rsa; p=" + new string('A', 392); // over 255 bytes: two strings on the wire
        KeyNameServer.Instance.Publish($"{selector}._domainkey.refund-center.example", record);
        var keys = new NameServiceMailKeys(Options(KeyNameServer.Instance.Address));

        Assert.Equal(MailKeyAnswer.Found(record), await keys.FindAsync(selector, "refund-center.example", CancellationToken.None));
        Assert.Equal(MailKeyAnswer.None, await keys.FindAsync("k" + Guid.NewGuid().ToString("N")[..12], "refund-center.example", CancellationToken.None));
    }

    [Fact]
    public async Task On_a_machine_whose_configuration_names_no_name_server_every_key_is_unavailable_and_nothing_throws()
    {
        // The machine's configuration read as naming none, as an empty resolv.conf does: DnsClient then refuses to query.
        var keys = new NameServiceMailKeys(Options(), settings =>
        {
            settings.AutoResolveNameServers = false;
            return new LookupClient(settings);
        });

        Assert.Equal(MailKeyAnswer.Unavailable, await keys.FindAsync("mail2026", "refund-center.example", CancellationToken.None));
    }

    private static IOptions<MailKeyOptions> Options(params string[] servers)
    {
        var options = new MailKeyOptions { Timeout = TimeSpan.FromSeconds(1) };
        foreach (var server in servers)
        {
            options.NameServers.Add(server);
        }

        return Microsoft.Extensions.Options.Options.Create(options);
    }
}
