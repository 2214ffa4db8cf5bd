namespace EvidenceVault.Api.Storage;

/// <summary>The layout of the evidence container: everything of a case under <c>cases/{caseId}/</c>.</summary>
internal static class EvidencePaths
{
    /// <summary>The prefix every case's folder starts with.</summary>
    public const string Cases = "cases/";

    private const string GrantRevocationSuffix = ".revoked.json";

    /// <summary>The prefix of every blob of every item of a case; the item id is the next path segment.</summary>
    public static string Items(string caseId) => $"{Cases}{caseId}/items/";

    /// <summary>The item id of a blob under <see cref="Items"/>.</summary>
    public static string ItemIdOf(string caseId, string blobName) => blobName[Items(caseId).Length..].Split('/')[0];

    public static string Original(string caseId, string itemId) => $"{Items(caseId)}{itemId}/original";

    public static string Timestamp(string caseId, string itemId) => $"{Items(caseId)}{itemId}/timestamp.tsr";

    public static string Receipt(string caseId, string itemId, int version) => $"{Items(caseId)}{itemId}/receipts/{version:D3}.json";

    /// <summary>The version of a receipt blob of an item (<see cref="Receipt"/>), or null for any other blob.</summary>
    public static int? ReceiptVersionOf(string caseId, string itemId, string blobName)
    {
        var receipts = $"{Items(caseId)}{itemId}/receipts/";
        return blobName.StartsWith(receipts, StringComparison.Ordinal) && blobName.EndsWith(".json", StringComparison.Ordinal) &&
            int.TryParse(blobName.AsSpan(receipts.Length, blobName.Length - receipts.Length - ".json".Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version)
            ? version
            : null;
    }

    public static string ReceiptSignature(string caseId, string itemId, int version) => Receipt(caseId, itemId, version) + ".sig";

    public static string CustodyLog(string caseId) => $"{Cases}{caseId}/custody.log";

    /// <summary>The prefix of a case's grant records (never exported: they hold token hashes).</summary>
    public static string Grants(string caseId) => $"{Cases}{caseId}/grants/";

    public static string GrantRecord(string caseId, string grantId) => $"{Grants(caseId)}{grantId}.json";

    public static string GrantRevocation(string caseId, string grantId) => $"{Grants(caseId)}{grantId}{GrantRevocationSuffix}";

    /// <summary>The prefix of the vault log's stored checkpoints; the newest is listed first.</summary>
    public const string LogCheckpoints = "log/checkpoints/";

    /// <summary>
    /// The folder of the vault log's checkpoint of <paramref name="size"/> entries, named by <c>long.MaxValue − size</c>
    /// so that a listing, which is in name order, starts with the newest.
    /// </summary>
    public static string LogCheckpoint(long size) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{LogCheckpoints}{long.MaxValue - size:D19}/");

    /// <summary>Whether a blob under <see cref="Grants"/> is a revocation (<see cref="GrantRevocation"/>) rather than a grant.</summary>
    public static bool IsGrantRevocation(string blobName) => blobName.EndsWith(GrantRevocationSuffix, StringComparison.Ordinal);
}
