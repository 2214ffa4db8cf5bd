namespace EvidenceVault.Api.Storage;

/// <summary>The layout of the evidence container: everything of a case under <c>cases/{caseId}/</c>.</summary>
internal static class EvidencePaths
{
    public static string Original(string caseId, string itemId) => $"cases/{caseId}/items/{itemId}/original";

    public static string CustodyLog(string caseId) => $"cases/{caseId}/custody.log";
}
