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

    /// <summary>Nothing was queued; <paramref name="Problem"/> is the RFC 9457 answer for the sender.</summary>
    public sealed record Rejected(ProblemDetails Problem) : IngestionResult;
}
