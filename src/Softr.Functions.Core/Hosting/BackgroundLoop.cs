using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Softr.Functions.Hosting;

/// <summary>
/// A background service that does one piece of work on an interval and never takes the host down: since
/// .NET 6 a <see cref="BackgroundService"/> that throws stops the whole host, and storage clients throw more
/// than <c>RequestFailedException</c> (after their retries, an <see cref="AggregateException"/> of timeouts).
/// Whatever a round throws is logged, the loop waits its interval (longer while rounds keep failing) and goes
/// on; only the host's own stop ends it.
/// </summary>
public abstract partial class BackgroundLoop(TimeProvider time, ILogger logger) : BackgroundService
{
    /// <summary>The longest wait after failed rounds in a row (the interval doubles per failure, up to this).</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(5);

    /// <summary>The clock the loop waits on, for its rounds to read too.</summary>
    protected TimeProvider Time { get; } = time;

    /// <summary>What the loop is, for its log lines.</summary>
    protected abstract string Name { get; }

    /// <summary>The wait between rounds.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>The wait before the first round.</summary>
    protected virtual TimeSpan FirstDelay => TimeSpan.Zero;

    /// <summary>One round of work.</summary>
    protected abstract Task RunOnceAsync(CancellationToken stoppingToken);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        var wait = FirstDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(wait, Time, stoppingToken).ConfigureAwait(false);
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
                if (failures > 0)
                {
                    LogRecovered(Name, failures);
                }
                failures = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                failures++;
                LogRoundFailed(exception, Name, failures);
            }
            wait = failures == 0 ? Interval : Backoff(failures);
        }
    }

    private TimeSpan Backoff(int failures) =>
        TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, Math.Max(Interval.Ticks, TimeSpan.FromSeconds(1).Ticks) * (1L << Math.Min(failures - 1, 16))));

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Loop} failed ({Failures} in a row); it waits and goes on")]
    private partial void LogRoundFailed(Exception exception, string loop, int failures);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Loop} works again after {Failures} failed rounds")]
    private partial void LogRecovered(string loop, int failures);
}
