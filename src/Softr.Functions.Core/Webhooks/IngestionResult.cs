using Microsoft.AspNetCore.Mvc;

namespace Softr.Functions.Webhooks;

/// <summary>What became of one webhook delivery.</summary>
public abstract record IngestionResult
{
    private IngestionResult()
    {
    }

    /// <summary>The event is durably queued under <paramref name="EventId"/>.</summary>
    public sealed record Accepted(string EventId) : IngestionResult;

    /// <summary>This sender event was received and queued before, as <paramref name="EventId"/>; nothing was queued now.</summary>
    public sealed record Duplicate(string EventId) : IngestionResult;

    /// <summary>Authentic, but of a type the hook does not handle; nothing was queued.</summary>
    public sealed record Ignored(string EventType) : IngestionResult;

    /// <summary>Nothing was queued; <paramref name="Problem"/> is the RFC 9457 answer for the sender.</summary>
    public sealed record Rejected(ProblemDetails Problem) : IngestionResult;
}
