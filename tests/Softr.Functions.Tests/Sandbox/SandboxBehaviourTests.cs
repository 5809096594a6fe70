using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Softr.Functions.Tests.Sandbox;

/// <summary>A sandbox with tiny limits and a seed from a file, for the parts of the sandbox that are not Softr's data.</summary>
public sealed class TightSandboxHost : SandboxHost
{
    public static readonly string SeedFile = Path.Combine(Path.GetTempPath(), $"softr-seed-{Guid.NewGuid():N}.json");

    protected override IEnumerable<string> ExtraArguments()
    {
        File.WriteAllText(SeedFile, """
            {"users":[{"full_name":"Seeded","email":"seeded@example.com"}],
             "databases":[{"id":"db_file","name":"From a file","tables":[{"id":"t1","name":"Things",
               "fields":[{"id":"f1","name":"Name","type":"SINGLE_LINE_TEXT"}],"records":[{"id":"r1","fields":{"f1":"one"}}]}]}]}
            """);
        return ["--Sandbox:ReadsPerSecond=1000", "--Sandbox:WritesPerSecond=3", $"--Sandbox:SeedFile={SeedFile}"];
    }
}

public sealed class SandboxBehaviourTests(TightSandboxHost sandbox) : IClassFixture<TightSandboxHost>
{
    [Fact]
    public async Task Seed_ComesFromTheConfiguredFile()
    {
        var databases = await Api().GetFromJsonAsync<JsonElement>("/api/v1/databases");

        Assert.Equal("db_file", databases.GetProperty("data")[0].GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.OK, (await sandbox.CreateClient().GetAsync("/sandbox/users/seeded@example.com")).StatusCode);
    }

    [Fact]
    public async Task Writes_BeyondTheLimit_Answer429_WhileReadsGoOn()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            using var response = await Api().PostAsJsonAsync("/api/v1/databases/db_file/tables/t1/records", new { fields = new { f1 = "x" } });
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                Assert.Equal("TOO_MANY_REQUESTS", body.GetProperty("errorCode").GetString());
            }
        }
        using var read = await Api().GetAsync("/api/v1/databases");

        // Ten quick calls touch at most two one-second windows (3 + 3 allowed); an earlier test's write
        // may already have spent some of the first window.
        Assert.InRange(statuses.Count(status => status == HttpStatusCode.OK), 1, 6);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Fact]
    public async Task Faults_CanBeSwitchedOnForOneOperation_AndCountedPerStatus()
    {
        await sandbox.CreateClient().DeleteAsync("/sandbox/calls");
        await PutFaultsAsync(new { errorRate = 1.0, errorStatus = 502, operations = new[] { "listTables" } });

        using var failing = await Api().GetAsync("/api/v1/databases/db_file/tables");
        using var unaffected = await Api().GetAsync("/api/v1/databases/db_file/tables/t1");
        await sandbox.CreateClient().DeleteAsync("/sandbox/faults");
        using var recovered = await Api().GetAsync("/api/v1/databases/db_file/tables");

        Assert.Equal(HttpStatusCode.BadGateway, failing.StatusCode);
        Assert.Equal(HttpStatusCode.OK, unaffected.StatusCode);
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
        var calls = await sandbox.CreateClient().GetFromJsonAsync<JsonElement>("/sandbox/calls");
        Assert.Equal(1, calls.GetProperty("byOperation").GetProperty("listTables").GetProperty("502").GetInt32());
        Assert.Equal(1, calls.GetProperty("byOperation").GetProperty("listTables").GetProperty("200").GetInt32());
        Assert.Equal(1, calls.GetProperty("byOperation").GetProperty("getTable").GetProperty("200").GetInt32());
    }

    [Fact]
    public async Task RateLimitBurst_Answers429ForTheNextCalls_WithRetryAfterWhenAsked()
    {
        await PutFaultsAsync(new { rateLimitBurst = 2, retryAfterSeconds = 7 });

        using var first = await Api().GetAsync("/api/v1/databases");
        using var second = await Api().GetAsync("/api/v1/databases");
        using var third = await Api().GetAsync("/api/v1/databases");
        await sandbox.CreateClient().DeleteAsync("/sandbox/faults");

        Assert.Equal([HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests, HttpStatusCode.OK], [first.StatusCode, second.StatusCode, third.StatusCode]);
        Assert.Equal(TimeSpan.FromSeconds(7), first.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task Latency_IsAddedToEveryCall()
    {
        await PutFaultsAsync(new { latencyMs = 200 });
        var clock = Stopwatch.StartNew();

        using var response = await Api().GetAsync("/api/v1/databases");
        await sandbox.CreateClient().DeleteAsync("/sandbox/faults");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(190), $"took {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Timeout_HangsThenAnswers504()
    {
        await PutFaultsAsync(new { timeoutRate = 1.0, timeoutMs = 150, operations = new[] { "getTable" } });
        var clock = Stopwatch.StartNew();

        using var response = await Api().GetAsync("/api/v1/databases/db_file/tables/t1");
        await sandbox.CreateClient().DeleteAsync("/sandbox/faults");

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(140));
    }

    [Fact]
    public async Task Drop_AbortsTheConnection()
    {
        await PutFaultsAsync(new { dropRate = 1.0, operations = new[] { "listDatabases" } });

        await Assert.ThrowsAnyAsync<Exception>(() => Api().GetAsync("/api/v1/databases"));
        await sandbox.CreateClient().DeleteAsync("/sandbox/faults");
    }

    [Fact]
    public async Task FailAfterEffect_FailsTheCallButKeepsItsEffect()
    {
        var before = await CountRecordsAsync();
        await PutFaultsAsync(new { errorRate = 1.0, errorStatus = 500, failAfterEffect = true, operations = new[] { "updateRecord" } });

        using var response = await Api().PatchAsJsonAsync("/api/v1/databases/db_file/tables/t1/records/r1", new { fields = new { f1 = "changed" } });
        await sandbox.CreateClient().DeleteAsync("/sandbox/faults");
        var record = await Api().GetFromJsonAsync<JsonElement>("/api/v1/databases/db_file/tables/t1/records/r1");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("changed", record.GetProperty("data").GetProperty("fields").GetProperty("f1").GetString());
        Assert.Equal(before, await CountRecordsAsync());
    }

    private async Task<int> CountRecordsAsync() =>
        (await Api().GetFromJsonAsync<JsonElement>("/api/v1/databases/db_file/tables/t1/records?limit=200")).GetProperty("metadata").GetProperty("total").GetInt32();

    private async Task PutFaultsAsync(object faults)
    {
        using var response = await sandbox.CreateClient().PutAsJsonAsync("/sandbox/faults", faults);
        response.EnsureSuccessStatusCode();
    }

    private HttpClient Api()
    {
        var client = sandbox.CreateClient();
        client.DefaultRequestHeaders.Add("Softr-Api-Key", SandboxHost.ApiKey);
        return client;
    }
}
