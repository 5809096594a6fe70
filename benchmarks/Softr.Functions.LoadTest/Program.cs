using System.Diagnostics;
using System.Globalization;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Softr.Functions.LocalHost;
using Softr.Functions.Storage;
using Softr.Functions.Testing;

// A load run of the webhook endpoint through the local host against a private Azurite, beside a
// baseline that only enqueues a message of the same size to the same Azurite with the same concurrency.
// Usage: dotnet run -c Release --project benchmarks/Softr.Functions.LoadTest -- [requests] [concurrency]
var requests = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
var concurrency = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 32;
const string secret = "load-test-secret-0123456789";

await using var azurite = await Azurite.StartAsync();
var host = LocalHostApp.Build(["--urls=http://127.0.0.1:0"], builder =>
{
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["AzureWebJobsStorage"] = azurite.ConnectionString,
        ["Softr:ApiKey"] = "unused",
        ["Softr:Domain"] = "unused.softr.app",
        ["Webhooks:Hooks:load:SecretSettings:0"] = "LOAD_SECRET",
        ["Webhooks:Hooks:load:Schema"] = "signup",
        ["LOAD_SECRET"] = secret,
        // Ingestion only: the queue function would compete for the same two cores.
        ["AzureWebJobs.ProcessEvent.Disabled"] = "true",
    });
    builder.Logging.ClearProviders();
});
await host.StartAsync();
using var http = new HttpClient { BaseAddress = new Uri(host.Urls.Single()) };
var queue = new QueueServiceClient(azurite.ConnectionString, StorageServiceCollectionExtensions.CreateClientOptions()).GetQueueClient("baseline");
await queue.CreateIfNotExistsAsync();

string Body(int i) => $$"""{"email":"load{{i}}@example.com","full_name":"Load Test {{i}}"}""";

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

await Run("warm-up (not reported)", 200, 0, PostAsync);
await Run("warm-up (not reported)", 200, 0, EnqueueAsync);
var ingestion = await Run("POST /api/hooks/load (local host)", requests, 1_000_000, PostAsync);
var baseline = await Run("enqueue only (QueueClient)", requests, 2_000_000, EnqueueAsync);
Console.WriteLine();
Console.WriteLine($"| run | requests | concurrency | requests/s | p50 ms | p99 ms | errors |");
Console.WriteLine($"|---|---:|---:|---:|---:|---:|---:|");
foreach (var result in new[] { baseline, ingestion })
{
    Console.WriteLine($"| {result.Name} | {requests} | {concurrency} | {result.PerSecond:0} | {result.P50:0.0} | {result.P99:0.0} | {result.Errors} |");
}
Console.WriteLine($"\nThroughput ratio, ingestion / baseline: {ingestion.PerSecond / baseline.PerSecond:0.00}");
await host.StopAsync();

async Task<Result> Run(string name, int count, int offset, Func<int, Task<bool>> call)
{
    var latencies = new double[count];
    var errors = 0;
    var next = -1;
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
    Array.Sort(latencies);
    return new Result(name, count / elapsed, latencies[count / 2], latencies[(int)(count * 0.99)], errors);
}

internal sealed record Result(string Name, double PerSecond, double P50, double P99, int Errors);
