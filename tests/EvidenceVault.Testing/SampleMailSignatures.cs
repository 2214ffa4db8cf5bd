using System.Security.Cryptography;
using System.Text;
using EvidenceVault.Evidence;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace EvidenceVault.Testing;

/// <summary>
/// The phishing mail (<see cref="SampleMessages.Phishing"/>) as the sending domain's server signs it with DKIM, signed
/// by dkimpy (Debian's <c>python3-dkim</c>, installed with apt-get when missing), a signer the vault's code has no part
/// in: the signature field stands below the fields the recipient's provider put on top (<c>Return-Path</c>,
/// <c>Delivered-To</c>, its <c>Received</c>), as it does in a delivered mail, and those are not signed.
/// </summary>
public static class SampleMailSignatures
{
    /// <summary>The domain that signs: the phishing mail's sender's.</summary>
    public const string Domain = "refund-center.example";

    /// <summary>The selector its key is published under.</summary>
    public const string Selector = "mail2026";

    /// <summary>The Python that has dkimpy: Debian's own, whatever <c>python3</c> comes first on the path.</summary>
    public const string DebianPython = "/usr/bin/python3";

    // The recipient's provider's fields (Return-Path, Delivered-To, its Received, its Authentication-Results) stand above
    // the sending server's Received, which is the first field of the mail as it left the sending domain.
    private const string SendingServerReceived = "Received: from [10.0.0.7]";

    /// <summary>Installs dkimpy, and PyNaCl for its Ed25519, with apt-get when missing.</summary>
    public static Task EnsureDkimpyAsync() =>
        DebianPackages.EnsureAsync(["python3-dkim", "python3-nacl"], "Signing and checking DKIM signatures as dkimpy does",
            () => Task.FromResult(File.Exists("/usr/lib/python3/dist-packages/dkim/__init__.py") && File.Exists("/usr/lib/python3/dist-packages/nacl/__init__.py")));

    /// <summary>A new signing key of <paramref name="bits"/>.</summary>
    public static RSA NewKey(int bits = 2048) => RSA.Create(bits);

    /// <summary>The name the key of <paramref name="selector"/> is published at: <c>{selector}._domainkey.{domain}</c>.</summary>
    public static string KeyName(string selector = Selector) => $"{selector}._domainkey.{Domain}";

    /// <summary>The key record the domain publishes for <paramref name="key"/> (<c>v=DKIM1; k=rsa; p=…</c>).</summary>
    public static string KeyRecord(RSA key) => "v=DKIM1; k=rsa; p=" + Convert.ToBase64String(key.ExportSubjectPublicKeyInfo());

    /// <summary>A new Ed25519 signing key (RFC 8463).</summary>
    public static Ed25519PrivateKeyParameters NewEd25519Key() => new(new SecureRandom());

    /// <summary>The key record the domain publishes for <paramref name="key"/> (<c>v=DKIM1; k=ed25519; p=…</c>, the bare 32-byte public key).</summary>
    public static string KeyRecord(Ed25519PrivateKeyParameters key) => "v=DKIM1; k=ed25519; p=" + Convert.ToBase64String(key.GeneratePublicKey().GetEncoded());

    /// <summary>
    /// Writes the phishing mail to <paramref name="path"/>, signed by <see cref="Domain"/> with <paramref name="key"/>
    /// under <paramref name="canonicalization"/> (<c>header/body</c>), <paramref name="algorithm"/> and
    /// <paramref name="selector"/>, with the recipient's provider's <c>Authentication-Results</c> when
    /// <paramref name="authenticated"/>; returns the path.
    /// </summary>
    public static async Task<string> SignedPhishingAsync(string path, RSA key, string canonicalization = "relaxed/relaxed", string algorithm = "rsa-sha256", string selector = Selector, bool authenticated = false)
    {
        ArgumentNullException.ThrowIfNull(key);
        SampleMessages.Phishing(path, authenticated: authenticated);
        await SignAsync(path, key, canonicalization, algorithm, selector: selector);
        return path;
    }

