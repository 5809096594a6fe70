using System.Text.Json.Serialization;
using Softr.Functions.Events;
using Softr.Resilience;

namespace Softr.Functions.Operations;

/// <summary>
/// One lane as the console shows it: what waits in its queues (the overflow too), how long the oldest has waited, the
/// share of Softr's write budget it gets now, and how long its backlog would take to drain at that pace, one write per
/// event. The budget serves lanes in order (high, then normal), with bulk keeping a tenth while it waits: so a lane
/// drains after the lanes above it, and bulk drains at its tenth until they are done, then at the whole budget.
/// </summary>
public sealed record LaneSnapshot(
    [property: JsonPropertyName("lane")] string Lane,
    [property: JsonPropertyName("depth")] int Depth,
    [property: JsonPropertyName("oldestAgeSeconds")] double OldestAgeSeconds,
    [property: JsonPropertyName("sharePerSecond")] double SharePerSecond,
    [property: JsonPropertyName("drainSeconds")] double DrainSeconds)
{
    /// <summary>The share bulk keeps while the other lanes have calls waiting (one turn in <see cref="PriorityTurns.BulkFloorEvery"/>).</summary>
    public const double BulkFloor = 1.0 / PriorityTurns.BulkFloorEvery;

    /// <summary>Each lane, highest first, from the snapshots of its queues and the write budget (<paramref name="writesPerSecond"/>).</summary>
    public static IReadOnlyList<LaneSnapshot> Of(IReadOnlyList<QueueSnapshot> queues, int writesPerSecond)
    {
        ArgumentNullException.ThrowIfNull(queues);
        var limit = (double)Math.Max(1, writesPerSecond);
        var lanes = EventLane.All.Select(lane =>
        {
            var mine = queues.Where(queue => lane.TriggerQueues.Contains(queue.Queue)).ToList();
            return (Lane: lane, Depth: mine.Sum(queue => queue.Depth), Oldest: mine.Select(queue => queue.OldestAgeSeconds).DefaultIfEmpty().Max());
        }).ToList();
        var bulk = lanes.Single(lane => lane.Lane == EventLane.Bulk);
        // High and normal share what bulk leaves while it waits; each waits for the lanes above it.
        var above = bulk.Depth > 0 ? limit * (1 - BulkFloor) : limit;
        var ahead = 0;
        var snapshots = new List<LaneSnapshot>();
        foreach (var (lane, depth, oldest) in lanes.Where(lane => lane.Lane != EventLane.Bulk))
        {
            snapshots.Add(new LaneSnapshot(lane.Name, depth, oldest, ahead > 0 ? 0 : above, (ahead + depth) / above));
            ahead += depth;
        }
        // Bulk: its tenth while the others drain, then the whole budget.
        var othersDone = ahead / above;
        var floor = ahead > 0 ? limit * BulkFloor : limit;
        var drain = bulk.Depth <= floor * othersDone ? bulk.Depth / floor : othersDone + ((bulk.Depth - (floor * othersDone)) / limit);
        snapshots.Add(new LaneSnapshot(EventLane.Bulk.Name, bulk.Depth, bulk.Oldest, floor, drain));
        return snapshots;
    }
}
