using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Softr.Functions.Storage;
using Softr.Functions.Testing;
using Softr.Sandbox;

// Several Softr apps from one deployment, measured (issue #26, item 6). Each scenario: a private Azurite, a sandbox that
// emulates two apps (portal A, the default connection, and portal B) with a write limit of L a second per token (429 beyond,
// in exact one-second windows), and one local host process with two hooks: `import` calls portal A, `portal-b` calls
// portal B. A backlog of create-user events is posted to `import`; once it is queued, an event comes to `portal-b` every
// second until the backlog has drained. Measured: from each portal-B event's POST to its Softr user's creation (the
// sandbox's clock, the same machine), the backlog's drain rate against L, and Softr's 429s. Two scenarios, in one run:
//   1. the two apps on tokens of their own: two budgets, as Softr counts them;
//   2. the baseline: the same two apps in one workspace, one token, so one budget (Softr counts it so too).
// Usage: dotnet run -c Release --project benchmarks/Softr.Functions.ConnectionsBenchmark -- [backlog] [L]
// CONNECTIONS_ONLY=<part of a scenario's name> runs that one; CONNECTIONS_HOST_LOG=<folder> keeps each host's log there, at
// Information with timestamps (what each event did, and when), to find where a slow event waited.
var backlog = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5_000;
var limit = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 30;
const string keyA = "portal-a-key-0123456789";
const string keyB = "portal-b-key-0123456789";
const string domainA = "portal-a.softr.app";
const string domainB = "portal-b.softr.app";
const string secret = "connections-secret-0123456789";

Console.WriteLine($"A backlog of {backlog} events for portal A; portal B gets an event a second; sandbox write limit L = {limit}/s per token; {Environment.ProcessorCount} cores.");
var scenarios = new[]
{
    new Scenario("two tokens: portal B on a token of its own", SharedToken: false),
    new Scenario("baseline, one token: portal B in portal A's workspace", SharedToken: true),
}.Where(scenario => Environment.GetEnvironmentVariable("CONNECTIONS_ONLY") is not { Length: > 0 } only || scenario.Name.Contains(only, StringComparison.Ordinal));
var results = new List<Result>();
foreach (var scenario in scenarios)
{
    results.Add(await RunAsync(scenario));
}

Console.WriteLine();
Console.WriteLine("| scenario | portal B's events | p50 | p99 | max | A's backlog drained in | A's writes/s | % of L | 429 share | lost | twice | refused |");
Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
foreach (var result in results)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {result.Name} | {result.Latencies.Count} | {LocalRunDoor.Percentile(result.Latencies, 0.50):0.0} s | {LocalRunDoor.Percentile(result.Latencies, 0.99):0.0} s | {result.Latencies.DefaultIfEmpty().Max():0.0} s | {result.Drain.TotalSeconds:0} s | {result.BacklogRate:0.0} | {100 * result.BacklogRate / limit:0.0}% | {100.0 * result.Throttled / Math.Max(1, result.Calls):0.00}% | {result.Lost} | {result.Twice} | {result.Failed} |"));
}
if (results.Count == 2)
{
    var (own, shared) = (results[0], results[1]);
    Console.WriteLine();
    Goal("portal B's p99 from POST to Softr user <= 2 s", LocalRunDoor.Percentile(own.Latencies, 0.99) <= 2,
        $"{LocalRunDoor.Percentile(own.Latencies, 0.99):0.0} s (baseline on one token {LocalRunDoor.Percentile(shared.Latencies, 0.99):0.0} s)");
    Goal("portal A's backlog drains at about its L (>= 90%)", own.BacklogRate >= 0.9 * limit,
        $"{100 * own.BacklogRate / limit:0.0}% of L (baseline on one token {100 * shared.BacklogRate / limit:0.0}%)");
    Goal("nothing lost, nothing done twice", results.All(result => result.Lost == 0 && result.Twice == 0 && result.Failed == 0),
        string.Join(", ", results.Select(result => $"{result.Lost}/{result.Twice}/{result.Failed}")));
}

void Goal(string goal, bool met, string measured) => Console.WriteLine($"{(met ? "met" : "NOT MET")}: {goal}: {measured}");

