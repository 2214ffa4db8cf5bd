using System.Reflection;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using EvidenceVault.Api.Monitoring;
using EvidenceVault.Api.Problems;
using EvidenceVault.Testing;

namespace EvidenceVault.Api.Tests.Hosting;

/// <summary>
/// <c>infra/</c> as Azure would receive it: compiled and linted by the real Bicep compiler, then the compiled template
/// read for what the vault's safety depends on. The azd hook that creates the receipt key runs against a stand-in for
/// the Azure CLI that keeps secrets in a folder.
/// </summary>
public sealed class InfraTemplateTests : IDisposable
{
    private static readonly string Infra = Path.Combine(SampleEvidence.RepositoryRoot, "infra");

    /// <summary>Template expressions as written (<c>variables('x')</c>), not with their quotes escaped.</summary>
    private static readonly JsonSerializerOptions Unescaped = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly string _work = Directory.CreateTempSubdirectory("ev-infra-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task The_templates_compile_and_pass_the_linter_without_a_warning()
    {
        var lint = await ExternalTool.RunAsync(Bicep, Infra, "lint", "main.bicep");
        var build = await ExternalTool.RunAsync(Bicep, Infra, "build", "main.bicep", "--outfile", Path.Combine(_work, "main.json"));

        Assert.True(lint.ExitCode == 0 && lint.Output.Trim().Length == 0, lint.Output);
        Assert.True(build.ExitCode == 0 && build.Output.Trim().Length == 0, build.Output);
    }

    [Fact]
    public async Task Evidence_storage_is_write_once_keyless_and_the_receipt_key_lives_in_a_key_vault_only_the_app_reads()
    {
        var resources = await CompiledResourcesAsync();

        var storage = Single(resources, "Microsoft.Storage/storageAccounts");
        Assert.False(storage["properties"]!["allowSharedKeyAccess"]!.GetValue<bool>());
        Assert.True(storage["properties"]!["immutableStorageWithVersioning"]!["enabled"]!.GetValue<bool>());
        Assert.Equal("TLS1_2", storage["properties"]!["minimumTlsVersion"]!.GetValue<string>());

        var vault = Single(resources, "Microsoft.KeyVault/vaults");
        Assert.True(vault["properties"]!["enableRbacAuthorization"]!.GetValue<bool>());
        Assert.True(vault["properties"]!["enablePurgeProtection"]!.GetValue<bool>());

        var settings = Single(resources, "Microsoft.Web/sites")["properties"]!["siteConfig"]!["appSettings"]!.AsArray()
            .ToDictionary(s => s!["name"]!.GetValue<string>(), s => s!["value"]!.ToString(), StringComparer.Ordinal);
        Assert.Equal("true", settings["EvidenceVault__RequireConfiguredTrust"]);
        Assert.Contains("@Microsoft.KeyVault(VaultName={0};SecretName=receipt-signing-key)", settings["EvidenceVault__Receipts__SigningKeyPem"], StringComparison.Ordinal);
        Assert.Contains("timestampAuthorityUrl", settings["EvidenceVault__Timestamps__Authorities__0__Url"], StringComparison.Ordinal);
        Assert.Contains("timestampRootsPem", settings["EvidenceVault__Timestamps__TrustedRootsPem"], StringComparison.Ordinal);
        Assert.Equal(string.Empty, settings["EvidenceVault__Storage__ConnectionString"]);

        // Key Vault Secrets User for the app's identity; nothing grants it more on the vault.
        var vaultRoles = resources.Where(r => Type(r) == "Microsoft.Authorization/roleAssignments" && r["scope"]?.ToString().Contains("Microsoft.KeyVault/vaults", StringComparison.Ordinal) == true)
            .Select(r => (Role: r["properties"]!["roleDefinitionId"]!.ToString(), Principal: r["properties"]!["principalId"]!.ToString())).ToList();
        Assert.Contains(("4633458b-17de-408a-b874-0445c86b69e6", "[parameters('principalId')]"), vaultRoles.Select(r => (RoleId(r.Role), r.Principal)));
        Assert.DoesNotContain(vaultRoles, r => RoleId(r.Role) is "00482a5a-887f-4fb3-b363-3b7fe8e74483" or "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"); // Key Vault Administrator, Owner
    }

    [Fact]
    public async Task Operators_are_alerted_when_trusted_time_fails_evidence_is_refused_for_the_vaults_own_reasons_a_file_cannot_be_read_or_the_app_is_unhealthy()
    {
        var resources = await CompiledResourcesAsync();

        var rules = resources.Where(r => Type(r) == "Microsoft.Insights/scheduledQueryRules").ToDictionary(r => r["name"]!.ToString(), r => r["properties"]!);
        Assert.Equal(3, rules.Count);
        Assert.All(rules.Values, rule =>
        {
            Assert.Contains("appInsightsId", Assert.Single(rule["scopes"]!.AsArray())!.ToString(), StringComparison.Ordinal);
            Assert.Equal(("PT5M", "PT15M", "GreaterThan", 0), (rule["evaluationFrequency"]!.ToString(), rule["windowSize"]!.ToString(), Criterion(rule)["operator"]!.ToString(), Criterion(rule)["threshold"]!.GetValue<int>()));
        });

        // The queries name what the vault exports, so renaming a counter, a tag or a problem type breaks this test.
        var trustedTime = Query(rules.Single(r => r.Key.Contains("trusted-time", StringComparison.Ordinal)).Value);
        Assert.Contains($"name == \"{VaultMetrics.Timestamps}\"", trustedTime, StringComparison.Ordinal);
        Assert.Contains($"customDimensions[\"{VaultMetrics.TimestampOutcomeTag}\"]", trustedTime, StringComparison.Ordinal);
        Assert.Contains($"in (\"{TimestampOutcomes.Pending}\", \"{TimestampOutcomes.Rejected}\")", trustedTime, StringComparison.Ordinal);

        var refused = Query(rules.Single(r => r.Key.Contains("evidence-refused", StringComparison.Ordinal)).Value);
        Assert.Contains($"name == \"{VaultMetrics.Problems}\"", refused, StringComparison.Ordinal);
        Assert.Contains($"customDimensions[\"{VaultMetrics.ProblemTypeTag}\"]", refused, StringComparison.Ordinal);
        Assert.All([ProblemType.StorageUnavailable, ProblemType.StorageNotImmutable, ProblemType.InternalError, ProblemType.VaultLogInconsistent], problem => Assert.Contains($"\"{problem.Type}\"", refused, StringComparison.Ordinal));

        var unread = Query(rules.Single(r => r.Key.Contains("statements-unread", StringComparison.Ordinal)).Value);
        Assert.Contains($"name == \"{VaultMetrics.UnreadStatements}\"", unread, StringComparison.Ordinal);
        Assert.Contains($"customDimensions[\"{VaultMetrics.ContentTypeTag}\"]", unread, StringComparison.Ordinal);

        // The platform's health check asks the vault's own health endpoint, and its failing is an alert too.
        var site = Single(resources, "Microsoft.Web/sites");
        Assert.Equal("/api/health", site["properties"]!["siteConfig"]!["healthCheckPath"]!.ToString());
        var unhealthy = Single(resources, "Microsoft.Insights/metricAlerts")["properties"]!;
        Assert.Contains("functionAppId", Assert.Single(unhealthy["scopes"]!.AsArray())!.ToString(), StringComparison.Ordinal);
        var health = Assert.Single(unhealthy["criteria"]!["allOf"]!.AsArray())!;
        Assert.Equal(("HealthCheckStatus", "LessThan", 100), (health["metricName"]!.ToString(), health["operator"]!.ToString(), health["threshold"]!.GetValue<int>()));

        // Mailed to the operator when an address is given (azd: EVIDENCEVAULT_ALERT_EMAIL), in the portal either way.
        var operators = Single(resources, "Microsoft.Insights/actionGroups");
        Assert.Contains("alertEmail", operators["condition"]!.ToString(), StringComparison.Ordinal);
        Assert.Contains("alertEmail", operators["properties"]!["emailReceivers"]![0]!["emailAddress"]!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_parameter_without_a_default_is_filled_in_for_azd()
    {
        var template = JsonNode.Parse(await CompileAsync())!;
        var required = template["parameters"]!.AsObject().Where(p => p.Value!["defaultValue"] is null).Select(p => p.Key);
        var filled = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Infra, "main.parameters.json")))!["parameters"]!.AsObject().Select(p => p.Key);

        Assert.Empty(required.Except(filled));
        Assert.Empty(filled.Except(template["parameters"]!.AsObject().Select(p => p.Key)));
    }

