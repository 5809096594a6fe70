namespace Softr.Functions.Storage;

/// <summary>
/// The storage queues the app uses, named once: the function attributes, the local host, the Bicep
/// and the tests all read these constants. Names stay at or under 56 characters so that the
/// <c>-poison</c> queue the runtime derives still fits the 63-character limit.
/// </summary>
public static class QueueNames
{
    /// <summary>Accepted webhook events of normal priority waiting to be turned into Softr calls (the name from before lanes, kept).</summary>
    public const string Events = "events";

    /// <summary>Where the queue listener moves an event after <c>maxDequeueCount</c> failed attempts.</summary>
    public const string EventsPoison = Events + "-poison";

    /// <summary>The normal lane's overflow: events of a hook that floods the lane (see <see cref="Webhooks.FloodMeter"/>).</summary>
    public const string EventsOverflow = Events + "-overflow";

    /// <summary>The poison queue of <see cref="EventsOverflow"/>.</summary>
    public const string EventsOverflowPoison = EventsOverflow + "-poison";

    /// <summary>Accepted events of high priority (a paying customer's onboarding): see <see cref="Events.EventLane"/>.</summary>
    public const string HighEvents = "events-high";

    /// <summary>The poison queue of <see cref="HighEvents"/>.</summary>
    public const string HighEventsPoison = HighEvents + "-poison";

    /// <summary>The high lane's overflow.</summary>
    public const string HighEventsOverflow = HighEvents + "-overflow";

    /// <summary>The poison queue of <see cref="HighEventsOverflow"/>.</summary>
    public const string HighEventsOverflowPoison = HighEventsOverflow + "-poison";

    /// <summary>Accepted events of bulk priority (imports and syncs).</summary>
    public const string BulkEvents = "events-bulk";

    /// <summary>The poison queue of <see cref="BulkEvents"/>.</summary>
    public const string BulkEventsPoison = BulkEvents + "-poison";

    /// <summary>The bulk lane's overflow.</summary>
    public const string BulkEventsOverflow = BulkEvents + "-overflow";

    /// <summary>The poison queue of <see cref="BulkEventsOverflow"/>.</summary>
    public const string BulkEventsOverflowPoison = BulkEventsOverflow + "-poison";

    /// <summary>
    /// Where the runtime moves a poison message whose handling failed too (storage down for the whole
    /// of its retries). Nothing consumes it on purpose: its messages stay, the queue-depth gauge shows
    /// them, and an alert fires (runbook: "Poison that could not be dead-lettered"). Each lane has one
    /// (<see cref="Events.EventLane.UndeliverableQueues"/>).
    /// </summary>
    public const string EventsPoisonPoison = EventsPoison + "-poison";

}
