using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Softr.Resilience;

namespace Softr.Functions.Tests.Connections;

/// <summary>
/// How configuration becomes connections: today's settings are the default, unchanged; a named connection takes base URLs
/// and limits from the <c>Softr</c> section but never its key or domain; connections that share a token must agree on its
/// limits, which are then one budget.
/// </summary>
public sealed class SoftrConnectionsTests
{
    [Fact]
    public void TodaysSettings_AreTheDefaultConnection_Unchanged()
    {
        var connections = Resolve(new() { ["Softr:ApiKey"] = "key-a", ["Softr:Domain"] = "https://portal.example.com/", ["Softr:WritesPerSecond"] = "25" });

        var only = Assert.Single(connections.Values);
        Assert.Equal((SoftrConnection.DefaultName, "key-a", "portal.example.com", 25, 40), (only.Name, only.ApiKey, only.Domain, only.WritesPerSecond, only.ReadsPerSecond));
        Assert.Equal(("Softr:ApiKey", "Softr:Domain"), (only.ApiKeySetting, only.DomainSetting));
    }

    [Fact]
    public void ANamedConnection_TakesTheSectionsUrlsAndLimits_ButNeverItsKeyOrDomain()
    {
        var connections = Resolve(new()
        {
            ["Softr:ApiKey"] = "key-a",
            ["Softr:Domain"] = "a.example.com",
            ["Softr:UsersApiBaseUrl"] = "http://localhost:5080/v1/api/",
            ["Softr:WritesPerSecond"] = "12",
            ["Softr:Connections:Client-B:DatabaseApiBaseUrl"] = "http://localhost:6000/api/v1/",
            ["Softr:Connections:Client-B:ReadsPerSecond"] = "7",
        });

        var b = connections["client-b"];
        Assert.Equal(("Client-B", "", ""), (b.Name, b.ApiKey, b.Domain));
        Assert.Equal(new Uri("http://localhost:5080/v1/api/"), b.UsersApiBaseUrl);
        Assert.Equal(new Uri("http://localhost:6000/api/v1/"), b.DatabaseApiBaseUrl);
        Assert.Equal((7, 12), (b.ReadsPerSecond, b.WritesPerSecond));
        Assert.Equal(("Softr:Connections:Client-B:ApiKey", "Softr:Connections:Client-B:Domain"), (b.ApiKeySetting, b.DomainSetting));
    }

    [Fact]
    public void ConnectionsDefault_OverridesWhatItSets_AndKeepsTheRest()
    {
        var connections = Resolve(new()
        {
            ["Softr:ApiKey"] = "key-a",
            ["Softr:Domain"] = "a.example.com",
            ["Softr:Connections:default:Domain"] = "new.example.com",
        });

        var only = Assert.Single(connections.Values);
        Assert.Equal(("key-a", "new.example.com", "Softr:ApiKey", "Softr:Connections:default:Domain"), (only.ApiKey, only.Domain, only.ApiKeySetting, only.DomainSetting));
    }

    [Fact]
    public void AConnection_FormatsAsItsName_NeverItsKey()
    {
        var connection = Resolve(new() { ["Softr:Connections:b:ApiKey"] = "pat_secret_token", ["Softr:Connections:b:Domain"] = "b.example.com" })["b"];

        Assert.Equal("b", connection.ToString());
        Assert.Equal("b", $"{connection}");
    }

    /// <summary>The fingerprint names a token in budgets and metrics: one per token, whatever the connection, and never the token.</summary>
    [Fact]
    public void ATokensFingerprint_IsTheSameForEveryConnectionOnIt_AndDiffersBetweenTokens()
    {
        var connections = Resolve(new()
        {
            ["Softr:ApiKey"] = "pat_token_one",
            ["Softr:Domain"] = "a.example.com",
            ["Softr:Connections:b:ApiKey"] = "pat_token_one",
            ["Softr:Connections:b:Domain"] = "b.example.com",
            ["Softr:Connections:c:ApiKey"] = "pat_token_two",
            ["Softr:Connections:c:Domain"] = "c.example.com",
        });

        Assert.Equal(connections["default"].TokenFingerprint, connections["b"].TokenFingerprint);
        Assert.NotEqual(connections["b"].TokenFingerprint, connections["c"].TokenFingerprint);
        Assert.Matches("^[0-9A-F]{16}$", connections["c"].TokenFingerprint);
    }

