using System.Net;
using System.Text.Json.Nodes;
using static Softr.Functions.Tests.Resilience.ScriptedHandler;

namespace Softr.Functions.Tests.Resilience;

/// <summary>
/// The pipeline AddSoftrClient registers, against scripted Softr answers, on a fake clock: every wait
/// below (backoff, Retry-After, timeouts, the open circuit) passes in simulated time.
/// </summary>
public sealed class ResiliencePipelineTests
{
    private const string DatabaseList = """{"data":[{"id":"db1","name":"One"}]}""";
    private const string RecordBody = """{"data":{"id":"rec1","tableId":"t","fields":{}}}""";
    private static readonly Dictionary<string, JsonNode?> Fields = new() { ["f"] = "v" };

    [Fact]
    public async Task Read_AfterA429Storm_Succeeds()
    {
        await using var clients = new ResilientClients([Step.Status(HttpStatusCode.TooManyRequests), Step.Status(HttpStatusCode.TooManyRequests),
            Step.Status(HttpStatusCode.TooManyRequests), Step.Status(HttpStatusCode.OK, DatabaseList)]);

        var databases = await clients.RunAsync(() => clients.Database.ListDatabasesAsync());

        Assert.Equal("db1", Assert.Single(databases).Id);
        Assert.Equal(4, clients.Handler.Attempts.Count);
    }

