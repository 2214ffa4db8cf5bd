using EvidenceVault.Api.Access;
using EvidenceVault.Api.Tests.Infrastructure;
using EvidenceVault.Evidence;
using EvidenceVault.Serialization;
using Microsoft.Extensions.Time.Testing;

namespace EvidenceVault.Api.Tests.Security;

/// <summary>A vault on a clock the security tests move (to expire grants), with helpers to set up a group case.</summary>
public sealed class SecurityVault : VaultApp
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow) { AutoAdvanceAmount = TimeSpan.FromMilliseconds(1) };

    protected override void ReplaceServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);

    public Task<CreatedGrant> GrantAsync(TestCase vault, string role, string? label, DateTimeOffset? expiresAt = null) =>
        vault.GrantAsync(role, label, expiresAt);

    public async Task<EvidenceItemRecord> UploadAsAsync(string token, string caseId, byte[] bytes)
    {
        using var client = ClientWith(token);
        using var response = await client.PostAsync($"/api/cases/{caseId}/items", new ByteArrayContent(bytes));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<EvidenceItemRecord>(VaultJson.Compact))!;
    }
}
