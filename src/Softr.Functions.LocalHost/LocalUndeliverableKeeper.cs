using Softr.Functions.App;
using Softr.Functions.Hosting;
using Softr.Functions.Processing;

namespace Softr.Functions.LocalHost;

/// <summary>The function app's <see cref="KeepUndeliverableFunction"/> timer, as the local host runs it: every five minutes.</summary>
public sealed class LocalUndeliverableKeeper(UndeliverableKeeper keeper, TimeProvider time, ILogger<LocalUndeliverableKeeper> logger) : BackgroundLoop(time, logger)
{
    protected override string Name => KeepUndeliverableFunction.Name;

    protected override TimeSpan Interval => TimeSpan.FromMinutes(5);

    protected override TimeSpan FirstDelay => TimeSpan.FromSeconds(30);

    protected override Task RunOnceAsync(CancellationToken stoppingToken) => keeper.KeepAsync(stoppingToken);
}
