using Softr.Functions.Storage;
using Softr.Resilience;

namespace Softr.Functions.Events;

/// <summary>
/// One priority's way through the app: its queue, that queue's poison queue and the runtime's last resort behind
/// it, each with its own trigger. An event's priority (its hook's, or a matched automation's if higher) picks its
/// lane at the door; retries, deferrals and replays send it back to the same lane, and at the Softr budget its calls
/// wait in that priority's line (<see cref="PriorityTurns"/>). Lanes keep a paying customer's event from queueing
/// behind an import: each queue is read by its own trigger, so a high event is taken at once, and the budget lets
/// its calls go first.
/// </summary>
/// <param name="Priority">The priority the lane carries.</param>
/// <param name="Name">As configured and shown: <c>high</c>, <c>normal</c>, <c>bulk</c>.</param>
/// <param name="Queue">The lane's queue.</param>
/// <param name="OldestAgeAlert">The age of the lane's oldest waiting event past which the <c>lane-late</c> alert fires.</param>
public sealed record EventLane(CallPriority Priority, string Name, string Queue, TimeSpan OldestAgeAlert)
{
    public static EventLane High { get; } = new(CallPriority.High, "high", QueueNames.HighEvents, TimeSpan.FromMinutes(1));

    public static EventLane Normal { get; } = new(CallPriority.Normal, "normal", QueueNames.Events, TimeSpan.FromMinutes(15));

    public static EventLane Bulk { get; } = new(CallPriority.Bulk, "bulk", QueueNames.BulkEvents, TimeSpan.FromHours(6));

    /// <summary>Every lane, highest priority first.</summary>
    public static IReadOnlyList<EventLane> All { get; } = [High, Normal, Bulk];

    /// <summary>Where the queue listener moves an event after <c>maxDequeueCount</c> failed attempts.</summary>
    public string PoisonQueue => Queue + "-poison";

    /// <summary>Where the runtime moves a poison message whose handling failed too; kept for ever (<see cref="Processing.UndeliverableKeeper"/>).</summary>
    public string UndeliverableQueue => PoisonQueue + "-poison";

    /// <summary>The lane's three queues.</summary>
    public IEnumerable<string> Queues => [Queue, PoisonQueue, UndeliverableQueue];

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
