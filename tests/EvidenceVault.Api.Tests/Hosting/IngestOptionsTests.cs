using EvidenceVault.Api.Hosting;
using EvidenceVault.Api.Ingest;
using Microsoft.Extensions.Options;

namespace EvidenceVault.Api.Tests.Hosting;

/// <summary>Ingest settings out of range are refused when the vault first needs them, rather than failing every upload in its own way.</summary>
public sealed class IngestOptionsTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("ev-ingest-options-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Theory]
    [InlineData("00:00:00")] // no time at all: every statement lost
    [InlineData("-00:00:01")]
    [InlineData("01:00:00")] // longer than an upload may wait for its answer
    public void A_statement_reading_time_out_of_range_is_refused(string timeout) =>
        Assert.Throws<OptionsValidationException>(() => Options(timeout));

    [Fact]
    public void A_statement_reading_time_in_range_is_taken() =>
        Assert.Equal(TimeSpan.FromSeconds(90), Options("00:01:30").StatementReadTimeout);

    private IngestOptions Options(string statementReadTimeout)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = typeof(Program).Assembly.GetName().Name, ContentRootPath = _data });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["EvidenceVault:StartAzurite"] = "false",
            ["EvidenceVault:DataDirectory"] = _data,
            ["EvidenceVault:Storage:ConnectionString"] = "UseDevelopmentStorage=true",
            ["EvidenceVault:Ingest:StatementReadTimeout"] = statementReadTimeout,
        });
        builder.AddEvidenceVault();
        using var app = builder.Build();
        return app.Services.GetRequiredService<IOptions<IngestOptions>>().Value;
    }
}
