using System.Security.Cryptography;
using EvidenceVault.Api.Hosting;
using EvidenceVault.Testing;
using Microsoft.Extensions.Options;

namespace EvidenceVault.Api.Tests.Hosting;

/// <summary>
/// A deployment that requires configured trust (as <c>infra/</c> sets) does not start on the development authority or
/// a generated receipt key, and says which setting is missing; the vault with everything configured is in
/// <c>ExternalAuthorityTests</c>, which runs with this requirement on.
/// </summary>
public sealed class ConfiguredTrustTests : IDisposable
{
    private const string RootsPem = "EvidenceVault:Timestamps:TrustedRootsPem";
    private const string KeyPem = "EvidenceVault:Receipts:SigningKeyPem";

    private readonly string _data = Directory.CreateTempSubdirectory("ev-trust-").FullName;
    private readonly OpensslTimestampAuthority _authority = OpensslTimestampAuthority.Create("Configured TSA");

    public void Dispose()
    {
        _authority.Dispose();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public void Nothing_configured_the_vault_refuses_to_start_and_names_every_missing_setting()
    {
        var failures = StartFailures(new Dictionary<string, string?>());

        Assert.Equal(3, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("EvidenceVault:Timestamps:Authorities", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith(RootsPem, StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith(KeyPem, StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(_data, "dev-tsa")));
        Assert.False(File.Exists(Path.Combine(_data, "receipt-signing-key.pem")));
    }

    [Fact]
    public void A_key_vault_reference_the_platform_did_not_resolve_is_named_as_such()
    {
        var failures = StartFailures(Configured(KeyPem, "@Microsoft.KeyVault(VaultName=ev-vault;SecretName=receipt-signing-key)"));

        var failure = Assert.Single(failures);
        Assert.StartsWith(KeyPem + " is a Key Vault reference", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Unreadable_roots_or_a_key_on_another_curve_are_refused_without_repeating_the_key()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        var failures = StartFailures(Configured(RootsPem, "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----", KeyPem, p384.ExportPkcs8PrivateKeyPem()));

        Assert.Equal([$"{KeyPem} holds no usable PEM.", $"{RootsPem} holds no usable PEM."], failures.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Earlier_receipt_keys_that_are_no_public_keys_are_named()
    {
        using var earlier = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        const string Previous = "EvidenceVault:Receipts:PreviousPublicKeysPem";

        Assert.Equal([$"{Previous} holds no usable PEM."], StartFailures(Configured(Previous, "not a key")));
        Assert.Equal([$"{Previous} holds no usable PEM."], StartFailures(Configured(Previous, earlier.ExportSubjectPublicKeyInfoPem() + "-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\n")));
    }

    [Fact]
    public void Root_and_key_files_that_are_missing_are_named()
    {
        var failures = StartFailures(Configured(RootsPem, string.Empty, "EvidenceVault:Timestamps:TrustedRootFiles:0", _authority.RootPemPath, "EvidenceVault:Timestamps:TrustedRootFiles:1", Path.Combine(_data, "gone.pem"), KeyPem, string.Empty, "EvidenceVault:Receipts:SigningKeyFile", Path.Combine(_data, "no-key.pem")));

        Assert.Equal(["EvidenceVault:Receipts:SigningKeyFile names a file that does not exist.", "EvidenceVault:Timestamps:TrustedRootFiles:1 names a file that does not exist."], failures.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("not a certificate")]
    [InlineData("a broken certificate")]
    public async Task A_capture_root_file_that_holds_no_certificate_is_named(string content)
    {
        var file = Path.Combine(_data, "intranet-root.pem");
        if (content != "missing")
        {
            await File.WriteAllTextAsync(file, content == "not a certificate" ? "intranet root, see the wiki" : "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
        }

        var failures = StartFailures(Configured("EvidenceVault:Capture:TrustedRootCertificateFiles:0", file));

        Assert.Equal(["EvidenceVault:Capture:TrustedRootCertificateFiles names a file that is missing or holds no certificate."], failures);
    }

    /// <summary>Everything a deployment needs, with <paramref name="overrides"/> (setting, value, setting, value…) on top.</summary>
    private Dictionary<string, string?> Configured(params string[] overrides)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var settings = new Dictionary<string, string?>
        {
            ["EvidenceVault:Timestamps:Authorities:0:Name"] = "Configured TSA",
            ["EvidenceVault:Timestamps:Authorities:0:Url"] = "https://tsa.example.org/",
            [RootsPem] = File.ReadAllText(_authority.RootPemPath),
            [KeyPem] = key.ExportPkcs8PrivateKeyPem(),
        };
        for (var i = 0; i < overrides.Length; i += 2)
        {
            settings[overrides[i]] = overrides[i + 1];
        }

        return settings;
    }

    /// <summary>
    /// Starts the vault as <c>infra/</c> configures it, on storage it never reaches — the refusal comes first — and
    /// returns what the refusal names. The app is built here rather than through <c>WebApplicationFactory</c>, whose
    /// deferred host races the app's own disposal when start-up fails (it may throw ObjectDisposedException instead).
    /// </summary>
    private List<string> StartFailures(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(Program).Assembly.GetName().Name,
            ContentRootPath = _data,
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["EvidenceVault:StartAzurite"] = "false",
            ["EvidenceVault:DataDirectory"] = _data,
            ["EvidenceVault:Storage:ConnectionString"] = "UseDevelopmentStorage=true",
            ["EvidenceVault:RequireConfiguredTrust"] = "true",
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddEvidenceVault();
        using var app = builder.Build();
        app.MapEvidenceVault();

        var refused = Record.Exception(() => app.StartAsync().GetAwaiter().GetResult());
        var validation = Assert.IsType<OptionsValidationException>(refused is AggregateException all ? Assert.Single(all.InnerExceptions) : refused);
        return [.. validation.Failures];
    }
}
