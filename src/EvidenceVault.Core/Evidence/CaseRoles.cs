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
}
