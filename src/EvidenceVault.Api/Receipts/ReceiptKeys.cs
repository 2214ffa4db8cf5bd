using System.Security.Cryptography;
using EvidenceVault.Api.Storage;
using EvidenceVault.Receipts;
using Microsoft.Extensions.Options;

namespace EvidenceVault.Api.Receipts;

/// <summary>The vault's receipt signing key (<c>EvidenceVault:Receipts</c>).</summary>
public sealed class ReceiptOptions
{
    public const string Section = "EvidenceVault:Receipts";

    /// <summary>The ECDSA P-256 private key as PEM (in Azure: a Key Vault reference in the app settings).</summary>
    public string? SigningKeyPem { get; set; }

    /// <summary>A PEM file holding the private key, instead of <see cref="SigningKeyPem"/>.</summary>
    public string? SigningKeyFile { get; set; }

    /// <summary>PEM files of earlier public keys: still published, so old receipts keep verifying after rotation.</summary>
    public List<string> PreviousPublicKeyFiles { get; set; } = [];

    /// <summary>Earlier public keys as PEM text, one or more blocks (for app settings, where no file is at hand).</summary>
    public string? PreviousPublicKeysPem { get; set; }
}

/// <summary>A published receipt verification key.</summary>
/// <param name="KeyId">Its id (first 16 hex digits of the SHA-256 of its SubjectPublicKeyInfo).</param>
/// <param name="PublicKey">The key.</param>
internal sealed record ReceiptPublicKey(string KeyId, ECDsa PublicKey)
{
    public string Pem => PublicKey.ExportSubjectPublicKeyInfoPem();
}

/// <summary>
/// The signing key and every published public key. Without configuration (development) a key is generated into
/// the data folder on first use and kept there.
/// </summary>
internal sealed class ReceiptKeys : IDisposable
{
    public ReceiptKeys(IOptions<ReceiptOptions> options, IOptions<VaultHostOptions> host, IHostEnvironment environment)
    {
        // Read first: where configured trust is required, reading these checks every trust setting (ConfiguredTrust).
        var data = host.Value.DataDirectory;
        var settings = options.Value;
        SigningKey = ECDsa.Create();
        if (!string.IsNullOrWhiteSpace(settings.SigningKeyPem))
        {
            SigningKey.ImportFromPem(settings.SigningKeyPem);
        }
        else
        {
            var file = settings.SigningKeyFile is { Length: > 0 } configured
                ? Path.Combine(environment.ContentRootPath, configured)
                : Path.Combine(environment.ContentRootPath, data, "receipt-signing-key.pem");
            if (!File.Exists(file))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                using var generated = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                File.WriteAllText(file, generated.ExportPkcs8PrivateKeyPem());
            }

            SigningKey.ImportFromPem(File.ReadAllText(file));
        }

        if (SigningKey.KeySize != 256)
        {
            throw new OptionsValidationException(ReceiptOptions.Section, typeof(ReceiptOptions), ["The receipt key must be ECDSA P-256."]);
        }

        KeyId = ReceiptSignatures.KeyId(SigningKey);
        var published = new List<ReceiptPublicKey> { new(KeyId, SigningKey) };
        foreach (var file in settings.PreviousPublicKeyFiles)
        {
            published.Add(PublicKey(File.ReadAllText(Path.Combine(environment.ContentRootPath, file))));
        }

        var fromText = ReadPublicKeys(settings.PreviousPublicKeysPem);
        if (fromText.Count == 0 && !string.IsNullOrWhiteSpace(settings.PreviousPublicKeysPem))
        {
            throw new OptionsValidationException(ReceiptOptions.Section, typeof(ReceiptOptions), [$"{ReceiptOptions.Section}:PreviousPublicKeysPem holds no usable PEM."]);
        }

        published.AddRange(fromText);

        Published = published;
    }

    public ECDsa SigningKey { get; }

    public string KeyId { get; }

    /// <summary>The current key first, then earlier ones.</summary>
    public IReadOnlyList<ReceiptPublicKey> Published { get; }

    /// <summary>Every PEM public key in <paramref name="pem"/>, in order: none when it holds no PEM block, an exception for a block that is no key.</summary>
    internal static List<ReceiptPublicKey> ReadPublicKeys(string? pem)
    {
        var keys = new List<ReceiptPublicKey>();
        var rest = (pem ?? string.Empty).AsSpan();
        while (PemEncoding.TryFind(rest, out var block))
        {
            keys.Add(PublicKey(rest[block.Location]));
            rest = rest[block.Location.End..];
        }

        return keys;
    }

    private static ReceiptPublicKey PublicKey(ReadOnlySpan<char> pem)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            return new ReceiptPublicKey(ReceiptSignatures.KeyId(key), key);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var key in Published)
        {
            key.PublicKey.Dispose();
        }
    }
}
