using Softr.Functions.Storage;
using Softr.Resilience;

namespace Softr.Functions.Events;

/// <summary>
/// One priority's way through the app. An event's priority (its hook's, or a matched automation's if higher) picks
/// its lane at the door; inside the lane, a hook sending faster than a trickle goes to the lane's overflow queue
/// (<see cref="Webhooks.FloodMeter"/>), so that its flood does not sit in front of other hooks' events. Each of the
/// two queues has its own trigger, poison queue and last resort behind that. Retries, deferrals and replays go back
/// to the queue the event was sent to (<see cref="EventEnvelope.Queue"/>), and at the Softr budget its calls wait in
/// the lane's priority, hooks taking turns (<see cref="PriorityTurns"/>).
/// </summary>
/// <param name="Priority">The priority the lane carries.</param>
/// <param name="Name">As configured and shown: <c>high</c>, <c>normal</c>, <c>bulk</c>.</param>
/// <param name="Queue">The lane's queue.</param>
/// <param name="OverflowQueue">The lane's queue for hooks that flood it.</param>
public sealed record EventLane(CallPriority Priority, string Name, string Queue, string OverflowQueue)
{
    public static EventLane High { get; } = new(CallPriority.High, "high", QueueNames.HighEvents, QueueNames.HighEventsOverflow);

    public static EventLane Normal { get; } = new(CallPriority.Normal, "normal", QueueNames.Events, QueueNames.EventsOverflow);

    public static EventLane Bulk { get; } = new(CallPriority.Bulk, "bulk", QueueNames.BulkEvents, QueueNames.BulkEventsOverflow);

    /// <summary>Every lane, highest priority first.</summary>
    public static IReadOnlyList<EventLane> All { get; } = [High, Normal, Bulk];

    /// <summary>The lane's two queues, each read by a trigger of its own.</summary>
    public IReadOnlyList<string> TriggerQueues => [Queue, OverflowQueue];

    /// <summary>Where the queue listener moves an event of <paramref name="queue"/> after <c>maxDequeueCount</c> failed attempts.</summary>
    public static string PoisonOf(string queue) => queue + "-poison";

    /// <summary>
    /// Where the runtime moves a poison message of <paramref name="queue"/> whose handling failed too; kept for ever
    /// (<see cref="Processing.UndeliverableKeeper"/>).
    /// </summary>
    public static string UndeliverableOf(string queue) => PoisonOf(PoisonOf(queue));

    /// <summary>The lane's poison queues, which triggers read too.</summary>
    public IEnumerable<string> PoisonQueues => TriggerQueues.Select(PoisonOf);

    /// <summary>The lane's last-resort queues, which nothing reads.</summary>
    public IEnumerable<string> UndeliverableQueues => TriggerQueues.Select(UndeliverableOf);

    /// <summary>Every queue of the lane.</summary>
    public IEnumerable<string> Queues => TriggerQueues.Concat(PoisonQueues).Concat(UndeliverableQueues);

    /// <summary>Every queue of every lane.</summary>
    public static IEnumerable<string> AllQueues => All.SelectMany(lane => lane.Queues);

    /// <summary>The lane of <paramref name="priority"/>.</summary>
    public static EventLane Of(CallPriority priority) => All.FirstOrDefault(lane => lane.Priority == priority) ?? Normal;

    /// <summary>The priority named <paramref name="name"/> (<c>high</c>, <c>normal</c>, <c>bulk</c>, any case); null for anything else.</summary>
    public static CallPriority? Parse(string? name) =>
        All.FirstOrDefault(lane => string.Equals(lane.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase))?.Priority;

    /// <summary>The names a configuration may use, for messages.</summary>
    public static string Names => string.Join(", ", All.Select(lane => lane.Name));

    public override string ToString() => Name;
}
