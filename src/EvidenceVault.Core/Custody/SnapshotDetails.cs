using EvidenceVault.Evidence;
using EvidenceVault.Serialization;

namespace EvidenceVault.Custody;

/// <summary>
/// How an <c>item.received</c> custody line records what a saved page says about its own capture, so that
/// statement is hash-chained with the receipt of the bytes and a bundle's <c>items.json</c> can be checked against it.
/// </summary>
public static class SnapshotDetails
{
    /// <summary>Detail naming where the statement was read (<see cref="PageSnapshotSources"/>).</summary>
    public const string Source = "snapshotSource";

    /// <summary>Detail with the page's address as the file gives it.</summary>
    public const string Url = "snapshotUrl";

    /// <summary>Detail with the capture time as the file gives it (UTC, ISO 8601).</summary>
    public const string CapturedAt = "snapshotCapturedAt";

    /// <summary>The details for <paramref name="origin"/>.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Of(PageSnapshotOrigin origin)
    {
        ArgumentNullException.ThrowIfNull(origin);
        return StatementDetails.Given((Source, origin.Source), (Url, origin.Url), (CapturedAt, origin.CapturedAt is { } capturedAt ? VaultJson.FormatUtc(capturedAt) : null));
    }

    /// <summary>The origin a custody line records, or null when it records none.</summary>
    public static PageSnapshotOrigin? From(IReadOnlyDictionary<string, string>? details) =>
        details is not null && details.TryGetValue(Source, out var source)
            ? new PageSnapshotOrigin
            {
                Source = source,
                Url = details.GetValueOrDefault(Url),
                CapturedAt = details.TryGetValue(CapturedAt, out var at)
                    ? DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal)
                    : null,
            }
            : null;
}
