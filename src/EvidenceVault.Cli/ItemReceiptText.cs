using System.Text.Json;
using EvidenceVault.Evidence;

namespace EvidenceVault.Cli;

/// <summary>What the tool says of an item the vault saved — upload or capture — in Chinese and English side by side.</summary>
internal static class ItemReceiptText
{
    /// <summary>The item's fingerprint, size, receipt time and timestamp status, one indented line each.</summary>
    public static async Task WriteAsync(JsonElement item, TextWriter output)
    {
        await output.WriteLineAsync($"  SHA-256 指纹 fingerprint   {item.GetProperty("sha256").GetString()}");
        await output.WriteLineAsync($"  大小 size                  {item.GetProperty("size").GetInt64():N0} bytes");
        await output.WriteLineAsync($"  接收时间 received (UTC)    {item.GetProperty("receivedAt").GetString()}");
        await output.WriteLineAsync($"  可信时间戳 timestamp       {Timestamp(item.GetProperty("timestamp").GetProperty("status").GetString())}");
    }

    private static string? Timestamp(string? status) => status switch
    {
        TimestampStatuses.Granted => "已获得 granted",
        TimestampStatuses.Pending => "等待中（系统会自动重试）pending (the vault keeps trying)",
        _ => status,
    };
}
