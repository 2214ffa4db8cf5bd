namespace EvidenceVault.Evidence;

/// <summary>Unsigned integers of any width up to eight bytes, most significant byte first, as file formats size them by a field (a PDF cross-reference stream's <c>W</c>, a property list's offset and reference sizes).</summary>
internal static class BigEndian
{
    /// <summary>The value of <paramref name="bytes"/> read most significant first; eight bytes with the top bit set read as negative, for the caller's bounds to refuse.</summary>
    public static long Unsigned(ReadOnlySpan<byte> bytes)
    {
        long value = 0;
        foreach (var b in bytes)
        {
            value = (value << 8) | b;
        }

        return value;
    }
}
