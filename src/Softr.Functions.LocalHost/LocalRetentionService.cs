using Softr.Functions.App;
using Softr.Functions.Hosting;
using Softr.Functions.Privacy;

namespace Softr.Functions.LocalHost;

/// <summary>
/// The function app's retention timer (<see cref="RetentionFunction"/>), as the local host runs it: a
/// minute after start, then every <c>LocalHost:RetentionInterval</c> (six hours by default), so that a
/// machine that is not on at 03:17 still sweeps. The local host runs one instance, so there is no lease.
/// A sweep that fails (storage down) is logged and the loop goes on (<see cref="BackgroundLoop"/>).
/// </summary>
public sealed class LocalRetentionService(RetentionSweeper sweeper, IConfiguration configuration, TimeProvider time, ILogger<LocalRetentionService> logger)
    : BackgroundLoop(time, logger)
{
    protected override string Name => RetentionFunction.Name;

    protected override TimeSpan Interval { get; } = configuration.GetValue("LocalHost:RetentionInterval", TimeSpan.FromHours(6));

    protected override TimeSpan FirstDelay => TimeSpan.FromMinutes(1);

    protected override Task RunOnceAsync(CancellationToken stoppingToken) => sweeper.SweepAsync(stoppingToken);
}
