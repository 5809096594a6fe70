using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Softr.Functions.LocalHost;
using Softr.Functions.Storage;
using Softr.Functions.Testing;

// A load run of the webhook endpoint through the local host against a private Azurite, beside a
// baseline that only enqueues a message of the same size to the same Azurite with the same concurrency,
// and a second run of signed Stripe events (docs/benchmarks.md).
// Usage: dotnet run -c Release --project benchmarks/Softr.Functions.LoadTest -- [requests] [concurrency]
//        (LOAD_ROUNDS rounds, 7 by default; the median of each round's ratio to its own baseline is the figure)
// Or, against a running ./run.sh (its signup hook and secret):
//        dotnet run -c Release --project benchmarks/Softr.Functions.LoadTest -- 2000 32 http://localhost:7071
// Or idle latency, one webhook at a time against a running ./run.sh (docs/benchmarks.md, "Idle latency"):
//        dotnet run -c Release --project benchmarks/Softr.Functions.LoadTest -- latency 200 http://localhost:7071
var requests = args.Length > 0 && args[0] != "latency" ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
var concurrency = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 32;
const string secret = "load-test-secret-0123456789";
const string stripeSecret = "whsec_load_0123456789abcdef";
var runTag = Guid.NewGuid().ToString("N")[..8]; // unique bodies on every run, so nothing is a redelivery

string Body(int i) => $$"""{"email":"load{{runTag}}.{{i}}@example.com","full_name":"Load Test {{i}}"}""";

if (args.Length > 0 && args[0] == "latency")
{
    await MeasureIdleLatencyAsync(int.Parse(args[1], CultureInfo.InvariantCulture), new Uri(args[2]));
    return;
}

if (args.Length > 2)
{
    // Against a host already running (./run.sh): its signup hook, with the local default secret.
    using var external = new HttpClient { BaseAddress = new Uri(args[2]) };
    var localSecret = Environment.GetEnvironmentVariable("LOAD_SECRET") ?? "local-dev-secret-change-me";
    async Task<bool> PostExternalAsync(int i)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/hooks/signup") { Content = new StringContent(Body(i), Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Webhook-Secret", localSecret);
        using var response = await external.SendAsync(request);
        return response.IsSuccessStatusCode;
    }
    await Run("warm-up (not reported)", 100, 5_000_000, PostExternalAsync);
    var result = await Run($"POST {args[2]}/api/hooks/signup", requests, 0, PostExternalAsync);
    Console.WriteLine($"| run | requests | concurrency | requests/s | p50 ms | p99 ms | errors |");
    Console.WriteLine($"|---|---:|---:|---:|---:|---:|---:|");
    Console.WriteLine($"| {result.Name} | {requests} | {concurrency} | {result.PerSecond:0} | {result.P50:0.0} | {result.P99:0.0} | {result.Errors} |");
    return;
}

await using var azurite = await Azurite.StartAsync(checkTableLookups: false);
var host = LocalHostApp.Build(["--urls=http://127.0.0.1:0"], builder =>
{
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["AzureWebJobsStorage"] = azurite.ConnectionString,
        ["Softr:ApiKey"] = "unused",
        ["Softr:Domain"] = "unused.softr.app",
        ["SIGNUP_HOOK_SECRET"] = SandboxSettings.SignupSecret,
        ["Webhooks:Hooks:load:SecretSettings:0"] = "LOAD_SECRET",
        ["Webhooks:Hooks:load:Schema"] = "signup",
        ["LOAD_SECRET"] = secret,
        ["Webhooks:Hooks:stripe:Sender"] = "stripe",
        ["Webhooks:Hooks:stripe:SecretSettings:0"] = "LOAD_STRIPE_SECRET",
        ["Webhooks:Hooks:stripe:Events:0"] = "checkout.session.completed",
        ["LOAD_STRIPE_SECRET"] = stripeSecret,
        // The door is measured, not the terminal: the local run's span lines are its own question (./run.sh below).
        ["LocalHost:ConsoleTraces"] = "false",
        // Ingestion only: the queue function would compete for the same two cores.
        ["AzureWebJobs.ProcessEvent.Disabled"] = "true",
    });
    builder.Logging.ClearProviders();
});
await host.StartAsync();
using var http = new HttpClient { BaseAddress = new Uri(host.Urls.Single()) };
var queues = new QueueServiceClient(azurite.ConnectionString, StorageServiceCollectionExtensions.CreateClientOptions());
var queue = queues.GetQueueClient("baseline");
await queue.CreateIfNotExistsAsync();
// Clearing a queue of thousands takes Azurite longer than the short retries' network timeout.
var clearing = new QueueServiceClient(azurite.ConnectionString, new QueueClientOptions { Retry = { NetworkTimeout = TimeSpan.FromMinutes(2) } });