async Task<Result> RunAsync(Scenario scenario)
{
    var tokenB = scenario.SharedToken ? keyA : keyB;
    await using var azurite = await Azurite.StartAsync(processPerService: true, checkTableLookups: false);
    var sandbox = SandboxApp.Build(
        ["--urls=http://127.0.0.1:0", $"--Sandbox:ApiKey={keyA}", $"--Sandbox:Domain={domainA}",
         $"--Sandbox:Apps:portal-b:ApiKey={tokenB}", $"--Sandbox:Apps:portal-b:Domain={domainB}",
         $"--Sandbox:WritesPerSecond={limit}", $"--Sandbox:ReadsPerSecond={limit}"],
        builder => builder.Logging.ClearProviders());
    await sandbox.StartAsync();
    using var softr = new HttpClient { BaseAddress = new Uri(sandbox.Urls.Single()) };
    var port = Ports.Free();
    var settings = new Dictionary<string, string?>(SandboxSettings.For(softr.BaseAddress!, keyA, domainA))
    {
        [StorageSettings.ConnectionName] = azurite.ConnectionString,
        ["Softr:WritesPerSecond"] = limit.ToString(CultureInfo.InvariantCulture),
        ["Softr:ReadsPerSecond"] = limit.ToString(CultureInfo.InvariantCulture),
        ["Softr:Connections:portal-b:ApiKey"] = tokenB,
        ["Softr:Connections:portal-b:Domain"] = domainB,
        ["Logging:LogLevel:Default"] = "Warning",
        ["LocalHost:ConsoleTraces"] = "false",
        ["LocalHost:MasterKey"] = "connections-master-key-0123456789",
        ["CONNECTIONS_SECRET"] = secret,
    };
    var hostLog = Environment.GetEnvironmentVariable("CONNECTIONS_HOST_LOG") is { Length: > 0 } folder ? Path.Combine(folder, $"{(scenario.SharedToken ? "one-token" : "two-tokens")}.log") : null;
    if (hostLog is not null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(hostLog)!);
        settings["Logging:LogLevel:Default"] = "Information";
        settings["Logging:LogLevel:Azure"] = "Warning";
        settings["Logging:Console:FormatterName"] = "simple";
        settings["Logging:Console:FormatterOptions:SingleLine"] = "true";
        settings["Logging:Console:FormatterOptions:TimestampFormat"] = "HH:mm:ss.fff ";
    }
    foreach (var (key, value) in Hook("import", "default").Concat(Hook("portal-b", "portal-b")))
    {
        settings[key] = value;
    }
    await using var host = DotnetProcess.Start(Path.Combine(AppContext.BaseDirectory, "Softr.Functions.LocalHost.dll"), settings, $"--urls=http://127.0.0.1:{port}");
    try
    {
        return await MeasureAsync(scenario, host, softr, port);
    }
    finally
    {
        // Kept whatever happened: a run that failed is the one whose log is wanted.
        if (hostLog is not null)
        {
            await File.WriteAllTextAsync(hostLog, host.Output());
        }
        await sandbox.DisposeAsync();
    }
}

