namespace EvidenceVault.Custody;

/// <summary>
/// How an <c>item.received</c> custody line records that the vault fetched the page itself, at a member's request,
/// rather than receiving a file someone made: the line is the vault's own hash-chained statement, so a bundle's
/// <c>items.json</c> cannot claim it for a file a member uploaded, nor drop it from a capture.
/// </summary>
public static class CaptureDetails
{
    /// <summary>Detail naming who captured the page.</summary>
    public const string CapturedBy = "capturedBy";

    /// <summary>The value of <see cref="CapturedBy"/> (and of <c>EvidenceItemRecord.CapturedBy</c>) for the vault's own captures.</summary>
    public const string Vault = "vault";

    /// <summary>Who a custody line says captured the item, or null for anything received as a file.</summary>
    public static string? From(IReadOnlyDictionary<string, string>? details) => details?.GetValueOrDefault(CapturedBy);
}
