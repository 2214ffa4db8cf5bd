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

if (IndexRepairCommand.IsRequested(args, out var repair))
{
    // Operator step: rebuild what the index lacks from storage, then exit without serving.
    Environment.ExitCode = await IndexRepairCommand.RunAsync(app, repair, Console.Out);
    return;
}

app.Run();
