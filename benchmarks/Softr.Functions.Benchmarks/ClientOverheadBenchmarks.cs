using System.Net.Http.Json;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Softr.Database;
using Softr.Sandbox;

namespace Softr.Functions.Benchmarks;

/// <summary>
/// One read of a record from the sandbox over loopback HTTP: a plain <see cref="HttpClient"/> call
/// (the baseline) against the same call through <see cref="ISoftrDatabaseClient"/> as the app registers
/// it (options, rate limiter, timeouts, retry, circuit breaker, typed deserialisation). Budgets on both
/// sides are set far above the call rate so that no call waits: this measures overhead, not pacing.
/// </summary>
[MemoryDiagnoser]
public class ClientOverheadBenchmarks
{
    private const string ApiKey = "benchmark-key";
    private const string RecordPath = "databases/db_portal/tables/tbl_customers/records/recAda0000000001";

    private WebApplication _sandbox = null!;
    private HttpClient _plain = null!;
    private ServiceProvider _services = null!;
    private ISoftrDatabaseClient _client = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _sandbox = SandboxApp.Build(
            ["--urls=http://127.0.0.1:0", $"--Sandbox:ApiKey={ApiKey}", "--Sandbox:ReadsPerSecond=10000000", "--Sandbox:WritesPerSecond=10000000"],
            builder => builder.Logging.ClearProviders());
        await _sandbox.StartAsync();
        var databaseApi = new Uri(new Uri(_sandbox.Urls.Single()), "/api/v1/");

        _plain = new HttpClient { BaseAddress = databaseApi };
        _plain.DefaultRequestHeaders.Add("Softr-Api-Key", ApiKey);

        var settings = new Dictionary<string, string?>
        {
            ["Softr:ApiKey"] = ApiKey,
            ["Softr:Domain"] = "benchmark.softr.app",
            ["Softr:DatabaseApiBaseUrl"] = databaseApi.AbsoluteUri,
            ["Softr:ReadsPerSecond"] = "100000",
        };
        _services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddLogging()
            .AddSoftrClient()
            .BuildServiceProvider();
        _client = _services.GetRequiredService<ISoftrDatabaseClient>();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _plain.Dispose();
        await _services.DisposeAsync();
        await _sandbox.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "plain HttpClient + JsonElement")]
    public async Task<string?> PlainHttpClient()
    {
        var body = await _plain.GetFromJsonAsync<JsonElement>(RecordPath);
        return body.GetProperty("data").GetProperty("id").GetString();
    }

    [Benchmark(Description = "ISoftrDatabaseClient.GetRecordAsync")]
    public async Task<string?> SoftrClient()
    {
        var record = await _client.GetRecordAsync("db_portal", "tbl_customers", "recAda0000000001");
        return record?.Id;
    }
}
