using System.Text.Json;
using System.Text.Json.Serialization;
using Softr.Resilience;

namespace Softr.Functions.Events;

/// <summary>
/// What travels on the queue for one accepted webhook. Versioned so that a message written by one
/// release can be read by the next while both run during a deployment.
/// </summary>
public sealed record EventEnvelope
{
    public const int CurrentVersion = 2;

    /// <summary>The version written when the payload travels inline; readers of version 1 understand it.</summary>
    public const int InlineVersion = 1;

    [JsonPropertyName("v")]
    public int Version { get; init; } = InlineVersion;

    /// <summary>Our id for the event, returned to the sender and used as the correlation id.</summary>
    [JsonPropertyName("id")]
    public required string EventId { get; init; }

    [JsonPropertyName("hook")]
    public required string Hook { get; init; }

    /// <summary>The sender kind that verified the request, e.g. <c>shared-secret</c>.</summary>
    [JsonPropertyName("sender")]
    public required string Sender { get; init; }

    /// <summary>The sender's own id for the event where it has one (dedupe key); null otherwise.</summary>
    [JsonPropertyName("senderEventId")]
    public string? SenderEventId { get; init; }

    [JsonPropertyName("type")]
    public required string EventType { get; init; }

    [JsonPropertyName("receivedAt")]
    public required DateTimeOffset ReceivedAt { get; init; }

    [JsonPropertyName("correlationId")]
    public required string CorrelationId { get; init; }

    /// <summary>The sender's payload as received (parsed once, at ingestion); undefined while it is in a blob.</summary>
    [JsonPropertyName("payload")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public JsonElement Payload { get; init; }

    /// <summary>
    /// Where the payload is when it was too large for the queue (claim check). Envelopes that carry one
    /// are written as version 2, so a release that does not know claim checks refuses them rather than
    /// processing an empty payload.
    /// </summary>
    [JsonPropertyName("payloadRef")]
    public string? PayloadReference { get; init; }

    /// <summary>
    /// How many attempts at this event failed transiently before this message was sent (processing
    /// re-sends a failed event with a growing delay, and stops at its limit). Absent, so zero, on the
    /// first message; older readers ignore it.
    /// </summary>
    [JsonPropertyName("failures")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Failures { get; init; }

    /// <summary>
    /// How many times the event was put back on the queue without an attempt: no Softr budget came in
    /// time, or another copy of it was running. Counted so that waiting cannot go on for ever unseen.
    /// </summary>
    [JsonPropertyName("deferrals")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Deferrals { get; init; }

    /// <summary>When the first of those deferrals was; past <c>Processing:MaxDeferral</c> the event is dead-lettered with cause <c>no-budget</c>.</summary>
    [JsonPropertyName("deferredSince")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? DeferredSince { get; init; }

    /// <summary>
    /// The event's priority, which names its lane (<see cref="EventLane"/>): the highest of its hook's and its matched
    /// automations', decided at the door and kept by every retry, deferral and replay. Absent when normal, so that
    /// envelopes from before lanes read as normal and older readers see nothing new.
    /// </summary>
    [JsonPropertyName("priority")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    [JsonConverter(typeof(PriorityJsonConverter))]
    public CallPriority Priority { get; init; }

    /// <summary>
    /// Whether the door sent the event to its lane's overflow queue (its hook was flooding the lane,
    /// <see cref="Webhooks.FloodMeter"/>). Kept, so that a flood's retries and deferrals stay out of the queue that
    /// other hooks' trickles use. Absent when false.
    /// </summary>
    [JsonPropertyName("overflow")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Overflow { get; init; }

    /// <summary>The lane the event travels in.</summary>
    [JsonIgnore]
    public EventLane Lane => EventLane.Of(Priority);

    /// <summary>The queue the event travels in: its lane's, or the lane's overflow.</summary>
    [JsonIgnore]
    public string Queue => Overflow ? Lane.OverflowQueue : Lane.Queue;

    /// <summary>The W3C trace context of the request that accepted the event, so that processing continues its trace.</summary>
    [JsonPropertyName("traceparent")]
    public string? TraceParent { get; init; }
}
