using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using Softr.Functions.Events;
using Softr.Functions.Storage;
using Softr.Functions.Testing;
using Softr.Sandbox;

// Drains queued create-user events through real local host processes (the WebJobs queue listener,
// the app's processing, its rate budget) against a private Azurite and the sandbox, whose write limit
// is L per second (429 beyond, counted in fixed one-second windows). Four scenarios in one run:
//   1 host, shared budget;  3 hosts, shared budget (10 seats, the default);  3 hosts, shared budget cut
//   into 150 seats (more than one table transaction holds);  3 hosts, each pacing only itself (the baseline).
// Usage: dotnet run -c Release --project benchmarks/Softr.Functions.DrainBenchmark -- [events] [L]
var events = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
var limit = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
// DRAIN_VERBOSE=1 prints each host's seat changes (the shared budget's debug log); DRAIN_ONLY=<text>
// runs only the scenarios whose name holds it (the table's ratio line needs all four).
var verbose = Environment.GetEnvironmentVariable("DRAIN_VERBOSE") == "1";
const string apiKey = "drain-api-key-0123456789";
const string domain = "drain.softr.app";

var sandbox = SandboxApp.Build(
    ["--urls=http://127.0.0.1:0", $"--Sandbox:ApiKey={apiKey}", $"--Sandbox:Domain={domain}",
     $"--Sandbox:WritesPerSecond={limit}", $"--Sandbox:ReadsPerSecond={limit}"],
    builder => builder.Logging.ClearProviders());
await sandbox.StartAsync();
using var http = new HttpClient { BaseAddress = new Uri(sandbox.Urls.Single()) };

Console.WriteLine($"Draining {events} queued create-user events; sandbox write limit L = {limit}/s; {Environment.ProcessorCount} cores.");
var results = new List<Result>();
foreach (var (name, hosts, shared, seats) in new[]
{
    ("1 host, shared budget", 1, true, 10), ("3 hosts, shared budget", 3, true, 10), ("3 hosts, shared budget, 150 seats", 3, true, 150),
    ("3 hosts, no shared budget (baseline)", 3, false, 10),
}.Where(scenario => Environment.GetEnvironmentVariable("DRAIN_ONLY") is not { Length: > 0 } only || scenario.Item1.Contains(only, StringComparison.Ordinal)))
{
    results.Add(await RunAsync(name, hosts, shared, seats, results.Count));
}

Console.WriteLine();
Console.WriteLine("| scenario | drained in | achieved writes/s | % of L | createUser calls | 429 answers | 429 share | users made | lost | duplicates |");
Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
foreach (var result in results)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {result.Name} | {result.Elapsed.TotalSeconds:0.0} s | {result.Rate:0.0} | {100 * result.Rate / limit:0.0}% | {result.Calls} | {result.Throttled} | {100.0 * result.Throttled / result.Calls:0.00}% | {result.Users} | {events - result.Users} | {result.Duplicates} |"));
}
if (results.Count == 4)
{
    var sharedThree = results[1];
    var baseline = results[3];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"\n3 hosts, shared vs baseline: rate ratio {sharedThree.Rate / baseline.Rate:0.00}, 429 share {100.0 * sharedThree.Throttled / sharedThree.Calls:0.00}% vs {100.0 * baseline.Throttled / baseline.Calls:0.00}%"));
}
await sandbox.DisposeAsync();

