using System.Text.Json;
using EvidenceVault.Evidence;
using EvidenceVault.Serialization;

namespace EvidenceVault.Custody;

/// <summary>
/// How an <c>item.received</c> custody line records that the vault fetched the page itself, at a member's request,
/// rather than receiving a file someone made: the line is the vault's own hash-chained statement, so a bundle's
/// <c>items.json</c> cannot claim it for a file a member uploaded, nor drop it from a capture — nor change which
/// certificate a site presented.
/// </summary>
public static class CaptureDetails
{
    /// <summary>Detail naming who captured the page.</summary>
    public const string CapturedBy = "capturedBy";

    /// <summary>The value of <see cref="CapturedBy"/> (and of <c>EvidenceItemRecord.CapturedBy</c>) for the vault's own captures.</summary>
    public const string Vault = "vault";

    /// <summary>Detail with the sites reached over HTTPS and their certificates (<see cref="CapturedSite"/>), as a compact JSON array.</summary>
    public const string Sites = "capturedSites";

    /// <summary>
    /// Most sites a custody line and an index entry name, in the order the vault connected (the page's own site and
    /// its redirects first); a page that drew on more keeps every chain in its WACZ all the same.
    /// </summary>
    public const int MaxSites = 32;

    /// <summary>Who a custody line says captured the item, or null for anything received as a file.</summary>
    public static string? From(IReadOnlyDictionary<string, string>? details) => details?.GetValueOrDefault(CapturedBy);

    /// <summary>The value of <see cref="Sites"/> for <paramref name="sites"/>.</summary>
    public static string SitesValue(IReadOnlyList<CapturedSite> sites) => JsonSerializer.Serialize(sites, VaultJson.Compact);

    /// <summary>The sites a custody line (or an index entry's <see cref="Sites"/> value) names; null when it names none.</summary>
    /// <exception cref="JsonException">The value is not a list of sites.</exception>
    public static IReadOnlyList<CapturedSite>? SitesFrom(string? value) =>
        value is null ? null : JsonSerializer.Deserialize<List<CapturedSite>>(value, VaultJson.Compact) ?? throw new JsonException("The captured sites are null.");

    /// <summary>The sites a custody line's details name; null when they name none.</summary>
    /// <exception cref="JsonException">The detail is not a list of sites.</exception>
    public static IReadOnlyList<CapturedSite>? SitesFrom(IReadOnlyDictionary<string, string>? details) => SitesFrom(details?.GetValueOrDefault(Sites));

    /// <summary>
    /// The sites a custody line's details name (null when they name none), or false when the detail is there but is
    /// not a list of sites — a line no vault wrote.
    /// </summary>
    public static bool TryReadSites(IReadOnlyDictionary<string, string>? details, out IReadOnlyList<CapturedSite>? sites)
    {
        try
        {
            sites = SitesFrom(details);
            return true;
        }
        catch (JsonException)
        {
            sites = null;
            return false;
        }
    }

    /// <summary>Whether two lists name the same sites and certificates in the same order (both absent counts as the same).</summary>
    public static bool SameSites(IReadOnlyList<CapturedSite>? left, IReadOnlyList<CapturedSite>? right) =>
        (left is null || left.Count == 0) ? right is null || right.Count == 0 : right is not null && left.SequenceEqual(right);
}
