using EvidenceVault.Evidence;

namespace EvidenceVault.Testing;

/// <summary>A file on disk as the vault's readers see it: recognised as it streams past (<see cref="FormatSample"/>), then read from its start.</summary>
public static class EvidenceFiles
{
    /// <summary>What <paramref name="reader"/> reads from <paramref name="path"/>, given the format the vault recognises in it.</summary>
    public static async Task<T?> ReadAsync<T>(string path, Func<Stream, EvidenceFormat, CancellationToken, Task<T?>> reader)
    {
        await using var file = File.OpenRead(path);
        var sample = new FormatSample(file.Length);
        var buffer = new byte[1024 * 1024];
        while (!sample.Complete && await file.ReadAsync(buffer) is > 0 and var read)
        {
            sample.Append(buffer.AsSpan(0, read));
        }

        var format = sample.Recognise(Path.GetFileName(path)) ?? throw new InvalidOperationException($"{path} is not evidence");
        file.Position = 0;
        return await reader(file, format, CancellationToken.None);
    }
}