string StripeBody(int i) =>
    "{\"id\":\"evt_load_" + runTag + "_" + i + "\",\"object\":\"event\",\"type\":\"checkout.session.completed\",\"created\":1764500000," +
    "\"data\":{\"object\":{\"object\":\"checkout.session\",\"payment_status\":\"paid\"," +
    "\"customer_details\":{\"email\":\"load" + i + "@example.com\",\"name\":\"Load Test " + i + "\"}}}}";

async Task<bool> PostStripeAsync(int i)
{
    var body = StripeBody(i);
    var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(stripeSecret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
    using var request = new HttpRequestMessage(HttpMethod.Post, "/api/hooks/stripe") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
    request.Headers.Add("Stripe-Signature", $"t={timestamp},v1={signature}");
    using var response = await http.SendAsync(request);
    return response.IsSuccessStatusCode;
}

async Task<bool> PostAsync(int i)
{
    using var request = new HttpRequestMessage(HttpMethod.Post, "/api/hooks/load") { Content = new StringContent(Body(i), System.Text.Encoding.UTF8, "application/json") };
    request.Headers.Add("X-Webhook-Secret", secret);
    using var response = await http.SendAsync(request);
    return response.IsSuccessStatusCode;
}

async Task<bool> EnqueueAsync(int i)
{
    // The size of an envelope for the same event.
    await queue.SendMessageAsync(BinaryData.FromString($$"""{"v":1,"id":"evt_{{Guid.CreateVersion7():N}}","hook":"load","sender":"shared-secret","type":"signup","receivedAt":"{{DateTimeOffset.UtcNow:O}}","correlationId":"x","payload":{{Body(i)}}}"""));
    return true;
}

// Rounds, each running the three in a rotated order from empty queues after a full collection: the
// baseline itself moves by a factor of two between runs on this machine (Azurite shares the two cores),
// so one run of each says less than the median of several side by side.
var rounds = int.Parse(Environment.GetEnvironmentVariable("LOAD_ROUNDS") ?? "7", CultureInfo.InvariantCulture);
await Run("warm-up (not reported)", 1000, 0, PostAsync);
await Run("warm-up (not reported)", 200, 0, EnqueueAsync);
await Run("warm-up (not reported)", 200, 3_000_000, PostStripeAsync);
var runs = new (string Name, Func<int, Task<bool>> Call)[]
{
    ("enqueue only (QueueClient)", EnqueueAsync),
    ("POST /api/hooks/load (local host)", PostAsync),
    ("POST /api/hooks/stripe, signed (local host)", PostStripeAsync),
};
var results = new List<Result[]>();
for (var round = 0; round < rounds; round++)
{
    var inRound = new Result[runs.Length];
    for (var k = 0; k < runs.Length; k++)
    {
        var which = (k + round) % runs.Length;
        // Every run starts from empty queues: independent of the run before, and far from the tens of
        // thousands of messages where Azurite slows down badly.
        await clearing.GetQueueClient("baseline").ClearMessagesAsync();
        await clearing.GetQueueClient(QueueNames.Events).ClearMessagesAsync();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        inRound[which] = await Run(runs[which].Name, requests, 10_000_000 * (round + 1) + 1_000_000 * which, runs[which].Call);
    }
    results.Add(inRound);
}
Console.WriteLine();
Console.WriteLine("| round | baseline req/s | baseline p99 ms | signup req/s | signup p99 ms | Stripe req/s | Stripe p99 ms | throughput ratio (signup, Stripe) | p99 ratio (signup, Stripe) | errors |");
Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---|---|---:|");
for (var round = 0; round < results.Count; round++)
{
    var (b, l, st) = (results[round][0], results[round][1], results[round][2]);
    Console.WriteLine($"| {round + 1} | {b.PerSecond:0} | {b.P99:0.0} | {l.PerSecond:0} | {l.P99:0.0} | {st.PerSecond:0} | {st.P99:0.0} | {l.PerSecond / b.PerSecond:0.00}, {st.PerSecond / b.PerSecond:0.00} | {l.P99 / b.P99:0.00}, {st.P99 / b.P99:0.00} | {b.Errors + l.Errors + st.Errors} |");
}
static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}
Console.WriteLine($"\nMedian over {rounds} rounds of each round's ratio to its own baseline:");
Console.WriteLine($"throughput {Median(results.Select(r => r[1].PerSecond / r[0].PerSecond)):0.00} (signup), {Median(results.Select(r => r[2].PerSecond / r[0].PerSecond)):0.00} (Stripe, signed)");
Console.WriteLine($"p99        {Median(results.Select(r => r[1].P99 / r[0].P99)):0.00} (signup), {Median(results.Select(r => r[2].P99 / r[0].P99)):0.00} (Stripe, signed)");
Console.WriteLine($"errors     {results.Sum(r => r.Sum(x => x.Errors))}");
await host.StopAsync();

