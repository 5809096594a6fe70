namespace Softr;

/// <summary>
/// Where the Softr APIs live, how to authenticate, and how hard to push. Bound from the <c>Softr</c>
/// configuration section (app settings <c>Softr__ApiKey</c>, <c>Softr__Domain</c>, ...), and checked at start-up
/// by <see cref="SoftrClientOptionsValidator"/>. Its key and domain make the connection named <c>default</c>;
/// <see cref="Connections"/> adds more apps.
/// </summary>
public sealed class SoftrClientOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Softr";

    /// <summary>The key, under <see cref="SectionName"/>, of the named connections.</summary>
    public const string ConnectionsKey = "Connections";

    /// <summary>The personal access token sent as <c>Softr-Api-Key</c>. Never logged.</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>The published app's host name, sent as <c>Softr-Domain</c> to the Users API.</summary>
    public string Domain { get; set; } = "";

    /// <summary>Base URL of the Users Management API. Points at the sandbox when run locally.</summary>
    public Uri UsersApiBaseUrl { get; set; } = new("https://studio-api.softr.io/v1/api/");

    /// <summary>Base URL of the Database API. Points at the sandbox when run locally.</summary>
    public Uri DatabaseApiBaseUrl { get; set; } = new("https://tables-api.softr.io/api/v1/");

    /// <summary>Softr's per-token budget, enforced in this process before a call is sent.</summary>
    public int ReadsPerSecond { get; set; } = 40;

    /// <summary>Softr's per-token write budget, enforced in this process before a call is sent.</summary>
    public int WritesPerSecond { get; set; } = 30;

    /// <summary>Calls waiting for budget beyond this many are refused at once rather than queued.</summary>
    public int MaxQueuedCalls { get; set; } = 10_000;

    /// <summary>Retries after the first attempt, for failures a retry can fix.</summary>
    public int MaxRetries { get; set; } = 4;

    /// <summary>First retry delay; later ones grow exponentially, with jitter. A Retry-After header wins.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest one attempt may take.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest a call may take in all, waiting for budget and retries included.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long the circuit stays open once failures have broken it.</summary>
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// More Softr apps, by name (<c>Softr:Connections:{name}</c>), each with its own key and domain; the settings above
    /// are the connection named <c>default</c>. Retries, timeouts and the circuit's settings (above) serve them all; each
    /// connection has a circuit of its own.
    /// See <see cref="SoftrConnections"/>.
    /// </summary>
    public Dictionary<string, SoftrConnectionOptions> Connections { get; init; } = new(StringComparer.OrdinalIgnoreCase);
}
