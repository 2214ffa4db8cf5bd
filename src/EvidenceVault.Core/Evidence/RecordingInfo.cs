namespace EvidenceVault.Evidence;

/// <summary>
/// What a recording says about itself: how long it plays, and — when its container names one — when it was made, as
/// the phone or recorder wrote them into the file. Like <see cref="PageSnapshotOrigin"/>, a statement of the file that
/// a court expert can check in the file itself (<c>ffprobe</c>), kept beside the contributor's claim
/// (<see cref="EvidenceItemRecord.CapturedAt"/>) and the vault's own receipt time.
/// </summary>
public sealed record RecordingInfo
{
    /// <summary>The container it was read from (<see cref="RecordingSources"/>).</summary>
    public required string Source { get; init; }

    /// <summary>How long it plays, in seconds, to the millisecond.</summary>
    public double? DurationSeconds { get; init; }

    /// <summary>When the recording was made, as its container states it (UTC): an MP4 or QuickTime movie header's creation time.</summary>
    public DateTimeOffset? RecordedAt { get; init; }

    /// <summary>
    /// When it was made by the phone's own clock, without a time zone (<c>2026-11-20T14:03:17</c>): the creation date
    /// an iPhone writes into a movie's QuickTime keys (<c>com.apple.quicktime.creationdate</c>). <see cref="UtcOffset"/>
    /// says which zone.
    /// </summary>
    public string? LocalTime { get; init; }

    /// <summary>That clock's offset from UTC (<c>+08:00</c>), as the creation date gives it.</summary>
    public string? UtcOffset { get; init; }

    /// <summary>The device, as the movie's keys name it (<c>com.apple.quicktime.make</c> and <c>.model</c>): <c>Apple iPhone 15</c>.</summary>
    public string? Device { get; init; }
}

/// <summary>The <see cref="RecordingInfo.Source"/> values: the containers whose statements the vault reads.</summary>
public static class RecordingSources
{
    /// <summary>ISO base media (MP4, M4A, QuickTime, 3GPP): the movie header (<c>mvhd</c>), and the QuickTime keys phones write (<c>meta</c>/<c>keys</c>/<c>ilst</c>).</summary>
    public const string IsoMedia = "mp4";

    /// <summary>RIFF WAVE: the data chunk's size over the format's byte rate.</summary>
    public const string Wave = "wav";

    /// <summary>Ogg (Opus or Vorbis): the last page's granule position.</summary>
    public const string Ogg = "ogg";

    /// <summary>WebM / Matroska: the segment's <c>Info</c> duration.</summary>
    public const string WebM = "webm";

    /// <summary>MPEG audio: the encoder's Xing/Info or VBRI frame count, else the constant bit rate.</summary>
    public const string Mpeg = "mp3";

    /// <summary>FLAC: the stream information's total samples.</summary>
    public const string Flac = "flac";

    /// <summary>AMR and AMR-WB: their frames, 20 ms each, counted from the first to the last.</summary>
    public const string Amr = "amr";

    /// <summary>AAC in ADTS: its frames' samples over the sampling rate, counted from the first to the last.</summary>
    public const string Adts = "aac";

    /// <summary>SILK v3 (WeChat's and QQ's voice messages): its packets, 20 ms each, counted from the first to the last.</summary>
    public const string Silk = "silk";
}
