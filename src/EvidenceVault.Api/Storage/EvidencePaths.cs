namespace EvidenceVault.Api.Storage;

/// <summary>The layout of the evidence container: everything of a case under <c>cases/{caseId}/</c>.</summary>
internal static class EvidencePaths
{
    /// <summary>The prefix every case's folder starts with.</summary>
    public const string Cases = "cases/";

    /// <summary>The prefix of every blob of every item of a case; the item id is the next path segment.</summary>
    public static string Items(string caseId) => $"{Cases}{caseId}/items/";

    /// <summary>The item id of a blob under <see cref="Items"/>.</summary>
    public static string ItemIdOf(string caseId, string blobName) => blobName[Items(caseId).Length..].Split('/')[0];

    public static string Original(string caseId, string itemId) => $"{Items(caseId)}{itemId}/original";

    public static string Timestamp(string caseId, string itemId) => $"{Items(caseId)}{itemId}/timestamp.tsr";

    public static string Receipt(string caseId, string itemId, int version) => $"{Items(caseId)}{itemId}/receipts/{version:D3}.json";

    public static string ReceiptSignature(string caseId, string itemId, int version) => Receipt(caseId, itemId, version) + ".sig";

    public static string CustodyLog(string caseId) => $"{Cases}{caseId}/custody.log";
}
