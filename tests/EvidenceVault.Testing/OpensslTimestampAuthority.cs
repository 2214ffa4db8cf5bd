using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EvidenceVault.Testing;

/// <summary>How the test authority's signing certificate is made.</summary>
/// <param name="NotBefore">Start of validity.</param>
/// <param name="NotAfter">End of validity.</param>
public sealed record TsaCertificateProfile(DateTimeOffset NotBefore, DateTimeOffset NotAfter)
{
    public static TsaCertificateProfile Valid => new(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5));
}

/// <summary>
/// A real RFC 3161 authority that is not ours: <c>openssl ts -reply</c> with its own root CA and ECDSA P-256
/// signing certificate, answering queries through the openssl binary.
/// </summary>
public sealed class OpensslTimestampAuthority : IDisposable
{
    private readonly SemaphoreSlim _serialLock = new(1, 1);

    private OpensslTimestampAuthority(string folder, X509Certificate2 root)
    {
        Folder = folder;
        Root = root;
    }

    public string Folder { get; }

    public X509Certificate2 Root { get; }

    public string RootPemPath => Path.Combine(Folder, "root.pem");

    public static OpensslTimestampAuthority Create(string name, TsaCertificateProfile? profile = null)
    {
        profile ??= TsaCertificateProfile.Valid;
        var folder = Directory.CreateTempSubdirectory("ev-openssl-tsa-").FullName;
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest($"CN={name} Root, O=Test Authority", rootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        rootRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(rootRequest.PublicKey, false));
        var root = rootRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddYears(-2), DateTimeOffset.UtcNow.AddYears(10));

        using var tsaKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var tsaRequest = new CertificateRequest($"CN={name}, O=Test Authority", tsaKey, HashAlgorithmName.SHA256);
        tsaRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, true));
        // openssl ts -reply refuses to sign without the critical timeStamping EKU, so every test authority has it.
        tsaRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.8")], critical: true));
        tsaRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root, true, false));
        using var tsa = tsaRequest.Create(root, profile.NotBefore, profile.NotAfter, RandomNumberGenerator.GetBytes(8));

        File.WriteAllText(Path.Combine(folder, "root.pem"), root.ExportCertificatePem());
        File.WriteAllText(Path.Combine(folder, "tsa.pem"), tsa.ExportCertificatePem());
        File.WriteAllText(Path.Combine(folder, "tsa-key.pem"), tsaKey.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(Path.Combine(folder, "serial"), "01\n");
        File.WriteAllText(Path.Combine(folder, "ts.cnf"), $"""
            [ tsa ]
            default_tsa = tsa_config
            [ tsa_config ]
            dir = {folder}
            serial = $dir/serial
            crypto_device = builtin
            signer_cert = $dir/tsa.pem
            certs = $dir/tsa.pem
            signer_key = $dir/tsa-key.pem
            signer_digest = sha256
            default_policy = 1.2.3.4.1
            digests = sha256, sha384, sha512
            accuracy = secs:1
            ordering = no
            tsa_name = yes
            ess_cert_id_chain = no
            ess_cert_id_alg = sha256
            """);
        return new OpensslTimestampAuthority(folder, root);
    }

    /// <summary>Answers a DER TimeStampReq with openssl's DER TimeStampResp.</summary>
    public async Task<byte[]> ReplyAsync(byte[] query)
    {
        await _serialLock.WaitAsync();
        try
        {
            var id = Guid.NewGuid().ToString("N");
            var queryFile = Path.Combine(Folder, id + ".tsq");
            var replyFile = Path.Combine(Folder, id + ".tsr");
            await File.WriteAllBytesAsync(queryFile, query);
            var result = await ExternalTool.RunAsync("openssl", Folder, "ts", "-reply", "-config", Path.Combine(Folder, "ts.cnf"), "-queryfile", queryFile, "-out", replyFile);
            if (result.ExitCode != 0 || !File.Exists(replyFile))
            {
                throw new InvalidOperationException("openssl ts -reply failed: " + result.Output);
            }

            var reply = await File.ReadAllBytesAsync(replyFile);
            File.Delete(queryFile);
            File.Delete(replyFile);
            return reply;
        }
        finally
        {
            _serialLock.Release();
        }
    }

    public void Dispose()
    {
        Root.Dispose();
        _serialLock.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}
