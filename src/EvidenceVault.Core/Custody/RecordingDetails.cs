using System.Globalization;
using EvidenceVault.Evidence;
using EvidenceVault.Serialization;

namespace EvidenceVault.Custody;

/// <summary>
/// How an <c>item.received</c> custody line records what a recording says about itself (<see cref="RecordingInfo"/>),
/// so that statement is hash-chained with the receipt of the bytes and a bundle's <c>items.json</c> can be checked
/// against it, as <see cref="SnapshotDetails"/> does for saved pages.
/// </summary>
public static class RecordingDetails
{
    /// <summary>Detail naming the container the statement was read from (<see cref="RecordingSources"/>).</summary>
    public const string Source = "recordingSource";

    /// <summary>Detail with the length in seconds, to the millisecond (<c>22.566</c>).</summary>
    public const string Duration = "recordingDuration";

    /// <summary>Detail with the time the container says the recording was made (UTC, ISO 8601).</summary>
    public const string RecordedAt = "recordingRecordedAt";

    /// <summary>Detail with the phone clock's time of making, without a zone.</summary>
    public const string LocalTime = "recordingLocalTime";

    /// <summary>Detail with that clock's offset from UTC.</summary>
    public const string UtcOffset = "recordingUtcOffset";

    /// <summary>Detail with the device the recording names.</summary>
    public const string Device = "recordingDevice";

    /// <summary>The details for <paramref name="recording"/>.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Of(RecordingInfo recording)
    {
        ArgumentNullException.ThrowIfNull(recording);
        return StatementDetails.Given(
            (Source, recording.Source),
            (Duration, recording.DurationSeconds?.ToString("0.###", CultureInfo.InvariantCulture)),
            (RecordedAt, recording.RecordedAt is { } recordedAt ? VaultJson.FormatUtc(recordedAt) : null),
            (LocalTime, recording.LocalTime),
            (UtcOffset, recording.UtcOffset),
            (Device, recording.Device));
    }

    /// <summary>The statement a custody line records, or null when it records none.</summary>
    /// <exception cref="FormatException">A detail is not a number or a time.</exception>
    public static RecordingInfo? From(IReadOnlyDictionary<string, string>? details) =>
        details is not null && details.TryGetValue(Source, out var source)
            ? new RecordingInfo
            {
                Source = source,
                DurationSeconds = details.TryGetValue(Duration, out var duration) ? double.Parse(duration, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture) : null,
                RecordedAt = details.TryGetValue(RecordedAt, out var at) ? DateTimeOffset.Parse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal) : null,
                LocalTime = details.GetValueOrDefault(LocalTime),
                UtcOffset = details.GetValueOrDefault(UtcOffset),
                Device = details.GetValueOrDefault(Device),
            }
            : null;
}
