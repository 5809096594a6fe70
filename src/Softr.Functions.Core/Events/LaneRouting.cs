using Microsoft.Extensions.Options;
using Softr.Functions.Processing;
using Softr.Functions.Webhooks;
using Softr.Resilience;

namespace Softr.Functions.Events;

/// <summary>
/// Where lanes take effect: the queue the door sends an event to (its lane's, or the lane's overflow while its hook
/// floods, <see cref="FloodMeter"/>), and the place its Softr calls take in line at the budget (its priority, its hook
/// taking turns with the others). <c>Processing:Lanes=false</c> turns both off: one queue, first come first served,
/// as before lanes (the benchmark's baseline).
/// </summary>
public sealed class LaneRouting(IOptions<ProcessingOptions> options, FloodMeter floods)
{
    /// <summary>The envelope as the door sends it (<see cref="EventEnvelope.Queue"/> names its queue); the same instance when nothing changes.</summary>
    public EventEnvelope AtTheDoor(EventEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (!options.Value.Lanes)
        {
            return envelope.Priority == CallPriority.Normal ? envelope : envelope with { Priority = CallPriority.Normal };
        }
        return floods.Overflows(envelope.Hook) ? envelope with { Overflow = true } : envelope;
    }

    /// <summary>Where <paramref name="envelope"/>'s Softr calls wait at the budget.</summary>
    public CallOrder OrderOf(EventEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        return options.Value.Lanes ? new CallOrder(envelope.Priority, envelope.Hook) : CallOrder.Unmarked;
    }
}
