using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Softr.Functions.Operations;

/// <summary>
/// Writes this process's changed activity minutes (<see cref="ActivityTally"/>) to the
/// <see cref="ActivityStore"/> every few seconds (<see cref="FlushIntervalSetting"/>), and once more on the way out; a
/// failed write is tried again with the next batch. Off every request's path: the door and processing
/// only bump counters in memory. A process that is killed loses at most one interval's counts, and the
/// overview says its counts are approximate.
/// </summary>
public sealed partial class ActivityFlusher(ActivityTally tally, ActivityStore store, IConfiguration configuration, TimeProvider time, ILogger<ActivityFlusher> logger)
    : Hosting.BackgroundLoop(time, logger)
{
    /// <summary>The setting for how often counts are written (a TimeSpan; 10 s by default): the overview is at most this much behind.</summary>
    public const string FlushIntervalSetting = "Console:ActivityFlushInterval";

    private readonly TimeSpan _interval = configuration.GetValue(FlushIntervalSetting, TimeSpan.FromSeconds(10)) is var interval && interval > TimeSpan.Zero
        ? interval : TimeSpan.FromSeconds(10);

    /// <summary>This process's name in its rows: unique per process run, so no two processes write one row.</summary>
    public static string Process { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}"
        .Replace('/', '-').Replace('\\', '-').Replace('#', '-').Replace('?', '-');

    protected override string Name => "Activity counts";

    protected override TimeSpan Interval => _interval;

    protected override TimeSpan FirstDelay => _interval;

    protected override Task RunOnceAsync(CancellationToken stoppingToken) => FlushAsync(stoppingToken);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes what changed since the last flush.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var changed = tally.TakeChanged();
        if (changed.Count == 0)
        {
            return;
        }
        try
        {
            await store.WriteAsync(Process, changed, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Whatever storage threw (an error answer, no connection): counts are not worth stopping the host for.
            tally.Return(changed);
            LogFlushFailed(exception.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write the console's activity counts ({Error}); they are tried again with the next batch")]
    private partial void LogFlushFailed(string error);
}
