namespace EvidenceVault.Api.Captures;

/// <summary>Server-side capture of a page into a WACZ (<c>EvidenceVault:Capture</c>).</summary>
public sealed class CaptureOptions
{
    public const string Section = "EvidenceVault:Capture";

    /// <summary>Whether case members may ask the vault to capture a page (an operator may turn outbound fetches off).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Bytes of all responses one capture keeps together (the page, its redirects and its resources).</summary>
    public long MaxBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>How long one capture may take, start to end (below the 230 s an Azure Functions response may take).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>Redirects followed from one address.</summary>
    public int MaxRedirects { get; set; } = 10;

    /// <summary>Resources of the page (images, style sheets, scripts, frames) fetched beside it.</summary>
    public int MaxResources { get; set; } = 60;

    /// <summary>Resources fetched at once.</summary>
    public int MaxParallelFetches { get; set; } = 4;

    /// <summary>The largest page (decoded) read for its resources; a larger page is kept whole, without them.</summary>
    public int MaxParsedPageBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// The <c>User-Agent</c> sent: a phone's browser, because scam pages are made for phones and some show
    /// crawlers something else. Recorded in every request record and in the capture's summary.
    /// </summary>
    public string UserAgent { get; set; } =
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";

    /// <summary>The <c>Accept-Language</c> sent: Chinese first, then English, as the victims' phones.</summary>
    public string AcceptLanguage { get; set; } = "zh-CN,zh;q=0.9,en;q=0.8";

    /// <summary>
    /// Networks (CIDR) the vault may fetch from although they are private, loopback or otherwise not public —
    /// none by default. For a test or an intranet deployment only: every address outside the public internet is
    /// refused otherwise, so a capture can never reach the vault's own host, its cloud's metadata service or a
    /// private network.
    /// </summary>
    public List<string> AllowedPrivateNetworks { get; set; } = [];

    /// <summary>
    /// PEM files of certificate authorities whose sites captures trust beside those the system trusts — none by
    /// default. For an intranet's own authority (with <see cref="AllowedPrivateNetworks"/>) or a test; a site whose
    /// certificate neither trusts, or names another host, is not captured.
    /// </summary>
    public List<string> TrustedRootCertificateFiles { get; set; } = [];
}
