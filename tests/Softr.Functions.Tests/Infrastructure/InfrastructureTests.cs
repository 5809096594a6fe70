using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Softr.Functions.Processing;
using Softr.Functions.Storage;
using Softr.Functions.Testing;
using Softr.Functions.Webhooks;

namespace Softr.Functions.Tests.Infrastructure;

/// <summary>
/// The Bicep in infra/ builds and lints clean with the Bicep CLI from the package feed, creates the
/// storage the code names, and sets (or documents as optional) every app setting the code reads.
/// </summary>
public sealed partial class InfrastructureTests
{
    private static readonly string Infra = Path.Combine(TestPaths.RepositoryRoot, "infra");

    public static TheoryData<string> BicepFiles => [.. Directory.GetFiles(Infra, "*.bicep").Select(path => Path.GetFileName(path)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void Bicep_BuildsAndLints_WithoutAWarning(string file)
    {
        var build = Bicep("build", Path.Combine(Infra, file), "--stdout");
        var lint = Bicep("lint", Path.Combine(Infra, file));

        Assert.True(build.ExitCode == 0, build.Output);
        Assert.DoesNotContain("Warning", build.Errors, StringComparison.Ordinal);
        Assert.True(lint.ExitCode == 0 && lint.Output.Trim().Length == 0 && lint.Errors.Trim().Length == 0, lint.Output + lint.Errors);
    }

    /// <summary>Issue #14, item 5: who read or wrote what goes to Log Analytics, and the network rule is a parameter.</summary>
    [Fact]
    public void StorageAndKeyVault_SendTheirAccessLogs_AndTakeTheNetworkRuleFromAParameter()
    {
        var build = Bicep("build", Path.Combine(Infra, "resources.bicep"), "--stdout");
        using var template = JsonDocument.Parse(build.Output);
        var all = template.RootElement.GetProperty("resources");
        var resources = all.ValueKind == JsonValueKind.Array ? all.EnumerateArray().ToList() : all.EnumerateObject().Select(resource => resource.Value).ToList();
        string[] DiagnosticScopes() => [.. resources.Where(resource => resource.GetProperty("type").GetString() == "Microsoft.Insights/diagnosticSettings")
            .Select(resource => resource.GetProperty("scope").GetString()!)];
        string NetworkRule(string type) => resources.Single(resource => resource.GetProperty("type").GetString() == type)
            .GetProperty("properties").GetProperty("networkAcls").GetProperty("defaultAction").GetString()!;

        Assert.Equal(4, DiagnosticScopes().Length);
        Assert.Contains(DiagnosticScopes(), scope => scope.Contains("blobServices", StringComparison.Ordinal));
        Assert.Contains(DiagnosticScopes(), scope => scope.Contains("queueServices", StringComparison.Ordinal));
        Assert.Contains(DiagnosticScopes(), scope => scope.Contains("tableServices", StringComparison.Ordinal));
        Assert.Contains(DiagnosticScopes(), scope => scope.Contains("Microsoft.KeyVault/vaults", StringComparison.Ordinal));
        Assert.Equal("[parameters('networkDefaultAction')]", NetworkRule("Microsoft.Storage/storageAccounts"));
        Assert.Equal("[parameters('networkDefaultAction')]", NetworkRule("Microsoft.KeyVault/vaults"));
    }

    /// <summary>
    /// Issue #26: each more Softr app's key becomes a Key Vault secret of its own, and the app reads it through a Key Vault
    /// reference (so an unresolved one fails closed, like every other secret); its domain is a plain setting.
    /// </summary>
    [Fact]
    public void EachMoreSoftrAppsKey_GoesToKeyVault_AndTheAppReadsItByReference()
    {
        var build = Bicep("build", Path.Combine(Infra, "resources.bicep"), "--stdout");
        using var template = JsonDocument.Parse(build.Output);
        var variables = template.RootElement.GetProperty("variables");
        var copies = variables.GetProperty("copy").EnumerateArray().ToDictionary(copy => copy.GetProperty("name").GetString()!, copy => copy.GetProperty("input"));
        var all = template.RootElement.GetProperty("resources");
        var resources = all.ValueKind == JsonValueKind.Array ? all.EnumerateArray().ToList() : all.EnumerateObject().Select(resource => resource.Value).ToList();

        Assert.StartsWith("[format('@Microsoft.KeyVault(VaultName={0};SecretName=softr-connection-{1})'", copies["softrConnectionKeySettings"].GetProperty("value").GetString(), StringComparison.Ordinal);
        Assert.Contains("Softr__Connections__{0}__ApiKey", copies["softrConnectionKeySettings"].GetProperty("name").GetString(), StringComparison.Ordinal);
        Assert.Contains("Softr__Connections__{0}__Domain", copies["softrConnectionDomainSettings"].GetProperty("name").GetString(), StringComparison.Ordinal);
        var secret = resources.Single(resource => resource.GetProperty("type").GetString() == "Microsoft.KeyVault/vaults/secrets"
            && resource.GetProperty("name").GetString()!.Contains("softr-connection-", StringComparison.Ordinal));
        Assert.Contains("apiKey", secret.GetProperty("properties").GetProperty("value").GetString(), StringComparison.Ordinal);
        // azd substitutes the variable as plain text: the documented value (base64 of the JSON) must leave the file valid JSON.
        var documented = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("""{"portal_b": {"apiKey": "k\"ey", "domain": "portal-b.softr.app"}}"""));
        using var parameters = JsonDocument.Parse(File.ReadAllText(Path.Combine(Infra, "main.parameters.json")).Replace("${SOFTR_CONNECTIONS=}", documented, StringComparison.Ordinal));
        Assert.Equal(documented, parameters.RootElement.GetProperty("parameters").GetProperty("softrConnections").GetProperty("value").GetString());
        Assert.Contains("base64ToString(parameters('softrConnections'))", build.Output, StringComparison.Ordinal);
    }

    /// <summary>Issue #15: the console can be put behind an Entra sign-in, which must let senders and probes through.</summary>
    [Fact]
    public void TheOptionalEntraSignIn_IsOffByDefault_AndLetsSendersProbesAndTheStatusApiThrough()
    {
        var build = Bicep("build", Path.Combine(Infra, "resources.bicep"), "--stdout");
        using var template = JsonDocument.Parse(build.Output);
        var all = template.RootElement.GetProperty("resources");
        var resources = all.ValueKind == JsonValueKind.Array ? all.EnumerateArray().ToList() : all.EnumerateObject().Select(resource => resource.Value).ToList();
        var signIn = resources.Single(resource => resource.GetProperty("type").GetString() == "Microsoft.Web/sites/config"
            && resource.GetProperty("name").GetString()!.Contains("authsettingsV2", StringComparison.Ordinal));
        var excluded = signIn.GetProperty("properties").GetProperty("globalValidation").GetProperty("excludedPaths").EnumerateArray().Select(path => path.GetString()).ToList();
        var mainBicep = File.ReadAllText(Path.Combine(Infra, "main.bicep"));

        Assert.Equal("[not(empty(parameters('consoleEntraClientId')))]", signIn.GetProperty("condition").GetString());
        Assert.Contains("param consoleEntraClientId string = ''", mainBicep, StringComparison.Ordinal);
        Assert.Contains("/api/" + Softr.Functions.App.ReceiveWebhookFunction.Route.Replace("{hook}", "*", StringComparison.Ordinal), excluded);
        Assert.Contains("/api/health", excluded);
        Assert.Contains("/api/events/*", excluded);
        Assert.DoesNotContain(excluded, path => path!.StartsWith("/api/manage", StringComparison.Ordinal) || path.StartsWith("/api/console", StringComparison.Ordinal));
    }

    /// <summary>Issue #23, item 1.7: no FTP, and no basic publishing credentials (FTP or SCM) beside Entra ID.</summary>
    [Fact]
    public void TheFunctionApp_TurnsOffFtpAndBasicPublishingCredentials()
    {
        var resources = CompiledResources("resources.bicep");
        var app = resources.Single(resource => resource.GetProperty("type").GetString() == "Microsoft.Web/sites");
        var policies = resources.Where(resource => resource.GetProperty("type").GetString() == "Microsoft.Web/sites/basicPublishingCredentialsPolicies")
            .ToDictionary(resource => resource.GetProperty("name").GetString()!.Contains("'ftp'", StringComparison.Ordinal) ? "ftp" : resource.GetProperty("name").GetString()!.Contains("'scm'", StringComparison.Ordinal) ? "scm" : "?",
                resource => resource.GetProperty("properties").GetProperty("allow").GetBoolean());

        Assert.Equal("Disabled", app.GetProperty("properties").GetProperty("siteConfig").GetProperty("ftpsState").GetString());
        Assert.Equal(new Dictionary<string, bool> { ["ftp"] = false, ["scm"] = false }, policies);
    }

    [Fact]
    public void StorageTheBicepCreates_IsWhatTheCodeNames()
    {
        using var names = JsonDocument.Parse(File.ReadAllText(Path.Combine(Infra, "storage-names.json")));
        string[] Of(string kind) => [.. names.RootElement.GetProperty(kind).EnumerateArray().Select(name => name.GetString()!).Order(StringComparer.Ordinal)];

        Assert.Equal(Softr.Functions.Events.EventLane.AllQueues.Order(StringComparer.Ordinal), Of("queues"));
        Assert.Equal(TableNames.All.Order(StringComparer.Ordinal), Of("tables"));
        Assert.Equal(ContainerNames.All.Order(StringComparer.Ordinal), Of("containers"));
    }

    private static List<JsonElement> CompiledResources(string file)
    {
        var build = Bicep("build", Path.Combine(Infra, file), "--stdout");
        using var template = JsonDocument.Parse(build.Output);
        var all = template.RootElement.GetProperty("resources");
        return all.ValueKind == JsonValueKind.Array ? [.. all.EnumerateArray().Select(resource => resource.Clone())]
            : [.. all.EnumerateObject().Select(resource => resource.Value.Clone())];
    }

    [Fact]
    public void EverySettingTheCodeReads_IsSetByTheBicep_OrDocumentedAsOptional()
    {
        var set = AppSettingsInBicep();
        var documented = File.ReadAllText(Path.Combine(Infra, "README.md"));

        // Required: the storage account (identity-based), the Softr key and domain, telemetry.
        Assert.Superset(new HashSet<string>(StringComparer.Ordinal)
        {
            "AzureWebJobsStorage__accountName", "AzureWebJobsStorage__credential", "AzureWebJobsStorage__clientId",
            "Softr__ApiKey", "Softr__Domain", "APPLICATIONINSIGHTS_CONNECTION_STRING",
        }, set);
        // Every option the app binds: set, or in infra/README.md's table of optional settings.
        var options = Settings(SoftrClientOptions.SectionName, typeof(SoftrClientOptions)).Concat(Settings(ProcessingOptions.SectionName, typeof(ProcessingOptions)));
        Assert.All(options, setting => Assert.True(set.Contains(setting) || documented.Contains($"`{setting}`", StringComparison.Ordinal),
            $"{setting} is read by the code but neither set in infra/ nor documented as optional in infra/README.md"));
        // Every secret the shipped hooks.json names is given to the deployment (and so goes to Key Vault).
        var parameters = File.ReadAllText(Path.Combine(Infra, "main.parameters.json"));
        Assert.All(ShippedHookSecrets(), secret => Assert.Contains($"\"{secret}\"", parameters, StringComparison.Ordinal));
    }

    private static HashSet<string> AppSettingsInBicep() =>
        [.. AppSetting().Matches(File.ReadAllText(Path.Combine(Infra, "resources.bicep"))).Select(match => match.Groups[1].Value)];

    private static IEnumerable<string> Settings(string section, Type options) =>
        options.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(property => property.CanWrite).Select(property => $"{section}__{property.Name}");

    private static IEnumerable<string> ShippedHookSecrets()
    {
        using var hooks = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "hooks.json")));
        return [.. hooks.RootElement.GetProperty(WebhooksOptions.SectionName).GetProperty("Hooks").EnumerateObject()
            .SelectMany(hook => hook.Value.TryGetProperty("SecretSettings", out var secrets) ? secrets.EnumerateArray().Select(secret => secret.GetString()!) : [])];
    }

    private static (int ExitCode, string Output, string Errors) Bicep(params string[] arguments)
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var cli = Path.Combine(packages, "azure.bicep.commandline.linux-x64", "0.49.2", "tools", "bicep");
        Assert.True(File.Exists(cli), $"The Bicep CLI is restored with this test project (PackageDownload); not found at {cli}.");
        // The package is linux-x64 only, as CI is; NuGet does not keep the execute bit.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(cli, File.GetUnixFileMode(cli) | UnixFileMode.UserExecute);
        }
        var result = CommandLine.Run(cli, arguments);
        return (result.ExitCode, result.Output, result.Errors);
    }

    [GeneratedRegex(@"\{\s*name:\s*'([A-Za-z0-9_]+)'\s*,\s*value:")]
    private static partial Regex AppSetting();
}
