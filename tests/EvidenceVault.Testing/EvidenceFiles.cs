using EvidenceVault.Evidence;

namespace EvidenceVault.Testing;

/// <summary>A file on disk as the vault's readers see it: recognised by its first bytes, then read from its start.</summary>
public static class EvidenceFiles
{
    /// <summary>What <paramref name="reader"/> reads from <paramref name="path"/>, given the format the vault recognises in it.</summary>
    public static async Task<T?> ReadAsync<T>(string path, Func<Stream, EvidenceFormat, CancellationToken, Task<T?>> reader)
    {
        var head = new byte[EvidenceFormatDetector.HeadLength];
        await using var file = File.OpenRead(path);
        var read = await file.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false);
        var format = EvidenceFormatDetector.Detect(head.AsSpan(0, read), Path.GetFileName(path)) ?? throw new InvalidOperationException($"{path} is not evidence");
        file.Position = 0;
        return await reader(file, format, CancellationToken.None);
    }
}
