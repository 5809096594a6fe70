using Softr.Functions.App;
using Softr.Functions.Privacy;

namespace Softr.Functions.LocalHost;

/// <summary>
/// The function app's retention timer (<see cref="RetentionFunction"/>), as the local host runs it: a
/// minute after start, then every <c>LocalHost:RetentionInterval</c> (six hours by default), so that a
/// machine that is not on at 03:17 still sweeps. The local host runs one instance, so there is no lease.
/// </summary>
public sealed partial class LocalRetentionService(RetentionSweeper sweeper, IConfiguration configuration, TimeProvider time, ILogger<LocalRetentionService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = configuration.GetValue("LocalHost:RetentionInterval", TimeSpan.FromHours(6));
        try
        {
            await Task.Delay(TimeSpan.FromMinutes(1), time, stoppingToken).ConfigureAwait(false);
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await sweeper.SweepAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogSweepFailed(exception, RetentionFunction.Name);
                }
                await Task.Delay(interval, time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Function} failed; it runs again at the next interval")]
    private partial void LogSweepFailed(Exception exception, string function);
}
