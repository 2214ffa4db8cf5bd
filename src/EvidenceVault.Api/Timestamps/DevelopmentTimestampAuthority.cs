using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tsp;
using Org.BouncyCastle.Utilities.Collections;

namespace EvidenceVault.Api.Timestamps;

/// <summary>
/// A real RFC 3161 authority inside the app, for <c>dotnet run</c> and the tests, so everything works offline. Its
/// root CA and signing certificate (ECDSA P-256, critical timeStamping EKU) are created on first use and kept in
/// the data folder. Its tokens verify with <c>openssl ts -verify</c> against its root — which only this machine
/// trusts: production names real authorities.
/// </summary>
internal sealed class DevelopmentTimestampAuthority : ITimestampAuthority
{
    public const string PolicyOid = "1.3.6.1.4.1.59423.1.1";
    private readonly TimeStampResponseGenerator _generator;
    private readonly Lock _lock = new();

    private readonly TimeProvider _clock;

    private DevelopmentTimestampAuthority(X509Certificate2 root, X509Certificate2 signer, TimeProvider clock)
    {
        _clock = clock;
        RootCertificate = root;
        var bcCert = DotNetUtilities.FromX509Certificate(signer);
        using var key = signer.GetECDsaPrivateKey()!;
        var tokens = new TimeStampTokenGenerator(DotNetUtilities.GetKeyPair(key).Private, bcCert, TspAlgorithms.Sha256, PolicyOid);
        tokens.SetCertificates(CollectionUtilities.CreateStore(new[] { bcCert }));
        tokens.Resolution = Resolution.R_MILLISECONDS;
        _generator = new TimeStampResponseGenerator(tokens, TspAlgorithms.Allowed);
    }

    public string Name => "EvidenceVault development TSA";

    public X509Certificate2 RootCertificate { get; }

    public static DevelopmentTimestampAuthority OpenOrCreate(string folder, TimeProvider clock)
    {
        Directory.CreateDirectory(folder);
        var rootPath = Path.Combine(folder, "root.pem");
        var signerPath = Path.Combine(folder, "tsa.pem");
        var keyPath = Path.Combine(folder, "tsa-key.pem");
        if (!File.Exists(rootPath) || !File.Exists(signerPath) || !File.Exists(keyPath))
        {
            Create(rootPath, signerPath, keyPath, clock.GetUtcNow());
        }

        var root = X509CertificateLoader.LoadCertificateFromFile(rootPath);
        var signer = X509Certificate2.CreateFromPemFile(signerPath, keyPath);
        return new DevelopmentTimestampAuthority(root, signer, clock);
    }

    public Task<byte[]> RequestAsync(byte[] query, CancellationToken cancellationToken)
    {
        var request = new TimeStampRequest(query);
        var serial = new BigInteger(1, RandomNumberGenerator.GetBytes(16));
        lock (_lock)
        {
            return Task.FromResult(_generator.Generate(request, serial, _clock.GetUtcNow().UtcDateTime).GetEncoded());
        }
    }

    private static void Create(string rootPath, string signerPath, string keyPath, DateTimeOffset now)
    {
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest("CN=EvidenceVault Development TSA Root, O=EvidenceVault (development only)", rootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        rootRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(rootRequest.PublicKey, false));
        using var root = rootRequest.CreateSelfSigned(now.AddDays(-1), now.AddYears(20));

        using var signerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signerRequest = new CertificateRequest("CN=EvidenceVault Development TSA, O=EvidenceVault (development only)", signerKey, HashAlgorithmName.SHA256);
        signerRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        signerRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, true));
        signerRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(EvidenceVault.Timestamps.TimestampVerifier.TimeStampingEku)], critical: true));
        signerRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var signer = signerRequest.Create(root, now.AddDays(-1), now.AddYears(10), serial);

        File.WriteAllText(rootPath, root.ExportCertificatePem());
        File.WriteAllText(signerPath, signer.ExportCertificatePem());
        File.WriteAllText(keyPath, signerKey.ExportPkcs8PrivateKeyPem());
    }
}
