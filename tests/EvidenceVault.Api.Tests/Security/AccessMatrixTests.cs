using EvidenceVault.Api.Tests.Infrastructure;
using EvidenceVault.Evidence;

namespace EvidenceVault.Api.Tests.Security;

/// <summary>
/// Every case endpoint × every kind of caller. The endpoints come from the app's own endpoint table and the
/// expected roles from the policy below, written independently of the code: an endpoint added without a policy
/// here fails the suite.
/// </summary>
[Collection(VaultOnAzurite.Name)]
public sealed class AccessMatrixTests(SecurityVault app) : IClassFixture<SecurityVault>
{
    private static readonly string[] Everyone = [CaseRoles.Owner, CaseRoles.Contributor, CaseRoles.Lawyer];

    /// <summary>The access policy: who may call what (docs/security.md).</summary>
    private static readonly Dictionary<string, string[]> Policy = new(StringComparer.Ordinal)
    {
        ["GET api/cases/{caseId}"] = Everyone,
        ["POST api/cases/{caseId}/items"] = [CaseRoles.Owner, CaseRoles.Contributor],
        ["POST api/cases/{caseId}/captures"] = [CaseRoles.Owner, CaseRoles.Contributor],
        ["GET api/cases/{caseId}/items"] = Everyone,
        ["GET api/cases/{caseId}/items/{itemId}"] = Everyone,
        ["GET api/cases/{caseId}/items/{itemId}/content"] = Everyone,
        ["GET api/cases/{caseId}/items/{itemId}/timestamp"] = Everyone,
        ["GET api/cases/{caseId}/items/{itemId}/receipt"] = Everyone,
        ["GET api/cases/{caseId}/custody"] = [CaseRoles.Owner, CaseRoles.Lawyer],
        ["GET api/cases/{caseId}/bundle"] = [CaseRoles.Owner, CaseRoles.Lawyer],
        ["POST api/cases/{caseId}/bundle"] = [CaseRoles.Owner, CaseRoles.Lawyer],
        ["POST api/cases/{caseId}/grants"] = [CaseRoles.Owner],
        ["GET api/cases/{caseId}/grants"] = [CaseRoles.Owner],
        ["DELETE api/cases/{caseId}/grants/{grantId}"] = [CaseRoles.Owner],
        ["POST api/cases/{caseId}/owner-token"] = [CaseRoles.Owner],
        ["OPTIONS api/cases/{caseId}/uploads"] = Everyone,
        ["POST api/cases/{caseId}/uploads"] = [CaseRoles.Owner, CaseRoles.Contributor],
        ["HEAD api/cases/{caseId}/uploads/{uploadId}"] = [CaseRoles.Owner, CaseRoles.Contributor],
        ["PATCH api/cases/{caseId}/uploads/{uploadId}"] = [CaseRoles.Owner, CaseRoles.Contributor],
        ["DELETE api/cases/{caseId}/uploads/{uploadId}"] = [CaseRoles.Owner, CaseRoles.Contributor],
        ["GET api/cases/{caseId}/uploads/{uploadId}"] = [CaseRoles.Owner, CaseRoles.Contributor],
    };

    public static TheoryData<string> CaseEndpoints()
    {
        var data = new TheoryData<string>();
        foreach (var key in Policy.Keys)
        {
            data.Add(key);
        }

        return data;
    }

