namespace EvidenceVault.Bundles;

/// <summary>Path rules of a bag: payload under <c>data/</c>, forward slashes, no escapes out of the bag.</summary>
internal static class BagPaths
{
    public const string PayloadFolder = "data/";

    public static string RequirePayloadPath(string path)
    {
        RequireSafe(path);
        return path.StartsWith(PayloadFolder, StringComparison.Ordinal)
            ? path
            : throw new ArgumentException($"Payload files live under {PayloadFolder}.", nameof(path));
    }

    public static string RequireTagPath(string path)
    {
        RequireSafe(path);
        return path.StartsWith(PayloadFolder, StringComparison.Ordinal)
            ? throw new ArgumentException("Tag files live outside data/.", nameof(path))
            : path;
    }

    /// <summary>RFC 8493 §2.1.3: CR, LF and % in manifest paths are percent-encoded.</summary>
    public static string EncodeForManifest(string path) =>
        path.Replace("%", "%25", StringComparison.Ordinal).Replace("\r", "%0D", StringComparison.Ordinal).Replace("\n", "%0A", StringComparison.Ordinal);

    public static string DecodeFromManifest(string path) =>
        path.Replace("%0A", "\n", StringComparison.OrdinalIgnoreCase).Replace("%0D", "\r", StringComparison.OrdinalIgnoreCase).Replace("%25", "%", StringComparison.Ordinal);

    public static bool IsSafe(string path) =>
        path.Length > 0 && !path.StartsWith('/') && !path.Contains('\\', StringComparison.Ordinal) &&
        path.Split('/').All(segment => segment.Length > 0 && segment is not "." and not "..");

    private static void RequireSafe(string path)
    {
        if (!IsSafe(path))
        {
            throw new ArgumentException($"'{path}' is not a relative path inside the bag.", nameof(path));
        }
    }
}
