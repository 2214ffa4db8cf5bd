namespace EvidenceVault.Serialization;

/// <summary>
/// Beijing time (China Standard Time, <c>Asia/Shanghai</c>), which the bundle's report, its spreadsheet and the
/// verifier show beside UTC for readers in China.
/// </summary>
public static class BeijingTime
{
    private static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    /// <summary>The same instant on a Beijing clock.</summary>
    public static DateTimeOffset Of(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone);
}
