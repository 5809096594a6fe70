using Microsoft.AspNetCore.Mvc;

namespace Softr.Functions.Webhooks;

/// <summary>What became of one webhook delivery.</summary>
public abstract record IngestionResult
{
    private IngestionResult()
    {
    }

    /// <summary>
    /// The event is durably queued under <paramref name="EventId"/>. A redelivery of the same sender
    /// event gets the same id, and its copy is found done by processing.
    /// </summary>
    public sealed record Accepted(string EventId) : IngestionResult
    {
        /// <summary>
        /// For a delivery deduplicated on its key or its bytes (senders without event ids): true when it
        /// repeats one seen within the hook's window, whose id <see cref="EventId"/> is. It is queued again
        /// under that id, and processing does the event once.
        /// </summary>
        public bool Duplicate { get; init; }
    }

    /// <summary>Authentic, but of a type the hook does not handle; nothing was queued.</summary>
    public sealed record Ignored(string EventType) : IngestionResult;

    /// <summary>A delivery that carried several events (a HubSpot batch): what became of each, in order.</summary>
    public sealed record Batch(IReadOnlyList<IngestionResult> Events) : IngestionResult;

    /// <summary>Nothing was queued; <paramref name="Problem"/> is the RFC 9457 answer for the sender.</summary>
    public sealed record Rejected(ProblemDetails Problem) : IngestionResult;
}
