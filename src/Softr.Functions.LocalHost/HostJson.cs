namespace Softr.Functions.LocalHost;

/// <summary>
/// Applies the app's host.json the way the Functions host does, so that local runs have the same
/// route prefix and queue-trigger behaviour (batch size, retries, poison) as Azure.
/// </summary>
public sealed class HostJson
{
    public const string FileName = "host.json";

    // Where the WebJobs queue extension binds its QueuesOptions from.
    private const string WebJobsQueuesSection = "AzureWebJobs:Extensions:Queues";

    private readonly IConfiguration _hostJson;

    private HostJson(IConfiguration hostJson) => _hostJson = hostJson;

    public static HostJson Load(string directory) =>
        new(new ConfigurationBuilder().AddJsonFile(Path.Combine(directory, FileName), optional: false).Build());

    /// <summary><c>extensions.http.routePrefix</c>; "api" when absent, as in Azure Functions.</summary>
    public string RoutePrefix => _hostJson["extensions:http:routePrefix"] ?? "api";

    /// <summary><c>extensions.queues</c>, keyed for the WebJobs queue extension.</summary>
    public IEnumerable<KeyValuePair<string, string?>> QueueSettings() =>
        _hostJson.GetSection("extensions:queues")
            .AsEnumerable(makePathsRelative: true)
            .Where(setting => setting.Value is not null)
            .Select(setting => KeyValuePair.Create($"{WebJobsQueuesSection}:{setting.Key}", setting.Value));
}
