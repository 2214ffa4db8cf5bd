using EvidenceVault.Api.Monitoring;

namespace EvidenceVault.Api.Tests.Hosting;

public sealed class TelemetryRedactionTests
{
    [Theory]
    [InlineData("?token=evv_01M9_secret", "Redacted=Redacted")]
    [InlineData("?evv_01M9_secret", "Redacted")]
    [InlineData("?pageSize=50&cursor=01M9ABC", "pageSize=Redacted&cursor=Redacted")]
    [InlineData("?PageSize=5&access_token=abc&&x", "PageSize=Redacted&Redacted=Redacted&Redacted")]
    [InlineData("?%70ageSize=5", "%70ageSize=Redacted")]
    [InlineData("?", "")]
    public void Query_RedactsEveryValueAndEveryNameButTheApisOwn(string query, string recorded) =>
        Assert.Equal(recorded, TelemetryRedaction.Query(query));

    [Theory]
    [InlineData("https://user:key@tsa.example.org/tsr?apikey=k1", "https://tsa.example.org/tsr?Redacted=Redacted")]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1/evidence/cases/01M9/items/01MA/original?comp=block", "http://127.0.0.1:10000/devstoreaccount1/evidence/cases/01M9/items/01MA/original?Redacted=Redacted")]
    [InlineData("https://tsa.example.org/", "https://tsa.example.org/")]
    public void Url_DropsUserInformationAndRedactsTheQuery(string url, string recorded) =>
        Assert.Equal(recorded, TelemetryRedaction.Url(new Uri(url)));
}
