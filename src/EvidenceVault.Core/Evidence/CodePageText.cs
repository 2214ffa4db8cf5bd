using System.Text;

namespace EvidenceVault.Evidence;

/// <summary>8-bit text in the code page a file names: UTF-8, UTF-16, or a Windows code page such as GBK (936) through .NET's code page provider.</summary>
internal static class CodePageText
{
    /// <summary><paramref name="bytes"/> decoded in <paramref name="codePage"/>; null for a code page .NET does not know.</summary>
    public static string? Decode(ReadOnlySpan<byte> bytes, int codePage) => codePage switch
    {
        65001 => Encoding.UTF8.GetString(bytes),
        1200 => Encoding.Unicode.GetString(bytes),
        _ => CodePagesEncodingProvider.Instance.GetEncoding(codePage)?.GetString(bytes),
    };
}