async Task<Result> RunAsync(string name, int hosts, bool shared, int seats, int run)
{
    // Storage of its own per scenario: Azurite keeps tables in memory and scans them, so a scenario after
    // another would be slowed by its rows (and start with its stopped hosts' seats still leased).
    await using var azurite = await Azurite.StartAsync(checkTableLookups: false);
    var queue = new QueueClient(azurite.ConnectionString, QueueNames.Events, StorageServiceCollectionExtensions.CreateClientOptions());
    await queue.CreateIfNotExistsAsync();
    (await http.PostAsync("/sandbox/reset", null)).EnsureSuccessStatusCode();
    var hook = $"drain{run}";
    for (var start = 0; start < events; start += 100)
    {
        await Task.WhenAll(Enumerable.Range(start, Math.Min(100, events - start)).Select(number => queue.SendMessageAsync(EventEnvelopeSerializer.Serialize(Envelope(hook, number)))));
    }

    var processes = Enumerable.Range(0, hosts).Select(_ => StartHost(azurite.ConnectionString, hook, shared, seats)).ToList();
    var watch = Stopwatch.StartNew();
    TimeSpan? first = null;
    var users = 0;
    while (watch.Elapsed < TimeSpan.FromMinutes(10))
    {
        users = (await http.GetFromJsonAsync<JsonElement[]>("/sandbox/users"))!.Count(user => user.GetProperty("email").GetString()!.StartsWith(hook, StringComparison.Ordinal));
        if (users > 0 && first is null)
        {
            first = watch.Elapsed;
        }
        if (users >= events)
        {
            break;
        }
        await Task.Delay(50);
    }
    var last = watch.Elapsed;
    foreach (var process in processes)
    {
        if (verbose)
        {
            // How each host's share of the seats moved over the run.
            Console.WriteLine(string.Join("\n", process.Output().Split('\n').Where(line => line.Contains("seats,", StringComparison.Ordinal)).Select(line => "    " + line.Trim())));
        }
        await process.DisposeAsync();
    }

    // What processing did besides succeeding: deferrals (no budget, busy), retries, by detail.
    var ids = Enumerable.Range(0, events).Select(number => Envelope(hook, number).EventId).ToHashSet();
    var table = new TableClient(azurite.ConnectionString, TableNames.Events);
    var others = new Dictionary<string, int>();
    await foreach (var row in table.QueryAsync<TableEntity>(filter: "RowKey ge 'h' and RowKey lt 'i' and Status ne 'Processing' and Status ne 'Succeeded'"))
    {
        if (ids.Contains(row.PartitionKey))
        {
            var detail = $"{row.GetString("Status")}: {row.GetString("Detail")?.Split(';')[0]}";
            others[detail] = others.GetValueOrDefault(detail) + 1;
        }
    }
    foreach (var (detail, count) in others.OrderByDescending(entry => entry.Value).Take(5))
    {
        Console.WriteLine($"    {count} x {detail}");
    }

    var calls = await http.GetFromJsonAsync<JsonElement>("/sandbox/calls");
    var createUser = calls.GetProperty("byOperation").TryGetProperty("createUser", out var byStatus) ? byStatus : default;
    int Count(string status) => createUser.ValueKind == JsonValueKind.Object && createUser.TryGetProperty(status, out var count) ? count.GetInt32() : 0;
    var total = createUser.ValueKind == JsonValueKind.Object ? createUser.EnumerateObject().Sum(entry => entry.Value.GetInt32()) : 0;
    // The first user appears once the first host's listener runs; the drain is timed from there to the last user.
    var elapsed = last - (first ?? last);
    var result = new Result(name, elapsed, (users - 1) / Math.Max(0.001, elapsed.TotalSeconds), total, Count("429"), users, Count("200") - users);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {users} users in {elapsed.TotalSeconds:0.0} s, {result.Rate:0.0}/s, {result.Throttled} x 429 of {total} calls"));
    return result;
}

DotnetProcess StartHost(string storage, string hook, bool shared, int seats) =>
    DotnetProcess.Start(Path.Combine(AppContext.BaseDirectory, "Softr.Functions.LocalHost.dll"), new Dictionary<string, string?>(SandboxSettings.For(http.BaseAddress!, apiKey, domain))
    {
        [StorageSettings.ConnectionName] = storage,
        ["Softr:WritesPerSecond"] = limit.ToString(CultureInfo.InvariantCulture),
        ["Softr:ReadsPerSecond"] = limit.ToString(CultureInfo.InvariantCulture),
        ["Processing:SharedBudget"] = shared ? "true" : "false",
        ["Processing:BudgetSeats"] = seats.ToString(CultureInfo.InvariantCulture),
        ["Logging:LogLevel:Default"] = "Warning",
        ["LocalHost:ConsoleTraces"] = "false",
        ["Logging:LogLevel:Softr.Functions.SharedBudget.TableRateBudget"] = verbose ? "Debug" : "Warning",
        ["DRAIN_SECRET"] = "drain-secret-0123456789",
        [$"Webhooks:Hooks:{hook}:SecretSettings:0"] = "DRAIN_SECRET",
        [$"Automations:{hook}:Hook"] = hook,
        [$"Automations:{hook}:Steps:0:Action"] = "user.create",
        [$"Automations:{hook}:Steps:0:Inputs:email"] = "{{ payload.email }}",
        [$"Automations:{hook}:Steps:0:Inputs:fullName"] = "{{ payload.name }}",
    }, $"--urls=http://127.0.0.1:{Ports.Free()}");

static EventEnvelope Envelope(string hook, int number)
{
    var email = $"{hook}-{number:D5}@example.com";
    var id = EventIds.ForDelivery(hook, email);
    return new EventEnvelope
    {
        EventId = id,
        Hook = hook,
        Sender = "shared-secret",
        EventType = "webhook",
        ReceivedAt = DateTimeOffset.UtcNow,
        CorrelationId = id,
        Payload = JsonSerializer.SerializeToElement(new { email, name = $"Drain {number}" }),
    };
}

internal sealed record Result(string Name, TimeSpan Elapsed, double Rate, int Calls, int Throttled, int Users, int Duplicates);
