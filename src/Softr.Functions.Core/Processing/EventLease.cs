using Azure;

namespace Softr.Functions.Processing;

/// <summary>
/// One attempt's hold on an event: the summary row's ETag as this attempt last wrote it. Every write
/// that depends on still holding the event (a renewal, a step's started mark, the final status) is
/// conditional on it, so an attempt that lost the event to another copy finds out before it acts.
/// </summary>
/// <param name="holder">This attempt's name in the lease column: its queue message id and a nonce of its own.</param>
public sealed class EventLease(string eventId, string holder, ETag etag, DateTimeOffset renewedAt)
{
    public string EventId { get; } = eventId;

    public string Holder { get; } = holder;

    /// <summary>The summary's ETag after this attempt's last write to it.</summary>
    public ETag ETag { get; internal set; } = etag;

    /// <summary>When the lease was last extended: a long step renews it as its calls go out once it is some seconds old.</summary>
    public DateTimeOffset RenewedAt { get; internal set; } = renewedAt;

    /// <summary>A holder name for an attempt at <paramref name="messageId"/>: unique, so two runs of one message tell each other apart.</summary>
    public static string NewHolder(string messageId) => $"{messageId}/{Guid.NewGuid():N}";

    /// <summary>
    /// Whether <paramref name="holder"/> is an attempt at the queue message <paramref name="messageId"/>:
    /// the same message delivered again (its process died) takes over at once, without waiting out the lease.
    /// </summary>
    public static bool IsSameMessage(string holder, string messageId)
    {
        ArgumentNullException.ThrowIfNull(holder);
        // The nonce is ours and has no '/'; a holder written before nonces were added is the message id alone.
        var end = holder.LastIndexOf('/');
        return (end < 0 ? holder : holder[..end]) == messageId;
    }
}

/// <summary>Another copy of the event took it over while this attempt ran (its lease lapsed, or its message was delivered again): this attempt stops and writes nothing more.</summary>
public sealed class LeaseLostException(string eventId) : Exception($"Event {eventId}: another attempt holds it now; this attempt stopped.")
{
    public string EventId { get; } = eventId;
}
