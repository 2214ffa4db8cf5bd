using EvidenceVault.Api.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddEvidenceVault();

var app = builder.Build();
app.MapEvidenceVault();

if (FunctionManifests.IsRequested(args, out var manifestDirectory))
{
    // Publish step: write the Azure Functions triggers from this endpoint table, then exit without serving.
    FunctionManifests.Write(new CompositeEndpointDataSource(((IEndpointRouteBuilder)app).DataSources), manifestDirectory);
    return;
}

app.Run();
