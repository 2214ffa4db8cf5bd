namespace EvidenceVault.Evidence;

/// <summary>A device as a file names it — maker and model, in EXIF or in a QuickTime movie's keys.</summary>
internal static class DeviceNames
{
    /// <summary><c>Apple</c> and <c>iPhone 15</c> as <c>Apple iPhone 15</c>; the model alone when it already names the maker (<c>Canon</c>, <c>Canon EOS R6</c>); null when neither is given.</summary>
    public static string? Of(string? make, string? model) => (make, model) switch
    {
        (null, null) => null,
        ({ } m, { } d) when d.StartsWith(m, StringComparison.OrdinalIgnoreCase) => d,
        _ => string.Join(' ', new[] { make, model }.Where(part => part is not null)),
    };
}
