using EvidenceVault.Api.Ingest;
using EvidenceVault.Custody;
using EvidenceVault.Evidence;

namespace EvidenceVault.Api.Tests.Captures;

/// <summary>What a capture's claims say of the sites it reached, before anything is stored.</summary>
public sealed class CaptureClaimsTests
{
    [Fact]
    public void A_page_that_drew_on_more_sites_than_a_custody_line_lists_keeps_the_first_it_connected_to()
    {
        var sites = Enumerable.Range(1, CaptureDetails.MaxSites + 8).Select(n => new CapturedSite
        {
            Site = $"https://cdn{n}.example/",
            CheckedAt = DateTimeOffset.UnixEpoch.AddSeconds(n),
            Subject = $"CN=cdn{n}.example, O={new string('o', 150)}, C=CN", // long names, as organisation-validated certificates have
            Issuer = $"CN={new string('i', 100)}, O={new string('o', 90)}, C=US",
            SerialNumber = n.ToString("x2", System.Globalization.CultureInfo.InvariantCulture),
            NotBefore = DateTimeOffset.UnixEpoch,
            NotAfter = DateTimeOffset.UnixEpoch.AddDays(90),
            Sha256 = new string('a', 64),
        }).ToList();

        var claims = EvidenceClaims.OfCapture("capture-t.example-20261206T092504Z.wacz", new Uri("https://t.example/go"), note: null, sites);

        Assert.True(claims.CapturedByVault);
        Assert.Equal(sites.Take(CaptureDetails.MaxSites), claims.CapturedSites);
        Assert.Equal(claims.CapturedSites, CaptureDetails.SitesFrom(CaptureDetails.SitesValue(claims.CapturedSites!))); // as a custody line keeps them
        Assert.InRange(CaptureDetails.SitesValue(claims.CapturedSites!).Length, 1, 32 * 1024); // within a table property (64 KiB of UTF-16)
    }
}