async Task<Result> Run(string name, int count, int offset, Func<int, Task<bool>> call)
{
    var latencies = new double[count];
    var errors = 0;
    var next = -1;
    var pausedBefore = GC.GetTotalPauseDuration();
    var gen2Before = GC.CollectionCount(2);
    var gen0Before = GC.CollectionCount(0);
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < count)
        {
            var started = Stopwatch.GetTimestamp();
            bool ok;
            try
            {
                ok = await call(offset + i);
            }
            catch (Exception)
            {
                ok = false;
            }
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (!ok)
            {
                Interlocked.Increment(ref errors);
            }
        }
    }));
    var elapsed = clock.Elapsed.TotalSeconds;
    Console.Error.WriteLine($"{name}: {count / elapsed:0} req/s; this process's GC paused {(GC.GetTotalPauseDuration() - pausedBefore).TotalMilliseconds:0} ms, gen0 {GC.CollectionCount(0) - gen0Before}, gen2 {GC.CollectionCount(2) - gen2Before}, {elapsed:0.00} s");
    Array.Sort(latencies);
    return new Result(name, count / elapsed, latencies[count / 2], latencies[(int)(count * 0.99)], errors);
}

// One webhook at a time, each only after the one before has succeeded: the queue is idle when each
// arrives. From the event's own record (one clock, the host's): receipt to the attempt's start (the
// queue's polling), and receipt to the Softr step's end; and, seen from outside, POST to "Succeeded".
static async Task MeasureIdleLatencyAsync(int count, Uri host)
{
    using var http = new HttpClient { BaseAddress = host };
    // ./run.sh's admin key, made on its first run (.run/master-key), unless LOAD_KEY says otherwise.
    http.DefaultRequestHeaders.Add("x-functions-key", Environment.GetEnvironmentVariable("LOAD_KEY")
        ?? (File.Exists(".run/master-key") ? File.ReadAllText(".run/master-key").Trim() : throw new InvalidOperationException("Set LOAD_KEY to the local host's admin key (./run.sh prints it).")));
    var secret = Environment.GetEnvironmentVariable("LOAD_SECRET") ?? "local-dev-secret-change-me";
    var tag = Guid.NewGuid().ToString("N")[..8];
    var pickedUp = new List<double>();
    var softrDone = new List<double>();
    var observed = new List<double>();
    for (var i = 0; i < count; i++)
    {
        // A pause as between real events, so that the listener has backed off to its longest poll.
        await Task.Delay(TimeSpan.FromMilliseconds(2500 + Random.Shared.Next(1000)));
        var clock = Stopwatch.StartNew();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/hooks/signup")
        {
            Content = new StringContent($$"""{"email":"idle{{tag}}.{{i}}@example.com","full_name":"Idle {{i}}"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Webhook-Secret", secret);
        using var response = await http.SendAsync(request);
        var id = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
        System.Text.Json.JsonElement record = default;
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            using var status = await http.GetAsync($"/api/events/{id}");
            if (status.IsSuccessStatusCode)
            {
                record = System.Text.Json.JsonDocument.Parse(await status.Content.ReadAsStringAsync()).RootElement;
                if (record.GetProperty("status").GetString() == "Succeeded")
                {
                    break;
                }
            }
            await Task.Delay(20);
        }
        observed.Add(clock.Elapsed.TotalMilliseconds);
        var received = record.GetProperty("receivedAt").GetDateTimeOffset();
        var started = record.GetProperty("history").EnumerateArray().First(entry => entry.GetProperty("status").GetString() == "Processing").GetProperty("at").GetDateTimeOffset();
        pickedUp.Add((started - received).TotalMilliseconds);
        softrDone.Add((record.GetProperty("steps")[0].GetProperty("at").GetDateTimeOffset() - received).TotalMilliseconds);
    }
    static string Row(string name, List<double> values)
    {
        values.Sort();
        return $"| {name} | {values.Count} | {values[values.Count / 2]:0} | {values[(int)(values.Count * 0.99)]:0} | {values[^1]:0} |";
    }
    Console.WriteLine("| from receipt to | events | p50 ms | p99 ms | max ms |");
    Console.WriteLine("|---|---:|---:|---:|---:|");
    Console.WriteLine(Row("the attempt's start (queue polling)", pickedUp));
    Console.WriteLine(Row("the Softr step's end", softrDone));
    Console.WriteLine(Row("Succeeded, seen by a poller (from the POST)", observed));
}

internal sealed record Result(string Name, double PerSecond, double P50, double P99, int Errors);