async Task<Result> MeasureAsync(Scenario scenario, DotnetProcess host, HttpClient softr, int port)
{
    using var door = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
    await LocalRunDoor.UntilUpAsync(door, host);

    // Portal A's backlog, through the door, 16 at a time.
    var posting = Stopwatch.StartNew();
    try
    {
        await LocalRunDoor.PostBacklogAsync(door, "import", secret, backlog, i => $"import-{i:D6}@example.com");
    }
    catch (HttpRequestException refused)
    {
        // The door must never answer 5xx but 503: say what the host logged before it did.
        Console.WriteLine($"The door refused a delivery ({refused.Message}); the host's last output:");
        Console.WriteLine(string.Join('\n', host.Output().Split('\n').TakeLast(60)));
        throw;
    }
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{scenario.Name}: {backlog} posted in {posting.Elapsed.TotalSeconds:0} s ({LocalRunDoor.TakeResent()} answered 503 and sent again); portal B's events start"));

    // Portal B's events, one a second, until A's backlog has drained; then the last of them, at their own pace.
    var (sent, failed) = await LocalRunDoor.TrickleUntilAsync(door, "portal-b", secret, TimeSpan.FromSeconds(1), n => $"portal-b-{n:D5}@example.com",
        async () => await ImportedAsync(softr) >= backlog);
    var wanted = backlog + sent.Count;
    await LocalRunDoor.UntilAsync(async () => await LocalRunDoor.CreatedAsync(softr) >= wanted, TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(2));

    // Each user where it belongs: the imports in portal A, portal B's events in portal B.
    var users = (await softr.GetFromJsonAsync<JsonElement[]>("/sandbox/users"))!
        .Select(user => (Email: user.GetProperty("email").GetString()!, App: user.GetProperty("app").GetString(), Created: user.GetProperty("created").GetDateTimeOffset()))
        .Where(user => user.Email.StartsWith("import-", StringComparison.Ordinal) || sent.ContainsKey(user.Email))
        .ToList();
    var misplaced = users.Count(user => user.App != (user.Email.StartsWith("import-", StringComparison.Ordinal) ? domainA : domainB));
    var imported = users.Where(user => user.Email.StartsWith("import-", StringComparison.Ordinal)).Select(user => user.Created).Order().ToList();
    var created = users.Where(user => sent.ContainsKey(user.Email)).ToDictionary(user => user.Email, user => user.Created, StringComparer.Ordinal);
    var latencies = sent.Where(one => created.ContainsKey(one.Key)).Select(one => (created[one.Key] - one.Value).TotalSeconds).Order().ToList();
    // The tail, with when each was sent: a tail at the start is a cold path, one spread out is something that recurs.
    var first = sent.Values.DefaultIfEmpty().Min();
    foreach (var slow in sent.Where(one => created.ContainsKey(one.Key)).OrderByDescending(one => created[one.Key] - one.Value).Take(5))
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  slow: {slow.Key} sent at +{(slow.Value - first).TotalSeconds:0} s, took {(created[slow.Key] - slow.Value).TotalSeconds:0.0} s"));
    }
    var calls = await softr.GetFromJsonAsync<JsonElement>("/sandbox/calls");
    var createUser = calls.GetProperty("byOperation").GetProperty("createUser");
    int Count(string status) => createUser.TryGetProperty(status, out var count) ? count.GetInt32() : 0;
    var total = createUser.EnumerateObject().Sum(entry => entry.Value.GetInt32());
    var drain = imported.Count > 1 ? imported[^1] - imported[0] : TimeSpan.Zero;
    // A user made twice would be a 200 from createUser with nobody new: the sandbox answers a second create of one e-mail otherwise.
    var result = new Result(scenario.Name, latencies, drain, (imported.Count - 1) / Math.Max(0.001, drain.TotalSeconds),
        total, Count("429"), wanted - users.Count + misplaced, Count("200") - users.Count, failed);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{scenario.Name}: A's backlog drained in {drain.TotalSeconds:0} s ({result.BacklogRate:0.0}/s), {latencies.Count} portal-B events, p99 {LocalRunDoor.Percentile(latencies, 0.99):0.0} s, {result.Throttled} x 429 of {total}, {misplaced} in the wrong app"));
    return result;
}

IEnumerable<KeyValuePair<string, string?>> Hook(string name, string connection) =>
[
    new($"Webhooks:Hooks:{name}:SecretSettings:0", "CONNECTIONS_SECRET"),
    new($"Automations:{name}:Hook", name),
    new($"Automations:{name}:Connection", connection),
    new($"Automations:{name}:Steps:0:Action", "user.create"),
    new($"Automations:{name}:Steps:0:Inputs:email", "{{ payload.email }}"),
    new($"Automations:{name}:Steps:0:Inputs:fullName", "{{ payload.name }}"),
];

static async Task<int> ImportedAsync(HttpClient softr) =>
    (await softr.GetFromJsonAsync<JsonElement[]>("/sandbox/users?app=default"))!.Count(user => user.GetProperty("email").GetString()!.StartsWith("import-", StringComparison.Ordinal));

internal sealed record Scenario(string Name, bool SharedToken);

internal sealed record Result(string Name, List<double> Latencies, TimeSpan Drain, double BacklogRate, int Calls, int Throttled, int Lost, int Twice, int Failed);
