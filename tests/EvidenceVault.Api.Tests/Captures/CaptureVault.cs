using EvidenceVault.Api.Tests.Infrastructure;

namespace EvidenceVault.Api.Tests.Captures;

/// <summary>
/// A vault (which, like every test vault, may capture from 127.0.0.1 only — where <see cref="ScamSite"/> listens;
/// every other private, loopback or link-local address stays refused) with limits small enough to reach in a test.
/// </summary>
public sealed class CaptureVault : VaultApp
{
    public const long MaxBytes = 1024 * 1024;

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public const int MaxRedirects = 3;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("EvidenceVault:Capture:MaxBytes", MaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("EvidenceVault:Capture:Timeout", Timeout.ToString()),
        new("EvidenceVault:Capture:MaxRedirects", MaxRedirects.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    ];
}
