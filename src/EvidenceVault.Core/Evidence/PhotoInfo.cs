namespace EvidenceVault.Evidence;

/// <summary>
/// What a photo says about its taking, from the EXIF block a camera writes into it: when, by the camera's own clock,
/// and with which device. Like <see cref="PageSnapshotOrigin"/> and <see cref="RecordingInfo"/>, a statement of the
/// file that a court expert can check in the file itself (<c>exiftool</c>), beside the contributor's claim. Screenshots
/// and photos passed through a chat app usually carry none.
/// </summary>
public sealed record PhotoInfo
{
    /// <summary>Where it was read: <c>exif</c> (JPEG <c>APP1</c>, PNG <c>eXIf</c>, WebP <c>EXIF</c>).</summary>
    public required string Source { get; init; }

    /// <summary>
    /// When it was taken, as the camera's clock read (<c>DateTimeOriginal</c>), without a time zone:
    /// <c>2026-11-20T14:03:17</c>. A camera's clock is local time; <see cref="UtcOffset"/> says which, when the file does.
    /// </summary>
    public string? TakenAt { get; init; }

    /// <summary>The camera clock's offset from UTC (<c>OffsetTimeOriginal</c>, <c>+08:00</c>), when the file gives it.</summary>
    public string? UtcOffset { get; init; }

    /// <summary>The device, as its maker and model name it (<c>Make</c> and <c>Model</c>): <c>Apple iPhone 15</c>.</summary>
    public string? Device { get; init; }
}
