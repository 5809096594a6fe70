using System.Text.Json.Serialization;

namespace Softr.Functions.Events;

/// <summary>Where an event is in its life: accepted -> processing -> succeeded or failed (retrying or, later, dead-lettered).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EventStatus>))]
public enum EventStatus
{
    Accepted,
    Processing,
    Succeeded,
    Failed,
}

/// <summary>An event's status with its history, as <c>GET /api/events/{id}</c> shows it. Never the payload.</summary>
public sealed record EventRecord(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("hook")] string Hook,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("status")] EventStatus Status,
    [property: JsonPropertyName("receivedAt")] DateTimeOffset ReceivedAt,
    [property: JsonPropertyName("updatedAt")] DateTimeOffset UpdatedAt,
    [property: JsonPropertyName("history")] IReadOnlyList<EventHistoryEntry> History);

public sealed record EventHistoryEntry(
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("status")] EventStatus Status,
    [property: JsonPropertyName("detail")] string? Detail);
