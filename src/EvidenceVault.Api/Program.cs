using EvidenceVault.Api.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddEvidenceVault();

var app = builder.Build();
app.MapEvidenceVault();

if (FunctionManifests.IsRequested(args, out var manifestDirectory))
{
    // Publish step: write the Azure Functions triggers from this endpoint table, then exit without serving.
    FunctionManifests.Write(app.Services.GetRequiredService<EndpointDataSource>(), manifestDirectory);
    return;
}

app.Run();