    [Fact]
    public void EveryCaseEndpointInTheApp_HasAPolicy_AndEveryPolicyAnEndpoint()
    {
        var mapped = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/cases/{caseId}", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m} {e.RoutePattern.RawText!.Trim('/')}"))
            .ToHashSet(StringComparer.Ordinal);

        Assert.Empty(mapped.Except(Policy.Keys));
        Assert.Empty(Policy.Keys.Except(mapped));
    }

    [Theory]
    [MemberData(nameof(CaseEndpoints))]
    public async Task Endpoint_EveryCaller_GetsExactlyWhatThePolicySays(string endpoint)
    {
        var scenario = await ScenarioAsync();
        var site = await ScamSite.InstanceAsync();
        var (method, template) = (endpoint.Split(' ')[0], endpoint.Split(' ')[1]);
        var path = "/" + template.Replace("{caseId}", scenario.CaseId, StringComparison.Ordinal)
            .Replace("{itemId}", scenario.OwnerItemId, StringComparison.Ordinal)
            .Replace("{grantId}", scenario.LawyerGrantId, StringComparison.Ordinal)
            .Replace("{uploadId}", scenario.OwnerUploadId, StringComparison.Ordinal);

        // The owner goes last: its calls may rotate its token or revoke the lawyer.
        foreach (var (caller, token) in scenario.Callers)
        {
            using var client = app.ClientWith(token);
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = Body(method, template, site) };
            AddProtocolHeaders(request, method, template);
            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            var because = $"{caller} → {endpoint}: {(int)response.StatusCode} {body}";
            if (method == "HEAD")
            {
                // HEAD answers carry no body: the status alone says it.
                Assert.True((int)response.StatusCode == ExpectedStatus(caller, endpoint, template), because);
                continue;
            }

            switch (caller)
            {
                case "no token" or "garbage token":
                    await ProblemAssert.IsAsync(response, 401, "unauthorized");
                    break;
                case "other case's owner":
                    await ProblemAssert.IsAsync(response, 404, "case-not-found");
                    break;
                case "revoked contributor":
                    await ProblemAssert.IsAsync(response, 401, "token-revoked");
                    break;
                case "expired lawyer":
                    await ProblemAssert.IsAsync(response, 401, "token-expired");
                    break;
                default:
                    if (!Policy[endpoint].Contains(caller))
                    {
                        await ProblemAssert.IsAsync(response, 403, "forbidden");
                    }
                    else if (caller == CaseRoles.Contributor && template.Contains("{itemId}", StringComparison.Ordinal))
                    {
                        await ProblemAssert.IsAsync(response, 404, "item-not-found"); // another victim's item is as good as absent
                    }
                    else if (caller == CaseRoles.Contributor && template.Contains("{uploadId}", StringComparison.Ordinal))
                    {
                        await ProblemAssert.IsAsync(response, 404, "upload-not-found"); // and so is the owner's upload
                    }
                    else
                    {
                        Assert.True(response.IsSuccessStatusCode, because);
                    }

                    break;
            }
        }
    }

    private static HttpContent? Body(string method, string template, ScamSite site) => (method, template) switch
    {
        ("POST", "api/cases/{caseId}/captures") => JsonContent.Create(new { url = site.At("/plain").AbsoluteUri }),
        ("POST", "api/cases/{caseId}/items") => new ByteArrayContent(Ingest.IngestTests.GeneratedPng(Random.Shared.Next(1, 100_000))),
        ("POST", "api/cases/{caseId}/grants") => JsonContent.Create(new { role = "lawyer", label = "matrix" }),
        ("PATCH", _) => new ByteArrayContent(Ingest.IngestTests.GeneratedPng(1)[..100]) { Headers = { ContentType = new("application/offset+octet-stream") } },
        _ => null,
    };

    private static void AddProtocolHeaders(HttpRequestMessage request, string method, string template)
    {
        if (!template.Contains("/uploads", StringComparison.Ordinal))
        {
            return;
        }

        request.Headers.Add("Tus-Resumable", "1.0.0");
        if (method == "POST")
        {
            request.Headers.Add("Upload-Length", "1000000");
        }
        else if (method == "PATCH")
        {
            request.Headers.Add("Upload-Offset", "0");
        }
    }

    private static int ExpectedStatus(string caller, string endpoint, string template) => caller switch
    {
        "no token" or "garbage token" or "revoked contributor" or "expired lawyer" => 401,
        "other case's owner" => 404,
        _ when !Policy[endpoint].Contains(caller) => 403,
        CaseRoles.Contributor when template.Contains("{uploadId}", StringComparison.Ordinal) => 404,
        _ => 200,
    };

    private async Task<Scenario> ScenarioAsync()
    {
        using var owner = await app.CreateCaseAsync("Matrix case");
        using var other = await app.CreateCaseAsync("Someone else's case");
        var item = await owner.UploadItemAsync("screenshot-refund-page.png");
        using var opened = await new Uploads.TusClient(owner.Client, owner.CaseId).CreateAsync(1_000_000);
        var upload = opened.Headers.Location!.OriginalString.Split('/')[^1];
        var contributor = await app.GrantAsync(owner, CaseRoles.Contributor, "Victim 2");
        var lawyer = await app.GrantAsync(owner, CaseRoles.Lawyer, "Law firm");
        var revoked = await app.GrantAsync(owner, CaseRoles.Contributor, "Victim 3");
        (await owner.Client.DeleteAsync($"/api/cases/{owner.CaseId}/grants/{revoked.GrantId}")).EnsureSuccessStatusCode();
        var expired = await app.GrantAsync(owner, CaseRoles.Lawyer, "Old link", app.Clock.GetUtcNow().AddMinutes(5));
        app.Clock.Advance(TimeSpan.FromMinutes(6));
        return new Scenario(owner.CaseId, item.ItemId, lawyer.GrantId, upload,
        [
            ("no token", null),
            ("garbage token", "evv_not-a-token"),
            ("other case's owner", other.OwnerToken),
            ("revoked contributor", revoked.Token),
            ("expired lawyer", expired.Token),
            (CaseRoles.Contributor, contributor.Token),
            (CaseRoles.Lawyer, lawyer.Token),
            (CaseRoles.Owner, owner.OwnerToken),
        ]);
    }

    private sealed record Scenario(string CaseId, string OwnerItemId, string LawyerGrantId, string OwnerUploadId, IReadOnlyList<(string Caller, string? Token)> Callers);
}
