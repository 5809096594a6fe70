using Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Softr.Functions.Hosting;

namespace Softr.Functions.Tests.Hosting;

/// <summary>
/// Issue #23, item 4.1: a background loop never takes the host down. Whatever a round throws (the storage SDK's
/// AggregateException after its retries stopped the host before), the loop logs it, waits longer, and goes on; once a
/// round works again it says so and keeps its interval.
/// </summary>
public sealed class BackgroundLoopTests
{
    [Fact]
    public async Task ALoopWhoseRoundsThrowAnything_LogsWaitsAndGoesOn_UntilTheyWorkAgain()
    {
        var time = new FakeTimeProvider();
        var logger = new ListLogger<FlakyLoop>();
        Exception[] failures =
        [
            new AggregateException("Retry failed after 4 tries.", new TaskCanceledException("The operation was cancelled because it exceeded the configured timeout.")),
            new RequestFailedException(503, "The server is busy."),
            new InvalidOperationException("a defect"),
            new NullReferenceException(),
        ];
        using var loop = new FlakyLoop(failures, time, logger);

        await loop.StartAsync(CancellationToken.None);
        for (var tick = 0; tick < 2_000 && loop.Rounds < failures.Length + 3; tick++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(1);
        }
        var running = loop.ExecuteTask!;
        await loop.StopAsync(CancellationToken.None);

        Assert.True(loop.Rounds >= failures.Length + 3, $"the loop stopped after {loop.Rounds} rounds");
        Assert.False(running.IsFaulted, running.Exception?.ToString());
        Assert.Equal(failures.Length, logger.Entries.Count(entry => entry.Level == LogLevel.Warning));
        Assert.Equal(failures.Select(failure => failure.GetType()), logger.Entries.Where(entry => entry.Level == LogLevel.Warning).Select(entry => entry.Exception!.GetType()));
        Assert.Single(logger.Entries, entry => entry.Level == LogLevel.Information && entry.Message.Contains("works again after 4 failed rounds", StringComparison.Ordinal));
    }

    /// <summary>Throws the given failures one round after another, then works.</summary>
    private sealed class FlakyLoop(IReadOnlyList<Exception> failures, TimeProvider time, ILogger logger) : BackgroundLoop(time, logger)
    {
        private int _rounds;

        public int Rounds => Volatile.Read(ref _rounds);

        protected override string Name => "the flaky loop";

        protected override TimeSpan Interval => TimeSpan.FromSeconds(1);

        protected override Task RunOnceAsync(CancellationToken stoppingToken)
        {
            var round = Interlocked.Increment(ref _rounds);
            return round <= failures.Count ? throw failures[round - 1] : Task.CompletedTask;
        }
    }
}