    [Fact]
    public async Task RetryAfter_IsHonoured()
    {
        await using var clients = new ResilientClients([Step.Status(HttpStatusCode.TooManyRequests, retryAfter: TimeSpan.FromSeconds(30)),
            Step.Status(HttpStatusCode.OK, DatabaseList)]);

        var call = clients.Database.ListDatabasesAsync();
        for (var i = 0; i < 29 && !call.IsCompleted; i++)
        {
            await Task.Delay(1);
            clients.Time!.Advance(TimeSpan.FromSeconds(1));
        }
        Assert.False(call.IsCompleted, "retried before the 30 s Retry-After had passed");

        await clients.RunAsync(() => call, TimeSpan.FromSeconds(1));
        var attempts = clients.Handler.Attempts.ToArray();
        Assert.Equal(2, attempts.Length);
        Assert.True(attempts[1] - attempts[0] >= TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task SafeOperation_IsRetriedOn5xx()
    {
        await using var clients = new ResilientClients([Step.Status(HttpStatusCode.ServiceUnavailable), Step.Status(HttpStatusCode.BadGateway),
            Step.Status(HttpStatusCode.OK, RecordBody)]);

        var record = await clients.RunAsync(() => clients.Database.GetRecordAsync("db", "t", "rec1"));

        Assert.Equal("rec1", record!.Id);
        Assert.Equal(3, clients.Handler.Attempts.Count);
    }

    [Fact]
    public async Task SafeOperation_AfterTheLastRetry_ThrowsATransientError()
    {
        await using var clients = new ResilientClients([Step.Status(HttpStatusCode.InternalServerError, """{"message":"boom","errorCode":"INTERNAL"}""")]);

        var exception = await Assert.ThrowsAsync<SoftrApiException>(() => clients.RunAsync(() => clients.Database.ListDatabasesAsync()));

        Assert.Equal(HttpStatusCode.InternalServerError, exception.StatusCode);
        Assert.Equal("INTERNAL", exception.ErrorCode);
        Assert.True(exception.IsTransient);
        Assert.Equal(1 + 4, clients.Handler.Attempts.Count);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.GatewayTimeout)]
    public async Task CreateRecord_IsNotRetriedOn5xx_BecauseItMayHaveHappened(HttpStatusCode status)
    {
        await using var clients = new ResilientClients([Step.Status(status), Step.Status(HttpStatusCode.OK, RecordBody)]);

        var exception = await Assert.ThrowsAsync<SoftrApiException>(() => clients.RunAsync(() => clients.Database.CreateRecordAsync("db", "t", Fields)));

        Assert.Equal(status, exception.StatusCode);
        Assert.True(exception.IsTransient);
        Assert.Single(clients.Handler.Attempts);
    }

    [Fact]
    public async Task CreateRecord_IsRetriedOn429_BecauseSoftrDidNothing()
    {
        await using var clients = new ResilientClients([Step.Status(HttpStatusCode.TooManyRequests), Step.Status(HttpStatusCode.OK, RecordBody)]);

        var record = await clients.RunAsync(() => clients.Database.CreateRecordAsync("db", "t", Fields));

        Assert.Equal("rec1", record.Id);
        Assert.Equal(2, clients.Handler.Attempts.Count);
    }

    [Fact]
    public async Task CreateRecord_IsRetriedWhenTheConnectionWasRefused()
    {
        await using var clients = new ResilientClients([Step.Refused, Step.Status(HttpStatusCode.OK, RecordBody)]);

        await clients.RunAsync(() => clients.Database.CreateRecordAsync("db", "t", Fields));

        Assert.Equal(2, clients.Handler.Attempts.Count);
    }

    [Fact]
    public async Task CreateRecord_IsNotRetriedWhenTheResponseWasCutOff()
    {
        await using var clients = new ResilientClients([Step.ResetMidway, Step.Status(HttpStatusCode.OK, RecordBody)]);

        var exception = await Assert.ThrowsAsync<SoftrApiException>(() => clients.RunAsync(() => clients.Database.CreateRecordAsync("db", "t", Fields)));

        Assert.Null(exception.StatusCode);
        Assert.True(exception.IsTransient);
        Assert.Single(clients.Handler.Attempts);
    }

    [Fact]
    public async Task CreateRecord_ThatTimesOut_IsNotRetried()
    {
        await using var clients = new ResilientClients([Step.Hang, Step.Status(HttpStatusCode.OK, RecordBody)]);

        var exception = await Assert.ThrowsAsync<SoftrApiException>(() => clients.RunAsync(() => clients.Database.CreateRecordAsync("db", "t", Fields)));

        Assert.Contains("timed out", exception.Message, StringComparison.Ordinal);
        Assert.True(exception.IsTransient);
        Assert.Single(clients.Handler.Attempts);
    }

    [Fact]
    public async Task SafeOperation_ThatTimesOut_IsRetriedAfterTheAttemptTimeout()
    {
        await using var clients = new ResilientClients([Step.Hang, Step.Status(HttpStatusCode.OK, DatabaseList)]);

        await clients.RunAsync(() => clients.Database.ListDatabasesAsync());

        var attempts = clients.Handler.Attempts.ToArray();
        Assert.Equal(2, attempts.Length);
        Assert.True(attempts[1] - attempts[0] >= TimeSpan.FromSeconds(10), "the second attempt came before the 10 s attempt timeout");
    }

    [Fact]
    public async Task EveryAttemptHanging_EndsAtTheTotalTimeout()
    {
        await using var clients = new ResilientClients([Step.Hang], new() { ["Softr:MaxRetries"] = "20" });
        var time = clients.Time!;
        var totalTimeout = time.GetUtcNow() + TimeSpan.FromSeconds(60);

        // The clock goes up to the total timeout and stops there: the call must end then, with no more time passing
        // (waiting for it in real time is only a bound for a failure; how busy the machine is cannot move the answer).
        var call = clients.Database.ListDatabasesAsync();
        while (time.GetUtcNow() < totalTimeout && !call.IsCompleted)
        {
            await Task.Delay(1);
            time.Advance(TimeSpan.FromSeconds(1));
        }
        var exception = await Assert.ThrowsAsync<SoftrApiException>(() => call.WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Contains("timed out", exception.Message, StringComparison.Ordinal);
        Assert.Equal(totalTimeout, time.GetUtcNow());
        Assert.True(clients.Handler.Attempts.Count > 1, "the attempts were cut short and retried before the total timeout");
    }

    [Fact]
    public async Task InviteUser_IsNotRetriedOn500_BecauseARepeatSendsASecondEmail()
    {
        await using var clients = new ResilientClients([Step.Status(HttpStatusCode.InternalServerError), Step.Status(HttpStatusCode.OK)]);

        await Assert.ThrowsAsync<SoftrApiException>(() => clients.RunAsync(async () =>
        {
            await clients.Users.InviteUserAsync("ada@example.com");
            return 0;
        }));

        Assert.Single(clients.Handler.Attempts);
    }

    [Fact]
    public async Task CreateUser_IsRetriedOn500_BecauseARepeatAnswersAlreadyExists()
    {
        await using var clients = new ResilientClients([Step.Status(HttpStatusCode.InternalServerError),
            Step.Status(HttpStatusCode.NotFound, """{"code":"Bad Request","message":"User already exists"}""")]);

        var result = await clients.RunAsync(() => clients.Users.CreateUserAsync(new Softr.Users.CreateUserRequest("Ada", "ada@example.com")));

        Assert.Equal(Softr.Users.CreateUserOutcome.AlreadyExists, result.Outcome);
        Assert.Equal(2, clients.Handler.Attempts.Count);
    }

    [Fact]
    public async Task Circuit_OpensAfterRepeatedFailures_FailsFast_ThenClosesAfterTheBreak()
    {
        var failures = Enumerable.Repeat(Step.Status(HttpStatusCode.ServiceUnavailable), 10);
        await using var clients = new ResilientClients([.. failures, Step.Status(HttpStatusCode.OK, DatabaseList)], new() { ["Softr:MaxRetries"] = "0" });

        for (var i = 0; i < 10; i++)
        {
            await Assert.ThrowsAsync<SoftrApiException>(() => clients.RunAsync(() => clients.Database.ListDatabasesAsync()));
        }
        var open = await Assert.ThrowsAsync<SoftrApiException>(() => clients.Database.ListDatabasesAsync());
        Assert.Contains("circuit is open", open.Message, StringComparison.Ordinal);
        Assert.Equal(10, clients.Handler.Attempts.Count);

        clients.Time!.Advance(TimeSpan.FromSeconds(16));
        var databases = await clients.RunAsync(() => clients.Database.ListDatabasesAsync());

        Assert.Single(databases);
        Assert.Equal(11, clients.Handler.Attempts.Count);
    }

    /// <summary>Issue #26: each Softr app has a circuit of its own; one portal failing does not fail another fast.</summary>
    [Fact]
    public async Task OnePortalsOpenCircuit_LeavesAnotherPortalsCallsGoing()
    {
        var failures = Enumerable.Repeat(Step.Status(HttpStatusCode.ServiceUnavailable), 10);
        await using var clients = new ResilientClients([.. failures, Step.Status(HttpStatusCode.OK, DatabaseList)], new()
        {
            ["Softr:MaxRetries"] = "0",
            ["Softr:Connections:portal_b:ApiKey"] = "portal-b-key",
            ["Softr:Connections:portal_b:Domain"] = "portal-b.softr.app",
        });

        for (var i = 0; i < 10; i++)
        {
            await Assert.ThrowsAsync<SoftrApiException>(() => clients.RunAsync(() => clients.Database.ListDatabasesAsync()));
        }
        var open = await Assert.ThrowsAsync<SoftrApiException>(() => clients.Database.ListDatabasesAsync());
        var portalB = await clients.RunAsync(() => clients.Connections.Database("portal_b").ListDatabasesAsync());

        Assert.Contains("circuit is open", open.Message, StringComparison.Ordinal);
        Assert.Single(portalB);
        Assert.Equal(11, clients.Handler.Attempts.Count);
    }

    [Fact]
    public async Task RateLimiting_429s_DoNotOpenTheCircuit()
    {
        await using var clients = new ResilientClients([Step.Status(HttpStatusCode.TooManyRequests)], new() { ["Softr:MaxRetries"] = "0" });

        for (var i = 0; i < 15; i++)
        {
            var exception = await Assert.ThrowsAsync<SoftrApiException>(() => clients.RunAsync(() => clients.Database.ListDatabasesAsync()));
            Assert.Equal(HttpStatusCode.TooManyRequests, exception.StatusCode);
        }

        Assert.Equal(15, clients.Handler.Attempts.Count);
    }
}
