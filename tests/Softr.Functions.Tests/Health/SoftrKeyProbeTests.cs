using System.Net;
using Microsoft.Extensions.Time.Testing;
using Softr.Functions.Health;

namespace Softr.Functions.Tests.Health;

/// <summary>Health asks Softr whether it takes each token, at most once per token every few minutes, and keeps the answer, not the key.</summary>
public sealed class SoftrKeyProbeTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-03T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly Softr _softr = new();

    [Fact]
    public async Task AKeySoftrTakes_IsAccepted_AndAskedAboutOncePerInterval_WhateverTheConnectionsOnIt()
    {
        var probe = new SoftrKeyProbe(_softr, _time);
        var (portalA, alsoPortalA) = (Connection("a", "pat_good"), Connection("a2", "pat_good"));

        var first = await probe.CheckAsync(portalA, default);
        var again = await probe.CheckAsync(alsoPortalA, default);
        _time.Advance(SoftrKeyProbe.Interval);
        var later = await probe.CheckAsync(portalA, default);

        Assert.Equal([SoftrKeyProbe.Accepted, SoftrKeyProbe.Accepted, SoftrKeyProbe.Accepted], new[] { first, again, later });
        Assert.Equal(2, _softr.Asked);
        Assert.Equal("https://tables-api.softr.io/api/v1/databases", _softr.LastUrl);
    }

    [Fact]
    public async Task AKeySoftrRefuses_IsRefused_AndAnotherTokenIsAskedOnItsOwn()
    {
        var probe = new SoftrKeyProbe(_softr, _time);

        var refused = await probe.CheckAsync(Connection("b", "pat_revoked"), default);
        var accepted = await probe.CheckAsync(Connection("a", "pat_good"), default);

        Assert.Equal((SoftrKeyProbe.Refused, SoftrKeyProbe.Accepted), (refused, accepted));
        Assert.Equal(2, _softr.Asked);
    }

    [Fact]
    public async Task ABusyOrSilentSoftr_LeavesTheKeyUnchecked_AndIsAskedAgainAfterAMinute()
    {
        var probe = new SoftrKeyProbe(_softr, _time);
        var connection = Connection("a", "pat_good");
        _softr.Answers = _ => HttpStatusCode.TooManyRequests;

        var busy = await probe.CheckAsync(connection, default);
        _softr.Answers = _ => null;
        var withinTheMinute = await probe.CheckAsync(connection, default);
        _time.Advance(SoftrKeyProbe.RetryInterval);
        var silent = await probe.CheckAsync(connection, default);
        _softr.Answers = _ => HttpStatusCode.OK;
        _time.Advance(SoftrKeyProbe.RetryInterval);
        var answered = await probe.CheckAsync(connection, default);

        Assert.Equal("key not checked (Softr answered 429)", busy);
        Assert.Equal(busy, withinTheMinute);
        Assert.Equal("key not checked (no answer)", silent);
        Assert.Equal(SoftrKeyProbe.Accepted, answered);
        Assert.Equal(3, _softr.Asked);
    }

    /// <summary>Health is anonymous: however many ask at once, and however often within the interval, Softr is asked once.</summary>
    [Fact]
    public async Task ManyProbesAtOnce_ShareOneRead_AndARefusalStandsForTheInterval()
    {
        var probe = new SoftrKeyProbe(_softr, _time);
        var connection = Connection("b", "pat_revoked");
        var release = new TaskCompletionSource();
        _softr.Hold = release.Task;

        var waiting = Enumerable.Range(0, 20).Select(_ => probe.CheckAsync(connection, default)).ToList();
        release.SetResult();
        var verdicts = await Task.WhenAll(waiting);
        _time.Advance(SoftrKeyProbe.Interval - TimeSpan.FromSeconds(1));
        var later = await probe.CheckAsync(connection, default);

        Assert.All(verdicts, verdict => Assert.Equal(SoftrKeyProbe.Refused, verdict));
        Assert.Equal(SoftrKeyProbe.Refused, later);
        Assert.Equal(1, _softr.Asked);
    }

    /// <summary>A caller that gives up stops waiting, and the read goes on for the others.</summary>
    [Fact]
    public async Task ACallerWhoGivesUp_IsToldSo_AndTheReadGoesOnForTheOthers()
    {
        var probe = new SoftrKeyProbe(_softr, _time);
        var connection = Connection("a", "pat_good");
        var release = new TaskCompletionSource();
        _softr.Hold = release.Task;
        using var giveUp = new CancellationTokenSource();

        var impatient = probe.CheckAsync(connection, giveUp.Token);
        var patient = probe.CheckAsync(connection, default);
        await giveUp.CancelAsync();
        var stopped = await Record.ExceptionAsync(() => impatient);
        release.SetResult();

        Assert.IsAssignableFrom<OperationCanceledException>(stopped);
        Assert.Equal(SoftrKeyProbe.Accepted, await patient);
        Assert.Equal(1, _softr.Asked);
    }

    private static SoftrConnection Connection(string name, string key) => new()
    {
        Name = name,
        ApiKey = key,
        Domain = $"{name}.softr.app",
        UsersApiBaseUrl = new Uri("https://studio-api.softr.io/v1/api/"),
        DatabaseApiBaseUrl = new Uri("https://tables-api.softr.io/api/v1/"),
        ReadsPerSecond = 40,
        WritesPerSecond = 30,
        ApiKeySetting = $"Softr:Connections:{name}:ApiKey",
        DomainSetting = $"Softr:Connections:{name}:Domain",
    };

    /// <summary>Softr's Database API as far as the probe sees it: by default <c>pat_good</c> is taken and any other key refused.</summary>
    private sealed class Softr : HttpMessageHandler, IHttpClientFactory
    {
        public int Asked => Volatile.Read(ref _asked);

        public string? LastUrl { get; private set; }

        /// <summary>The answer to a request carrying a key; null: no answer at all (the connection fails).</summary>
        public Func<string?, HttpStatusCode?> Answers { get; set; } = key => key == "pat_good" ? HttpStatusCode.OK : HttpStatusCode.Unauthorized;

        /// <summary>When set, every answer waits for it (a slow Softr).</summary>
        public Task Hold { get; set; } = Task.CompletedTask;

        public HttpClient CreateClient(string name) => new(this, disposeHandler: false);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _asked);
            LastUrl = request.RequestUri!.ToString();
            await Hold;
            var key = request.Headers.TryGetValues(SoftrHeaders.ApiKey, out var values) ? values.Single() : null;
            return Answers(key) is { } status ? new HttpResponseMessage(status) : throw new HttpRequestException("connection refused");
        }

        private int _asked;
    }
}
