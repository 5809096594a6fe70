using Microsoft.Azure.Functions.Worker;
using Softr.Functions.Privacy;

namespace Softr.Functions.App;

/// <summary>
/// Deletes what is past its retention (<see cref="RetentionSweeper"/>), daily at 03:17 UTC, a quiet
/// hour, on one instance (the timer trigger holds a blob lease). The local host runs the same sweep.
/// </summary>
public sealed class RetentionFunction(RetentionSweeper sweeper)
{
    public const string Name = "SweepRetention";

    public const string Schedule = "0 17 3 * * *";

    [Function(Name)]
    public async Task RunAsync([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken) =>
        await sweeper.SweepAsync(cancellationToken);
}