    /// <summary>
    /// Signs the mail at <paramref name="path"/> in place, the signature put below its delivery fields; stating the
    /// length of the body signed (<c>l=</c>) when <paramref name="bodyLength"/>.
    /// </summary>
    public static Task SignAsync(string path, RSA key, string canonicalization = "relaxed/relaxed", string algorithm = "rsa-sha256", bool bodyLength = false, string selector = Selector)
    {
        ArgumentNullException.ThrowIfNull(key);
        return SignWithAsync(path, key.ExportRSAPrivateKeyPem(), canonicalization, algorithm, bodyLength, selector);
    }

    /// <summary>Signs the mail at <paramref name="path"/> in place with <c>ed25519-sha256</c> (RFC 8463), as <see cref="SignAsync(string, RSA, string, string, bool, string)"/> does with RSA.</summary>
    public static Task SignAsync(string path, Ed25519PrivateKeyParameters key, string canonicalization = "relaxed/relaxed", string selector = Selector)
    {
        ArgumentNullException.ThrowIfNull(key);
        return SignWithAsync(path, Convert.ToBase64String(key.GetEncoded()), canonicalization, "ed25519-sha256", bodyLength: false, selector); // dkimpy takes the 32-byte seed in base64
    }

    private static async Task SignWithAsync(string path, string privateKey, string canonicalization, string algorithm, bool bodyLength, string selector)
    {
        await EnsureDkimpyAsync();
        var folder = Directory.CreateTempSubdirectory("ev-dkim-");
        try
        {
            var keyPath = Path.Combine(folder.FullName, "key.pem");
            var signaturePath = Path.Combine(folder.FullName, "signature");
            await File.WriteAllTextAsync(keyPath, privateKey);
            var canonical = canonicalization.Split('/');
            var signed = await ExternalTool.RunAsync(DebianPython, folder.FullName, "-c",
                "import dkim,sys; a=sys.argv; s=dkim.sign(open(a[1],'rb').read(), a[3].encode(), a[4].encode(), open(a[2],'rb').read(), " +
                "canonicalize=(a[5].encode(), a[6].encode()), signature_algorithm=a[7].encode(), length=a[9]=='1'); open(a[8],'wb').write(s)",
                path, keyPath, selector, Domain, canonical[0], canonical[1], algorithm, signaturePath, bodyLength ? "1" : "0");
            Assert.True(signed.ExitCode == 0, signed.Output);
            var signature = (await File.ReadAllTextAsync(signaturePath, Encoding.Latin1)).TrimEnd('\r', '\n');
            var lines = (await File.ReadAllTextAsync(path, Encoding.Latin1)).Split("\r\n").ToList();
            var earlier = lines.FindIndex(line => line.StartsWith("DKIM-Signature:", StringComparison.Ordinal)); // a later signer signs on top of an earlier one
            lines.Insert(earlier >= 0 ? earlier : lines.FindIndex(line => line.StartsWith(SendingServerReceived, StringComparison.Ordinal)), signature);
            await File.WriteAllTextAsync(path, string.Join("\r\n", lines), Encoding.Latin1);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Whether dkimpy finds the signature of the mail at <paramref name="path"/> good, given <paramref name="keyRecord"/>
    /// as the domain's published key — the check the bundle's guide tells a court expert to run offline.
    /// </summary>
    public static async Task<ExternalTool.Result> DkimpyVerifyAsync(string path, string keyRecord)
    {
        await EnsureDkimpyAsync();
        return await ExternalTool.RunAsync(DebianPython, Path.GetDirectoryName(Path.GetFullPath(path))!, "-c",
            "import dkim,sys; print(dkim.verify(open(sys.argv[1],'rb').read(), dnsfunc=lambda name, timeout=5: sys.argv[2].encode()))", path, keyRecord);
    }

    /// <summary>Key records by name (<c>{selector}._domainkey.{domain}</c>), asked in the order given; a name not among them has none.</summary>
    public sealed class KeyTable(IReadOnlyDictionary<string, string> records) : IMailKeyDirectory
    {
        /// <summary>The names asked for, in order.</summary>
        public List<string> Asked { get; } = [];

        /// <inheritdoc/>
        public Task<MailKeyAnswer> FindAsync(string selector, string domain, CancellationToken cancellationToken)
        {
            var name = $"{selector}._domainkey.{domain}"; // as KeyName writes it, for any domain
            Asked.Add(name);
            return Task.FromResult(records.TryGetValue(name, out var record) ? MailKeyAnswer.Found(record) : MailKeyAnswer.None);
        }
    }
}
