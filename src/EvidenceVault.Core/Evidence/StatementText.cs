namespace EvidenceVault.Evidence;

/// <summary>Which text a file's statement keeps: a name or a program as the file writes it, trimmed, short and without control characters.</summary>
internal static class StatementText
{
    /// <summary><paramref name="value"/> trimmed, when it is 1 to <paramref name="maxLength"/> characters with no control character; otherwise null.</summary>
    public static string? Plain(string? value, int maxLength)
    {
        var text = value?.Trim();
        return text is { Length: > 0 } && text.Length <= maxLength && !text.Any(char.IsControl) ? text : null;
    }
}
