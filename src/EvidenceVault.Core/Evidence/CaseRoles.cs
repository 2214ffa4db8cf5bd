namespace EvidenceVault.Evidence;

/// <summary>What a grant lets its holder do in a case.</summary>
public static class CaseRoles
{
    /// <summary>Opened the case; manages grants; sees everything.</summary>
    public const string Owner = "owner";

    /// <summary>A fellow victim: uploads, and sees only what they uploaded.</summary>
    public const string Contributor = "contributor";

    /// <summary>Read-only: every item, the custody log and the bundle.</summary>
    public const string Lawyer = "lawyer";

    /// <summary>Every role, in the order above.</summary>
    public static readonly string[] All = [Owner, Contributor, Lawyer];

    /// <summary>
    /// Who sent an item, as the vault counts senders: the case's owner is one sender (<see cref="Owner"/>) whatever
    /// owner link they used, since a rotation replaces the token, not the victim; every other link is a sender of its
    /// own, named by its grant id.
    /// </summary>
    public static string SenderOf(string? role, string grantId) => role == Owner ? Owner : grantId;
}
