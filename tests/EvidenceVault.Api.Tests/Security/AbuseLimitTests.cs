using System.Net;
using System.Text;
using EvidenceVault.Api.Hardening;
using EvidenceVault.Api.Tests.Infrastructure;
using EvidenceVault.Hashing;

namespace EvidenceVault.Api.Tests.Security;

/// <summary>Rate limits answer 429 with Retry-After; quotas stop uploads with nothing stored.</summary>
[Collection(VaultOnAzurite.Name)]
public sealed class AbuseLimitTests(AbuseLimitTests.TightVault app) : IClassFixture<AbuseLimitTests.TightVault>
{
    public sealed class TightVault : VaultApp
    {
        public const string OperatorKey = "operator-secret-for-tests";

        protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [
            new("EvidenceVault:Limits:Window", "01:00:00"), // no window ends mid-test
            new("EvidenceVault:Limits:CaseCreationsPerMinute", "1000"),
            new("EvidenceVault:Limits:GrantCreationsPerMinute", "2"),
            new("EvidenceVault:Limits:UploadsPerMinute", "4"),
            new("EvidenceVault:Limits:FailedTokenAttemptsPerMinute", "3"),
            new("EvidenceVault:Limits:LogReadsPerMinute", "3"),
            new("EvidenceVault:Limits:CapturesPerMinute", "2"),
            new("EvidenceVault:Limits:TrustForwardedFor", "true"),
            new("EvidenceVault:Limits:MaxItemsPerCase", "2"),
            new("EvidenceVault:Limits:MaxBytesPerCase", "20000"),
            new("EvidenceVault:Limits:OperatorKeySha256", Sha256Digest.Of(Encoding.UTF8.GetBytes(OperatorKey)).Hex),
        ];

        public async Task<TestCase> OpenCaseAsync()
        {
            using var client = CreateClient();
            client.DefaultRequestHeaders.Add("X-Operator-Key", OperatorKey);
            client.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100." + Random.Shared.Next(1, 250));
            using var response = await client.PostAsync("/api/cases", null);
            response.EnsureSuccessStatusCode();
            var created = (await response.Content.ReadFromJsonAsync<Cases.CreatedCase>(EvidenceVault.Serialization.VaultJson.Compact))!;
            return new TestCase(this, created.CaseId, created.OwnerToken, ClientWith(created.OwnerToken));
        }
    }

    [Fact]
    public async Task CaseCreation_WithoutTheOperatorKey_IsRefused()
    {
        using var client = app.CreateClient();
        using var none = await client.PostAsync("/api/cases", null);
        client.DefaultRequestHeaders.Add("X-Operator-Key", "wrong");
        using var wrong = await client.PostAsync("/api/cases", null);

        await ProblemAssert.IsAsync(none, 401, "operator-key-required");
        await ProblemAssert.IsAsync(wrong, 401, "operator-key-required");
    }

    [Fact]
    public async Task GrantCreation_PastTheLimit_Is429WithRetryAfter()
    {
        using var owner = await app.OpenCaseAsync();
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 3; i++)
        {
            last?.Dispose();
            last = await owner.Client.PostAsJsonAsync($"/api/cases/{owner.CaseId}/grants", new { role = "lawyer", label = $"firm {i}" });
            statuses.Add(last.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests], statuses);
        await ProblemAssert.IsAsync(last!, 429, "rate-limited");
        Assert.True(last!.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        last.Dispose();
    }

    [Fact]
    public async Task Public_log_reads_past_the_limit_per_client_are_429_and_another_client_still_reads()
    {
        using var witness = app.CreateClient();
        witness.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7");
        using var another = app.CreateClient();
        another.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.8");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await witness.GetAsync(i % 2 == 0 ? "/api/log/checkpoint" : "/api/log/consistency?from=1&to=1");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                await ProblemAssert.IsAsync(response, 429, "rate-limited");
            }
        }

        using var other = await another.GetAsync("/api/log/checkpoint");

        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.Equal(3, statuses.Count(s => s != HttpStatusCode.TooManyRequests));
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Uploads_PastTheLimitPerToken_Are429()
    {
        using var owner = await app.OpenCaseAsync();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await owner.Client.PostAsync($"/api/cases/{owner.CaseId}/items", new ByteArrayContent(Ingest.IngestTests.GeneratedPng(60 + i)));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Created, 2), HttpStatusCode.InsufficientStorage, HttpStatusCode.InsufficientStorage, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task Captures_PastTheLimitPerToken_Are429_BeforeTheVaultLooksAtTheAddress()
    {
        using var owner = await app.OpenCaseAsync();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await owner.Client.PostAsJsonAsync($"/api/cases/{owner.CaseId}/captures", new { url = "http://10.0.0.1/" });
            statuses.Add(response.StatusCode);
            if (i == 2)
            {
                await ProblemAssert.IsAsync(response, 429, "rate-limited");
            }
        }

        Assert.Equal([HttpStatusCode.UnprocessableEntity, HttpStatusCode.UnprocessableEntity, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task GuessingTokens_FromOneClient_IsStoppedEvenForTheRightTokenAfterwards()
    {
        using var owner = await app.OpenCaseAsync();
        using var guesser = app.CreateClient();
        guesser.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/cases/{owner.CaseId}/items");
            request.Headers.Authorization = new("Bearer", owner.OwnerToken[..^6] + $"{i:D6}");
            using var response = await guesser.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        using var right = new HttpRequestMessage(HttpMethod.Get, $"/api/cases/{owner.CaseId}/items");
        right.Headers.Authorization = new("Bearer", owner.OwnerToken);
        using var blocked = await guesser.SendAsync(right);

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
        await ProblemAssert.IsAsync(blocked, 429, "rate-limited");
        Assert.Equal(HttpStatusCode.OK, (await owner.Client.GetAsync($"/api/cases/{owner.CaseId}/items")).StatusCode); // other clients are unaffected
    }

    [Fact]
    public async Task Quotas_ItemsAndBytes_RefuseWithNothingStored()
    {
        using var owner = await app.OpenCaseAsync();
        using var tooBig = await owner.Client.PostAsync($"/api/cases/{owner.CaseId}/items", new ByteArrayContent(Ingest.IngestTests.GeneratedPng(30_000)));
        await ProblemAssert.IsAsync(tooBig, 507, "case-quota-exceeded");
        Assert.Empty(await app.CommittedBlobsAsync(owner.CaseId));

        (await owner.Client.PostAsync($"/api/cases/{owner.CaseId}/items", new ByteArrayContent(Ingest.IngestTests.GeneratedPng(70)))).EnsureSuccessStatusCode();
        (await owner.Client.PostAsync($"/api/cases/{owner.CaseId}/items", new ByteArrayContent(Ingest.IngestTests.GeneratedPng(71)))).EnsureSuccessStatusCode();
        using var third = await owner.Client.PostAsync($"/api/cases/{owner.CaseId}/items", new ByteArrayContent(Ingest.IngestTests.GeneratedPng(72)));

        await ProblemAssert.IsAsync(third, 507, "case-quota-exceeded");
        Assert.Equal(2, (await owner.ListItemsAsync()).Count);
    }

    [Fact]
    public async Task EveryResponse_CarriesTheSecurityHeaders()
    {
        using var client = app.CreateClient();
        foreach (var path in new[] { "/api/health", "/api/cases/01KC00000000000000000000ZZ", "/openapi/v1.json" })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
            Assert.Equal(SecurityHeaders.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
        }
    }
}
