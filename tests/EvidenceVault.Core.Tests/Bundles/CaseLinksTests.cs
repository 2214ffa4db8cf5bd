using System.Text;
using EvidenceVault.Bundles;
using EvidenceVault.Custody;
using EvidenceVault.Evidence;
using EvidenceVault.Testing;

namespace EvidenceVault.Core.Tests.Bundles;

public sealed class CaseLinksTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 22, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ReadAsync_NamesEveryLinkTheLogIntroduces_WithRevocationsAndOwnerRotation()
    {
        var log = new CustodyLogBuilder("01KBZ6X3N8Q4T2V7W9Y0A1B2C3", Start);
        log.Add(CustodyEventTypes.CaseCreated, null, null, null);
        log.Add(CustodyEventTypes.GrantCreated, null, null, null, Grant("G-OWNER", CaseRoles.Owner, "owner"));
        log.Add(CustodyEventTypes.GrantCreated, null, null, null, Grant("G-VICTIM", CaseRoles.Contributor, label: null));
        log.Add(CustodyEventTypes.GrantCreated, null, null, null, Grant("G-LAWYER", CaseRoles.Lawyer, "Law firm 律所"));
        log.Add(CustodyEventTypes.ItemReceived, "01KBZ6X3N8Q4T2V7W9Y0A1B000", new string('a', 64), 10);
        log.Add(CustodyEventTypes.GrantRevoked, null, null, null, Grant("G-VICTIM", CaseRoles.Contributor, label: null));
        log.Add(CustodyEventTypes.OwnerRotated, null, null, null, new Dictionary<string, string> { ["grantId"] = "G-OWNER-2", ["revokedGrantId"] = "G-OWNER" });

        var links = await CaseLinks.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(log.Text + "not json\n")), CancellationToken.None);

        Assert.Equal(
            [
                new CaseLink("G-OWNER", CaseRoles.Owner, "owner", Start.AddSeconds(1), Start.AddSeconds(6)),
                new CaseLink("G-VICTIM", CaseRoles.Contributor, null, Start.AddSeconds(2), Start.AddSeconds(5)),
                new CaseLink("G-LAWYER", CaseRoles.Lawyer, "Law firm 律所", Start.AddSeconds(3), null),
                new CaseLink("G-OWNER-2", CaseRoles.Owner, "owner", Start.AddSeconds(6), null),
            ],
            links);
    }

    private static Dictionary<string, string> Grant(string grantId, string role, string? label)
    {
        var details = new Dictionary<string, string> { ["grantId"] = grantId, ["role"] = role };
        if (label is not null)
        {
            details["label"] = label;
        }

        return details;
    }
}
