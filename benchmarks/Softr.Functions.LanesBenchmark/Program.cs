using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Softr.Functions.Storage;
using Softr.Functions.Testing;
using Softr.Sandbox;

// Priority lanes, measured (issue #25, item 5). Each scenario: a private Azurite, a sandbox whose write limit is L a
// second (429 beyond, in exact one-second windows), and one local host process (the WebJobs queue listener, the
// app's processing and its budget) with two hooks. A backlog of create-user events is posted to the `import` hook
// through the door; once it is queued, another event comes every few seconds to a second hook, until the backlog has
// drained. Measured: from each such event's POST to its Softr user's creation (the sandbox's clock, the same
// machine), the backlog's drain rate, and Softr's 429s. Three scenarios, one after the other, in one run:
//   1. lanes: the second hook is `high`, an event every 2 s;
//   2. lanes: the second hook is another `normal` hook, an event every second;
//   3. and 4. the baselines: scenarios 1 and 2 with Processing:Lanes=false (one queue, first come first served).
// Then the issue's goals, each checked against what was measured.
// Usage: dotnet run -c Release --project benchmarks/Softr.Functions.LanesBenchmark -- [backlog] [L]
var backlog = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20_000;
var limit = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 30;
const string apiKey = "lanes-api-key-0123456789";
const string domain = "lanes.softr.app";
const string secret = "lanes-secret-0123456789";

Console.WriteLine($"A backlog of {backlog} events on one hook; sandbox write limit L = {limit}/s; {Environment.ProcessorCount} cores.");
var scenarios = new[]
{
    new Scenario("lanes: a high event every 2 s", Lanes: true, "paid", "high", TimeSpan.FromSeconds(2)),
    new Scenario("lanes: another normal hook, 1 event/s", Lanes: true, "trickle", "normal", TimeSpan.FromSeconds(1)),
    new Scenario("baseline, no lanes: a high event every 2 s", Lanes: false, "paid", "high", TimeSpan.FromSeconds(2)),
    new Scenario("baseline, no lanes: another normal hook, 1 event/s", Lanes: false, "trickle", "normal", TimeSpan.FromSeconds(1)),
}.Where(scenario => Environment.GetEnvironmentVariable("LANES_ONLY") is not { Length: > 0 } only || scenario.Name.Contains(only, StringComparison.Ordinal));
var results = new List<Result>();
foreach (var scenario in scenarios)
{
    results.Add(await RunAsync(scenario));
}

Console.WriteLine();
Console.WriteLine("| scenario | second hook's events | p50 | p99 | max | backlog drained in | backlog writes/s | all writes/s | % of L | 429 share | lost | twice | refused |");
Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
foreach (var result in results)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {result.Name} | {result.Latencies.Count} | {LocalRunDoor.Percentile(result.Latencies, 0.50):0.0} s | {LocalRunDoor.Percentile(result.Latencies, 0.99):0.0} s | {result.Latencies.DefaultIfEmpty().Max():0.0} s | {result.Drain.TotalSeconds:0} s | {result.BacklogRate:0.0} | {result.AllRate:0.0} | {100 * result.AllRate / limit:0.0}% | {100.0 * result.Throttled / Math.Max(1, result.Calls):0.00}% | {result.Lost} | {result.Twice} | {result.Failed} |"));
}
if (results.Count == 4)
{
    var (high, trickle, highBaseline, trickleBaseline) = (results[0], results[1], results[2], results[3]);
    Console.WriteLine();
    Goal("high events' p99 from POST to Softr user <= 5 s", LocalRunDoor.Percentile(high.Latencies, 0.99) <= 5, $"{LocalRunDoor.Percentile(high.Latencies, 0.99):0.0} s (baseline {LocalRunDoor.Percentile(highBaseline.Latencies, 0.99):0.0} s)");
    Goal("the drain stays >= 95% of L", high.AllRate >= 0.95 * limit, $"{100 * high.AllRate / limit:0.0}% of L");
    Goal("<= 1% of calls answered 429", high.Throttled <= 0.01 * high.Calls, $"{100.0 * high.Throttled / Math.Max(1, high.Calls):0.00}%");
    Goal("the trickle's p99 <= 15 s", LocalRunDoor.Percentile(trickle.Latencies, 0.99) <= 15, $"{LocalRunDoor.Percentile(trickle.Latencies, 0.99):0.0} s (baseline {LocalRunDoor.Percentile(trickleBaseline.Latencies, 0.99):0.0} s)");
    Goal("nothing lost, nothing done twice", results.All(result => result.Lost == 0 && result.Twice == 0 && result.Failed == 0), string.Join(", ", results.Select(result => $"{result.Lost}/{result.Twice}/{result.Failed}")));
}

void Goal(string goal, bool met, string measured) => Console.WriteLine($"{(met ? "met" : "NOT MET")}: {goal}: {measured}");

