using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace EvidenceVault.Cli.Upload;

/// <summary>
/// Where each unfinished upload lives, so that running the same command again resumes it: one small file per
/// upload in the state folder, named by a hash of the vault, case, file path, size and modification time.
/// Holds the upload's URL only — never the token.
/// </summary>
internal sealed class ResumeState(string folder)
{
    /// <summary>The default folder: $XDG_STATE_HOME/evidencevault/uploads (~/.local/state/… when unset).</summary>
    public static string DefaultFolder
    {
        get
        {
            var stateHome = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
            if (string.IsNullOrEmpty(stateHome))
            {
                stateHome = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
            }

            return Path.Combine(stateHome, "evidencevault", "uploads");
        }
    }

    public string? Find(string key)
    {
        var path = PathOf(key);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            return document.RootElement.GetProperty("uploadUrl").GetString();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null; // a damaged state file only costs a fresh start
        }
    }

    public void Save(string key, string uploadUrl)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(PathOf(key), JsonSerializer.Serialize(new { uploadUrl }));
    }

    public void Forget(string key) => File.Delete(PathOf(key));

    /// <summary>The key of one file going to one case of one vault; a changed file is a new upload.</summary>
    public static string KeyOf(Uri vault, string caseId, FileInfo file) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            string.Join('\n', vault.GetLeftPart(UriPartial.Authority), caseId, file.FullName, file.Length, file.LastWriteTimeUtc.Ticks))))[..32];

    private string PathOf(string key) => Path.Combine(folder, key + ".json");
}