    [Theory]
    [InlineData("Softr:Connections:b:WritesPerSecond", "20", "Softr:Connections: b, c share a token but not its limits (ReadsPerSecond, WritesPerSecond); Softr counts one budget per token, so give them the same limits.")]
    [InlineData("Softr:Connections:bad name:ApiKey", "k", "Softr:Connections:bad name: a connection's name must be 1-64 letters, digits, '-' or '_' (automations name it in \"Connection\").")]
    [InlineData("Softr:Connections:b:UsersApiBaseUrl", "/relative", "Softr:Connections:b:UsersApiBaseUrl must be an absolute http(s) URL.")]
    [InlineData("Softr:Connections:b:ReadsPerSecond", "0", "Softr:Connections:b:ReadsPerSecond must be between 1 and 100000.")]
    public void AMisconfiguredConnection_StopsTheStart_NamingTheSetting(string setting, string value, string expected)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Softr:Connections:b:ApiKey"] = "shared-token",
            ["Softr:Connections:c:ApiKey"] = "shared-token",
            [setting] = value,
        };

        Assert.Contains(expected, Validate(settings));
    }

    [Fact]
    public void ConnectionsThatShareATokenAndItsLimits_AreFine_AndWithConnections_TheDefaultNeedsNoKey() =>
        Assert.Empty(Validate(new()
        {
            ["Softr:Connections:b:ApiKey"] = "shared-token",
            ["Softr:Connections:b:WritesPerSecond"] = "20",
            ["Softr:Connections:c:ApiKey"] = "shared-token",
            ["Softr:Connections:c:WritesPerSecond"] = "20",
        }));

    [Fact]
    public void WithoutConnections_TheKeyAndDomainAreRequired_AsBefore() =>
        Assert.Equal(
            ["Softr:ApiKey (app setting Softr__ApiKey) is required: the Softr API key.",
             "Softr:Domain (app setting Softr__Domain) is required: the published Softr app's domain, e.g. myapp.softr.app."],
            Validate([]));

    /// <summary>
    /// The budget is the token's, at the limits its connection states: a connection limited to 1 write a second waits for
    /// its second write while another token's connection, and another connection on the first token, behave as Softr counts.
    /// </summary>
    [Fact]
    public async Task TheBudget_IsPerToken_AtItsConnectionsLimits()
    {
        var connections = Resolve(new()
        {
            ["Softr:WritesPerSecond"] = "1000",
            ["Softr:Connections:slow:ApiKey"] = "token-slow",
            ["Softr:Connections:slow:WritesPerSecond"] = "1",
            ["Softr:Connections:slow-too:ApiKey"] = "token-slow",
            ["Softr:Connections:slow-too:WritesPerSecond"] = "1",
            ["Softr:Connections:fast:ApiKey"] = "token-fast",
        });
        var limiter = new SoftrRateLimiter(Options.Create(new SoftrClientOptions { WritesPerSecond = 1000 }), TimeProvider.System);

        using var first = await limiter.AcquireAsync(Write(connections["slow"]), CancellationToken.None);
        var sameToken = limiter.AcquireAsync(Write(connections["slow-too"]), CancellationToken.None);
        var otherToken = Enumerable.Range(0, 5).Select(_ => limiter.AcquireAsync(Write(connections["fast"]), CancellationToken.None)).ToList();

        Assert.True(first.IsAcquired);
        Assert.False(sameToken.IsCompleted, "another connection on the same token did not share its spent budget");
        Assert.All(otherToken, call => Assert.True(call.IsCompleted, "a call on another token waited for the spent one"));
        using var shared = await sameToken;
        Assert.True(shared.IsAcquired);
    }

    /// <summary>
    /// Priority lanes apply within each token's budget: on portal A's spent token a paying customer's call goes before the
    /// import's that waited longer, and portal B's call, on a token of its own, waits for neither.
    /// </summary>
    [Fact]
    public async Task PriorityLanes_OrderTheCallsOfEachToken_AndAnotherTokenWaitsForNone()
    {
        var connections = Resolve(new()
        {
            ["Softr:ApiKey"] = "token-a",
            ["Softr:WritesPerSecond"] = "1",
            ["Softr:Connections:portal_b:ApiKey"] = "token-b",
        });
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var limiter = new SoftrRateLimiter(Options.Create(new SoftrClientOptions { WritesPerSecond = 1 }), time);
        var granted = new List<string>();
        using (var spent = await limiter.AcquireAsync(Write(connections["default"]), CancellationToken.None))
        {
            Assert.True(spent.IsAcquired); // portal A's token has no budget left this second
        }

        var waits = new List<Task>
        {
            Acquire(connections["default"], new CallOrder(CallPriority.Bulk, "import"), "A bulk 1"),
            Acquire(connections["default"], new CallOrder(CallPriority.Bulk, "import"), "A bulk 2"),
        };
        await Task.Delay(50);
        waits.Add(Acquire(connections["default"], new CallOrder(CallPriority.High, "stripe"), "A high"));
        waits.Add(Acquire(connections["portal_b"], new CallOrder(CallPriority.Bulk, "import"), "B bulk"));
        await Task.Delay(50);
        var beforeASecondPassed = granted.ToList();
        for (var second = 0; second < 30 && waits.Any(wait => !wait.IsCompleted); second++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(25);
        }
        await Task.WhenAll(waits);

        Assert.Equal(["B bulk"], beforeASecondPassed);
        Assert.Equal(["B bulk", "A high", "A bulk 1", "A bulk 2"], granted);

        async Task Acquire(SoftrConnection connection, CallOrder order, string name)
        {
            Task<System.Threading.RateLimiting.RateLimitLease> waiting;
            using (CallOrder.Begin(order))
            {
                waiting = limiter.AcquireAsync(Write(connection), CancellationToken.None).AsTask();
            }
            using var lease = await waiting;
            Assert.True(lease.IsAcquired);
            lock (granted)
            {
                granted.Add(name);
            }
        }
    }

    private static HttpRequestMessage Write(SoftrConnection connection)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "x");
        request.Options.Set(SoftrConnection.RequestOption, connection);
        request.Headers.Add(SoftrHeaders.ApiKey, connection.ApiKey);
        return request;
    }

    private static IReadOnlyDictionary<string, SoftrConnection> Resolve(Dictionary<string, string?> settings) =>
        SoftrConnections.Resolve(Bind(settings));

    private static SoftrClientOptions Bind(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection("Softr").Get<SoftrClientOptions>() ?? new SoftrClientOptions();

    private static IReadOnlyList<string> Validate(Dictionary<string, string?> settings) =>
        new SoftrClientOptionsValidator().Validate(null, Bind(settings)) is { Failed: true } failed ? [.. failed.Failures!] : [];
}
