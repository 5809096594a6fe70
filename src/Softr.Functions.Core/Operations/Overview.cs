using System.Text.Json.Serialization;
using Softr.Functions.Processing;

namespace Softr.Functions.Operations;

/// <summary>
/// The console's first screen, <c>GET /api/manage/overview</c>: what every hook did over the window,
/// events per minute by outcome, the queues now, Softr's 429 share and the budget's waits, and the dead
/// letters by cause. Counts come from every process's activity rows, written every few seconds, so they
/// run that far behind and lose what a killed process had not written yet (<see cref="ActivityFlusher"/>).
/// </summary>
public sealed record Overview(
    [property: JsonPropertyName("from")] DateTimeOffset From,
    [property: JsonPropertyName("to")] DateTimeOffset To,
    [property: JsonPropertyName("hooks")] IReadOnlyList<HookActivity> Hooks,
    [property: JsonPropertyName("perMinute")] MinuteSeries PerMinute,
    [property: JsonPropertyName("queues")] IReadOnlyList<QueueSnapshot> Queues,
    [property: JsonPropertyName("lanes")] IReadOnlyList<LaneSnapshot> Lanes,
    [property: JsonPropertyName("softr")] SoftrActivity Softr,
    [property: JsonPropertyName("deadLetters")] IReadOnlyList<DeadLetterCause> DeadLetters);

/// <summary>
/// One hook over the window: deliveries at the door (received = accepted + ignored + refused), and
/// processing's outcomes. Duplicates are redeliveries, accepted at the door under the original id and
/// found done by processing (D28).
/// </summary>
public sealed record HookActivity(
    [property: JsonPropertyName("hook")] string Hook,
    [property: JsonPropertyName("received")] long Received,
    [property: JsonPropertyName("accepted")] long Accepted,
    [property: JsonPropertyName("duplicates")] long Duplicates,
    [property: JsonPropertyName("ignored")] long Ignored,
    [property: JsonPropertyName("refused")] IReadOnlyDictionary<string, long> Refused,
    [property: JsonPropertyName("succeeded")] long Succeeded,
    [property: JsonPropertyName("retried")] long Retried,
    [property: JsonPropertyName("deferred")] long Deferred,
    [property: JsonPropertyName("deadLettered")] long DeadLettered);

/// <summary>Events per minute by outcome, over the whole window (a zero where nothing happened): <c>minutes[i]</c> goes with each series' <c>[i]</c>.</summary>
public sealed record MinuteSeries(
    [property: JsonPropertyName("minutes")] IReadOnlyList<DateTimeOffset> Minutes,
    [property: JsonPropertyName("series")] IReadOnlyDictionary<string, IReadOnlyList<long>> Series);

/// <summary>Softr calls over the window (each try), how many were answered 429, and how often and how long calls waited for the shared budget.</summary>
public sealed record SoftrActivity(
    [property: JsonPropertyName("calls")] long Calls,
    [property: JsonPropertyName("throttled")] long Throttled,
    [property: JsonPropertyName("throttledShare")] double ThrottledShare,
    [property: JsonPropertyName("budgetWaits")] long BudgetWaits,
    [property: JsonPropertyName("budgetWaitSeconds")] double BudgetWaitSeconds)
{
    /// <summary>The same for each Softr connection (app), in the order of <see cref="SoftrConnections.All"/>.</summary>
    [JsonPropertyName("connections")]
    public IReadOnlyList<ConnectionActivity> Connections { get; init; } = [];
}
