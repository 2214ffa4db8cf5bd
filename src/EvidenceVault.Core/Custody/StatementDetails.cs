using System.Text.Json;
using EvidenceVault.Serialization;

namespace EvidenceVault.Custody;

/// <summary>How the <c>…Details</c> classes put what a file states into an <c>item.received</c> line: the fields it gives, none it leaves out.</summary>
internal static class StatementDetails
{
    /// <summary>The details whose value the statement gives, in the order named.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Given(params (string Name, string? Value)[] details) =>
        details.Where(detail => detail.Value is not null).Select(detail => new KeyValuePair<string, string>(detail.Name, detail.Value!));

    /// <summary>The list a detail holds as a JSON array of <typeparamref name="T"/>; null for no detail.</summary>
    /// <exception cref="FormatException">The detail is not such an array.</exception>
    public static List<T>? ListFrom<T>(string? value, string what)
    {
        try
        {
            return value is null ? null : JsonSerializer.Deserialize<List<T>>(value, VaultJson.Compact) ?? throw new FormatException($"The {what} are null.");
        }
        catch (JsonException e)
        {
            throw new FormatException($"The {what} are not a JSON array of {typeof(T).Name}.", e);
        }
    }

    /// <summary>A list as a detail holds it, a compact JSON array; null for none or an empty one.</summary>
    public static string? ListValue<T>(IReadOnlyList<T>? list) => list is { Count: > 0 } ? JsonSerializer.Serialize(list, VaultJson.Compact) : null;
}
