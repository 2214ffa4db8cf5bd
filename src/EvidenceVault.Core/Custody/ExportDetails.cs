using System.Globalization;

namespace EvidenceVault.Custody;

/// <summary>
/// How a <c>bundle.exported</c> custody line records what the export listed — how many items, and for one victim's
/// bundle whose — so that the bundle's catalog can be checked against the line that ends its log.
/// </summary>
public static class ExportDetails
{
    /// <summary>Detail with the number of items the export listed.</summary>
    public const string Items = "items";

    /// <summary>
    /// Detail with the sender whose items alone the export holds (absent for the whole case): <c>owner</c> for the
    /// case owner's under any of their links, or another link's grant id (<see cref="Evidence.CaseRoles.SenderOf"/>).
    /// </summary>
    public const string Contributor = "contributor";

    /// <summary>The details of an export of <paramref name="items"/> items, of <paramref name="contributor"/>'s only when a sender is named.</summary>
    public static Dictionary<string, string> Of(int items, string? contributor) =>
        new(StatementDetails.Given((Items, items.ToString(CultureInfo.InvariantCulture)), (Contributor, contributor)));
}
