using System.Text.Json;

namespace EvidenceVault.Api.Tests.Infrastructure;

/// <summary>Asserts an RFC 9457 problem response with the vault's stable type.</summary>
public static class ProblemAssert
{
    public static async Task<JsonElement> IsAsync(HttpResponseMessage response, int status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(body);
        var problem = document.RootElement.Clone();
        Assert.Equal("urn:evidencevault:problem:" + code, problem.GetProperty("type").GetString());
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        return problem;
    }
}
