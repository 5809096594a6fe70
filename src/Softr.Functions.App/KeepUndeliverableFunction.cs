using Microsoft.Azure.Functions.Worker;
using Softr.Functions.Processing;

namespace Softr.Functions.App;

/// <summary>
/// Every five minutes, makes the messages the runtime left in <c>events-poison-poison</c> (with its default
/// seven-day expiry) never expire (<see cref="UndeliverableKeeper"/>). The local host runs the same work.
/// </summary>
public sealed class KeepUndeliverableFunction(UndeliverableKeeper keeper)
{
    public const string Name = "KeepUndeliverable";

    public const string Schedule = "0 */5 * * * *";

    [Function(Name)]
    public async Task RunAsync([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken) =>
        await keeper.KeepAsync(cancellationToken);
}
