namespace EvidenceVault.Custody;

/// <summary>How the <c>…Details</c> classes put what a file states into an <c>item.received</c> line: the fields it gives, none it leaves out.</summary>
internal static class StatementDetails
{
    /// <summary>The details whose value the statement gives, in the order named.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Given(params (string Name, string? Value)[] details) =>
        details.Where(detail => detail.Value is not null).Select(detail => new KeyValuePair<string, string>(detail.Name, detail.Value!));
}
