using System.Text.Json.Serialization;

namespace Softr.Functions.Events;

/// <summary>
/// Where an event is in its life: accepted -> processing -> succeeded, or failed (an attempt failed
/// and a retry is scheduled) -> processing ... -> dead-lettered (given up, with a cause; replayable).
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<EventStatus>))]
public enum EventStatus
{
    Accepted,
    Processing,
    Succeeded,
    Failed,

    /// <summary>Put back on the queue without counting an attempt: no Softr budget came in time, or another copy of the message held the event.</summary>
    Deferred,

    DeadLettered,

    /// <summary>
    /// The person whose data it held was erased: what is left is a tombstone (the id, the hook, the type,
    /// a keyed hash of the person), kept while a copy of the event could still arrive, so that a late copy
    /// is dropped before any Softr call instead of bringing the person back.
    /// </summary>
    Erased,
}

/// <summary>An event's status with its history, as <c>GET /api/events/{id}</c> shows it. Never the payload.</summary>
public sealed record EventRecord(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("hook")] string Hook,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("status")] EventStatus Status,
    [property: JsonPropertyName("receivedAt")] DateTimeOffset ReceivedAt,
    [property: JsonPropertyName("updatedAt")] DateTimeOffset UpdatedAt,
    [property: JsonPropertyName("history")] IReadOnlyList<EventHistoryEntry> History)
{
    /// <summary>Why it was dead-lettered (a <c>FailureCauses</c> code); null otherwise.</summary>
    [JsonPropertyName("cause")]
    public string? Cause { get; init; }

    /// <summary>
    /// Each step processing ran, with its results: a magic link made for the event is here for the
    /// caller to fetch (this endpoint needs a key), and nowhere in the logs.
    /// </summary>
    [JsonPropertyName("steps")]
    public IReadOnlyList<Processing.StepRecord> Steps { get; init; } = [];
}

public sealed record EventHistoryEntry(
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("status")] EventStatus Status,
    [property: JsonPropertyName("detail")] string? Detail);