async Task<Result> RunAsync(Scenario scenario)
{
    await using var azurite = await Azurite.StartAsync(processPerService: true, checkTableLookups: false);
    var sandbox = SandboxApp.Build(
        ["--urls=http://127.0.0.1:0", $"--Sandbox:ApiKey={apiKey}", $"--Sandbox:Domain={domain}",
         $"--Sandbox:WritesPerSecond={limit}", $"--Sandbox:ReadsPerSecond={limit}"],
        builder => builder.Logging.ClearProviders());
    await sandbox.StartAsync();
    using var softr = new HttpClient { BaseAddress = new Uri(sandbox.Urls.Single()) };
    var port = Ports.Free();
    var settings = new Dictionary<string, string?>(SandboxSettings.For(softr.BaseAddress!, apiKey, domain))
        {
            [StorageSettings.ConnectionName] = azurite.ConnectionString,
            ["Softr:WritesPerSecond"] = limit.ToString(CultureInfo.InvariantCulture),
            ["Softr:ReadsPerSecond"] = limit.ToString(CultureInfo.InvariantCulture),
            ["Processing:Lanes"] = scenario.Lanes ? "true" : "false",
            ["Logging:LogLevel:Default"] = "Warning",
            ["LocalHost:ConsoleTraces"] = "false",
            ["LocalHost:MasterKey"] = "lanes-master-key-0123456789",
            ["LANES_SECRET"] = secret,
        };
    foreach (var (key, value) in Hook("import", "normal").Concat(Hook(scenario.Hook, scenario.Priority)))
    {
        settings[key] = value;
    }
    await using var host = DotnetProcess.Start(Path.Combine(AppContext.BaseDirectory, "Softr.Functions.LocalHost.dll"), settings, $"--urls=http://127.0.0.1:{port}");
    using var door = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
    await LocalRunDoor.UntilUpAsync(door, host);

    // The backlog, through the door, 16 at a time.
    var posting = Stopwatch.StartNew();
    await LocalRunDoor.PostBacklogAsync(door, "import", secret, backlog, i => $"import-{i:D6}@example.com");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{scenario.Name}: {backlog} posted in {posting.Elapsed.TotalSeconds:0} s ({LocalRunDoor.TakeResent()} answered 503 and sent again); the second hook's events start"));

    // The second hook's events, one every few seconds, until the backlog has drained; then the last of them, at their own pace.
    var (sent, failed) = await LocalRunDoor.TrickleUntilAsync(door, scenario.Hook, secret, scenario.Every, n => $"{scenario.Hook}-{n:D5}@example.com",
        async () => await LocalRunDoor.CreatedAsync(softr) >= backlog);
    var wanted = backlog + sent.Count;
    await LocalRunDoor.UntilAsync(async () => await LocalRunDoor.CreatedAsync(softr) >= wanted, TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(2));

    // This run's users (the sandbox seeds a few of its own).
    var users = (await softr.GetFromJsonAsync<JsonElement[]>("/sandbox/users"))!
        .Where(user => user.GetProperty("email").GetString() is { } email && (email.StartsWith("import-", StringComparison.Ordinal) || sent.ContainsKey(email)))
        .ToDictionary(user => user.GetProperty("email").GetString()!, user => user.GetProperty("created").GetDateTimeOffset(), StringComparer.Ordinal);
    var imported = users.Where(user => user.Key.StartsWith("import-", StringComparison.Ordinal)).Select(user => user.Value).Order().ToList();
    var latencies = sent.Where(one => users.ContainsKey(one.Key)).Select(one => (users[one.Key] - one.Value).TotalSeconds).Order().ToList();
    var calls = await softr.GetFromJsonAsync<JsonElement>("/sandbox/calls");
    var createUser = calls.GetProperty("byOperation").GetProperty("createUser");
    int Count(string status) => createUser.TryGetProperty(status, out var count) ? count.GetInt32() : 0;
    var total = createUser.EnumerateObject().Sum(entry => entry.Value.GetInt32());
    var drain = imported.Count > 1 ? imported[^1] - imported[0] : TimeSpan.Zero;
    var during = users.Values.Count(created => imported.Count > 1 && created >= imported[0] && created <= imported[^1]);
    // A user made twice would be a 200 from createUser with nobody new: the sandbox answers a second create of one e-mail otherwise.
    var result = new Result(scenario.Name, latencies, drain, (imported.Count - 1) / Math.Max(0.001, drain.TotalSeconds), (during - 1) / Math.Max(0.001, drain.TotalSeconds),
        total, Count("429"), wanted - users.Count, Count("200") - users.Count, failed);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{scenario.Name}: backlog drained in {drain.TotalSeconds:0} s ({result.BacklogRate:0.0}/s), {latencies.Count} events on '{scenario.Hook}', p99 {LocalRunDoor.Percentile(latencies, 0.99):0.0} s, {result.Throttled} x 429 of {total}"));
    await sandbox.DisposeAsync();
    return result;

    IEnumerable<KeyValuePair<string, string?>> Hook(string name, string priority) =>
    [
        new($"Webhooks:Hooks:{name}:SecretSettings:0", "LANES_SECRET"),
        new($"Webhooks:Hooks:{name}:Priority", priority),
        new($"Automations:{name}:Hook", name),
        new($"Automations:{name}:Steps:0:Action", "user.create"),
        new($"Automations:{name}:Steps:0:Inputs:email", "{{ payload.email }}"),
        new($"Automations:{name}:Steps:0:Inputs:fullName", "{{ payload.name }}"),
    ];
}

internal sealed record Scenario(string Name, bool Lanes, string Hook, string Priority, TimeSpan Every);

internal sealed record Result(string Name, List<double> Latencies, TimeSpan Drain, double BacklogRate, double AllRate, int Calls, int Throttled, int Lost, int Twice, int Failed);
