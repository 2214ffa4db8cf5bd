namespace EvidenceVault.Api.Storage;

/// <summary>The layout of the evidence container: everything of a case under <c>cases/{caseId}/</c>.</summary>
internal static class EvidencePaths
{
    public static string Original(string caseId, string itemId) => $"cases/{caseId}/items/{itemId}/original";

    public static string Timestamp(string caseId, string itemId) => $"cases/{caseId}/items/{itemId}/timestamp.tsr";

    public static string Receipt(string caseId, string itemId, int version) => $"cases/{caseId}/items/{itemId}/receipts/{version:D3}.json";

    public static string ReceiptSignature(string caseId, string itemId, int version) => Receipt(caseId, itemId, version) + ".sig";

    public static string CustodyLog(string caseId) => $"cases/{caseId}/custody.log";
}
