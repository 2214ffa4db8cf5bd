using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EvidenceVault.Api.Receipts;
using EvidenceVault.Api.Storage;
using EvidenceVault.Api.Timestamps;
using Microsoft.Extensions.Options;

namespace EvidenceVault.Api.Hosting;

/// <summary>
/// With <see cref="VaultHostOptions.RequireConfiguredTrust"/> (set in Azure), the vault does not start unless its
/// trusted time and receipts are configured and readable: without this, a deployment missing a setting would fall back
/// to the development authority — a certificate authority the vault made itself, worthless in court — and to a
/// receipt key generated on whichever instance signs first. Checked once at start-up, so the mistake shows at
/// deployment rather than in the first victim's receipt.
/// </summary>
internal sealed class ConfiguredTrust(IOptions<TimestampOptions> timestamps, IOptions<ReceiptOptions> receipts, IHostEnvironment environment) : IValidateOptions<VaultHostOptions>
{
    private const string KeyVaultReference = "@Microsoft.KeyVault(";

    public ValidateOptionsResult Validate(string? name, VaultHostOptions options)
    {
        if (!options.RequireConfiguredTrust)
        {
            return ValidateOptionsResult.Success;
        }

        var time = timestamps.Value;
        var failures = new List<string>();
        if (!time.Authorities.Any(a => a.Url is not null))
        {
            failures.Add($"{TimestampOptions.Section}:Authorities needs at least one RFC 3161 authority URL; the development authority is for local use only.");
        }

        if (time.TrustedRootFiles.Count == 0 && string.IsNullOrWhiteSpace(time.TrustedRootsPem))
        {
            failures.Add($"{TimestampOptions.Section}:TrustedRootsPem (or TrustedRootFiles) needs the roots the authorities chain to; without them every timestamp is refused.");
        }
        else if (!string.IsNullOrWhiteSpace(time.TrustedRootsPem) && Problem(time.TrustedRootsPem, ReadsAsCertificates) is { } rootsProblem)
        {
            failures.Add($"{TimestampOptions.Section}:TrustedRootsPem {rootsProblem}");
        }

        for (var i = 0; i < time.TrustedRootFiles.Count; i++)
        {
            if (FileProblem(time.TrustedRootFiles[i], ReadsAsCertificates) is { } fileProblem)
            {
                failures.Add($"{TimestampOptions.Section}:TrustedRootFiles:{i} {fileProblem}");
            }
        }

        var key = receipts.Value;
        if (string.IsNullOrWhiteSpace(key.SigningKeyPem) && string.IsNullOrWhiteSpace(key.SigningKeyFile))
        {
            failures.Add($"{ReceiptOptions.Section}:SigningKeyPem (or SigningKeyFile) needs the ECDSA P-256 receipt key; in Azure a Key Vault reference.");
        }
        else if (!string.IsNullOrWhiteSpace(key.SigningKeyPem) && Problem(key.SigningKeyPem, ReadsAsReceiptKey) is { } keyProblem)
        {
            failures.Add($"{ReceiptOptions.Section}:SigningKeyPem {keyProblem}");
        }
        else if (string.IsNullOrWhiteSpace(key.SigningKeyPem) && FileProblem(key.SigningKeyFile!, ReadsAsReceiptKey) is { } keyFileProblem)
        {
            failures.Add($"{ReceiptOptions.Section}:SigningKeyFile {keyFileProblem}");
        }

        if (!string.IsNullOrWhiteSpace(key.PreviousPublicKeysPem) && Problem(key.PreviousPublicKeysPem, ReadsAsPublicKeys) is { } previousProblem)
        {
            failures.Add($"{ReceiptOptions.Section}:PreviousPublicKeysPem {previousProblem}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Why a PEM setting cannot be used, or null; never repeats the setting's value (it may be a private key).</summary>
    private static string? Problem(string pem, Func<string, bool> reads)
    {
        if (pem.TrimStart().StartsWith(KeyVaultReference, StringComparison.OrdinalIgnoreCase))
        {
            return "is a Key Vault reference the platform did not resolve: give the app's identity the Key Vault Secrets User role and check the secret exists.";
        }

        try
        {
            return reads(pem) ? null : "holds no usable PEM.";
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            return "holds no usable PEM.";
        }
    }

    /// <summary>Why a PEM file setting (relative to the content root, as the vault reads it) cannot be used, or null.</summary>
    private string? FileProblem(string file, Func<string, bool> reads)
    {
        var path = Path.Combine(environment.ContentRootPath, file);
        return File.Exists(path) ? Problem(File.ReadAllText(path), reads) : "names a file that does not exist.";
    }

    private static bool ReadsAsCertificates(string pem)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPem(pem);
        var any = roots.Count > 0;
        foreach (var root in roots)
        {
            root.Dispose();
        }

        return any;
    }

    private static bool ReadsAsPublicKeys(string pem)
    {
        var keys = ReceiptKeys.ReadPublicKeys(pem);
        foreach (var key in keys)
        {
            key.PublicKey.Dispose();
        }

        return keys.Count > 0;
    }

    private static bool ReadsAsReceiptKey(string pem)
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(pem);
        return key.KeySize == 256;
    }
}
