using EvidenceVault.Evidence;

namespace EvidenceVault.Custody;

/// <summary>
/// How an <c>item.received</c> custody line records what a photo's EXIF block says (<see cref="PhotoInfo"/>), so that
/// statement is hash-chained with the receipt of the bytes and a bundle's <c>items.json</c> can be checked against it.
/// </summary>
public static class PhotoDetails
{
    /// <summary>Detail naming where the statement was read (<c>exif</c>).</summary>
    public const string Source = "photoSource";

    /// <summary>Detail with the camera clock's time, as the file gives it, without a time zone.</summary>
    public const string TakenAt = "photoTakenAt";

    /// <summary>Detail with that clock's offset from UTC, when the file gives it.</summary>
    public const string UtcOffset = "photoUtcOffset";

    /// <summary>Detail with the device's maker and model.</summary>
    public const string Device = "photoDevice";

    /// <summary>The details for <paramref name="photo"/>.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Of(PhotoInfo photo)
    {
        ArgumentNullException.ThrowIfNull(photo);
        return StatementDetails.Given((Source, photo.Source), (TakenAt, photo.TakenAt), (UtcOffset, photo.UtcOffset), (Device, photo.Device));
    }

    /// <summary>The statement a custody line records, or null when it records none.</summary>
    public static PhotoInfo? From(IReadOnlyDictionary<string, string>? details) =>
        details is not null && details.TryGetValue(Source, out var source)
            ? new PhotoInfo
            {
                Source = source,
                TakenAt = details.GetValueOrDefault(TakenAt),
                UtcOffset = details.GetValueOrDefault(UtcOffset),
                Device = details.GetValueOrDefault(Device),
            }
            : null;
}