    [Fact]
    [SupportedOSPlatform("linux")]
    public async Task The_hook_creates_a_p256_receipt_key_the_vault_accepts_once_and_never_replaces_it()
    {
        var secrets = Directory.CreateDirectory(Path.Combine(_work, "secrets")).FullName;
        var tools = Directory.CreateDirectory(Path.Combine(_work, "bin")).FullName;
        var temporary = Directory.CreateDirectory(Path.Combine(_work, "tmp")).FullName;
        var az = Path.Combine(tools, "az");
        await File.WriteAllTextAsync(az, AzureCliStandIn);
        File.SetUnixFileMode(az, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var environment = new Dictionary<string, string>
        {
            ["AZURE_KEY_VAULT_NAME"] = "ev-test",
            ["SECRETS"] = secrets,
            ["PATH"] = $"{tools}:{Environment.GetEnvironmentVariable("PATH")}",
            ["TMPDIR"] = temporary,
        };
        var hook = Path.Combine(Infra, "hooks", "receipt-key.sh");

        var first = await ExternalTool.RunAsync("sh", _work, environment, hook);
        var created = await File.ReadAllTextAsync(Path.Combine(secrets, "ev-test.receipt-signing-key"));
        var second = await ExternalTool.RunAsync("sh", _work, environment, hook);
        var withoutVault = await ExternalTool.RunAsync("sh", _work, new Dictionary<string, string> { ["PATH"] = environment["PATH"] }, hook);

        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Contains("Created the receipt signing key", first.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", first.Output, StringComparison.Ordinal);
        using (var key = ECDsa.Create())
        {
            key.ImportFromPem(created);
            Assert.Equal(256, key.KeySize);
            Assert.Equal(ECCurve.NamedCurves.nistP256.Oid.Value, key.ExportParameters(false).Curve.Oid.Value);
        }

        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Contains("already exists", second.Output, StringComparison.Ordinal);
        Assert.Equal(created, await File.ReadAllTextAsync(Path.Combine(secrets, "ev-test.receipt-signing-key")));
        Assert.NotEqual(0, withoutVault.ExitCode);
        Assert.Empty(Directory.GetFileSystemEntries(temporary)); // the key's temporary file is gone
    }

    /// <summary>
    /// The two <c>az keyvault secret</c> calls the hook makes, kept in <c>$SECRETS</c>; anything else fails, so a hook
    /// that calls more of the CLI than this shows here.
    /// </summary>
    private const string AzureCliStandIn = """
        #!/bin/sh
        [ "$1 $2 $3" = "keyvault secret show" ] || [ "$1 $2 $3" = "keyvault secret set" ] || { echo "unexpected: az $*" >&2; exit 64; }
        command="$3"; shift 3
        vault=; name=; file=
        while [ $# -gt 0 ]; do
          case "$1" in
            --vault-name) vault="$2"; shift 2 ;;
            --name) name="$2"; shift 2 ;;
            --file) file="$2"; shift 2 ;;
            *) shift ;;
          esac
        done
        if [ "$command" = show ]; then
          [ -f "$SECRETS/$vault.$name" ] || { echo "SecretNotFound" >&2; exit 3; }
        else
          cp "$file" "$SECRETS/$vault.$name"
        fi
        """;

    private static string Bicep
    {
        get
        {
            var path = Path.GetFullPath(typeof(InfraTemplateTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPath").Value!.Replace('\\', '/'));
            if (OperatingSystem.IsLinux() && !File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserExecute))
            {
                // A package extracted without its file modes: the compiler is still the one restored.
                File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute);
            }

            return path;
        }
    }

    private async Task<string> CompileAsync()
    {
        var output = Path.Combine(_work, "main.json");
        var build = await ExternalTool.RunAsync(Bicep, Infra, "build", "main.bicep", "--outfile", output);
        Assert.True(build.ExitCode == 0, build.Output);
        return await File.ReadAllTextAsync(output);
    }

    /// <summary>The role definition id an expression names (variables are expanded where the resource was collected).</summary>
    private static string RoleId(string roleDefinitionId) =>
        roleDefinitionId.Split('\'', StringSplitOptions.RemoveEmptyEntries).Last(part => Guid.TryParse(part, out _));

    /// <summary>Every resource in the compiled template, those of its modules (nested deployments) included, with their templates' variables expanded.</summary>
    private async Task<List<JsonNode>> CompiledResourcesAsync()
    {
        var all = new List<JsonNode>();
        Collect(JsonNode.Parse(await CompileAsync())!, all);
        return all;
    }

    private static void Collect(JsonNode template, List<JsonNode> all)
    {
        var resources = template["resources"];
        var list = resources is JsonArray array ? array.Select(r => r!) : resources!.AsObject().Select(r => r.Value!);
        var variables = template["variables"]?.AsObject().Where(v => v.Value is JsonValue).ToDictionary(v => $"variables('{v.Key}')", v => $"'{v.Value}'", StringComparer.Ordinal) ?? [];
        foreach (var resource in list)
        {
            all.Add(variables.Count == 0 ? resource : JsonNode.Parse(variables.Aggregate(resource.ToJsonString(Unescaped), (json, v) => json.Replace(v.Key, v.Value, StringComparison.Ordinal)))!);
            if (Type(resource) == "Microsoft.Resources/deployments")
            {
                Collect(resource["properties"]!["template"]!, all);
            }
        }
    }

    private static string Type(JsonNode resource) => resource["type"]!.GetValue<string>();

    private static JsonNode Criterion(JsonNode rule) => Assert.Single(rule["criteria"]!["allOf"]!.AsArray())!;

    private static string Query(JsonNode rule) => Criterion(rule)["query"]!.GetValue<string>();

    private static JsonNode Single(List<JsonNode> resources, string type) => Assert.Single(resources, r => Type(r) == type && r["existing"] is null);
}
