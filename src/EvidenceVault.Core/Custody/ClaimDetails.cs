using EvidenceVault.Evidence;
using EvidenceVault.Serialization;

namespace EvidenceVault.Custody;

/// <summary>
/// How an <c>item.received</c> custody line records what was said of an item when it was sent — the type it was
/// recognised as, the kind it was filed as, and its sender's claims — so that a bundle's catalog can be checked against it.
/// </summary>
public static class ClaimDetails
{
    /// <summary>Detail with the media type recognised from the bytes.</summary>
    public const string ContentType = "contentType";

    /// <summary>Detail with the kind the item was filed as.</summary>
    public const string Kind = "kind";

    /// <summary>Detail with the file name the sender gave.</summary>
    public const string FileName = "fileName";

    /// <summary>Detail with the capture time the sender claimed (UTC, ISO 8601).</summary>
    public const string CapturedAt = "capturedAt";

    /// <summary>Detail with the address the sender gave.</summary>
    public const string SourceUrl = "sourceUrl";

    /// <summary>Detail with the sender's note (kept here and in the index, not in blob metadata).</summary>
    public const string Note = "note";

    private static readonly string[] Names = [ContentType, Kind, FileName, CapturedAt, SourceUrl, Note];

    /// <summary>The details for an item of <paramref name="contentType"/> filed as <paramref name="kind"/> with these claims.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Of(string contentType, string kind, string? fileName, DateTimeOffset? capturedAt, string? sourceUrl, string? note) =>
        StatementDetails.Given(
            (ContentType, contentType),
            (Kind, kind),
            (FileName, fileName),
            (CapturedAt, capturedAt is { } at ? VaultJson.FormatUtc(at) : null),
            (SourceUrl, sourceUrl),
            (Note, note));

    /// <summary>The first of these details that <paramref name="details"/> records otherwise than the catalog's <paramref name="item"/>; null when none.</summary>
    public static string? Differing(IReadOnlyDictionary<string, string>? details, EvidenceItemRecord item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var cataloged = new Dictionary<string, string>(Of(item.ContentType, item.Kind, item.FileName, item.CapturedAt, item.SourceUrl, item.Note));
        return Names.FirstOrDefault(name => details?.GetValueOrDefault(name) != cataloged.GetValueOrDefault(name));
    }
}
