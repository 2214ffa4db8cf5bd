namespace EvidenceVault.Api.Hosting;

/// <summary>
/// Azure Functions custom-handler hosting: the Functions host starts this app, passes the port in
/// <c>FUNCTIONS_CUSTOMHANDLER_PORT</c> and proxies each HTTP trigger's request to it on its original path.
/// </summary>
internal static class CustomHandler
{
    public const string PortVariable = "FUNCTIONS_CUSTOMHANDLER_PORT";

    public static void ListenOnFunctionsPort(WebApplicationBuilder builder)
    {
        var port = builder.Configuration[PortVariable];
        if (!string.IsNullOrEmpty(port))
        {
            if (!int.TryParse(port, System.Globalization.CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
            {
                throw new InvalidOperationException($"{PortVariable} must be a port number.");
            }

            builder.WebHost.UseUrls($"http://127.0.0.1:{number}");
        }
    }
}
