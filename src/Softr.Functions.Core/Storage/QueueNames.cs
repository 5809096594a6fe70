namespace Softr.Functions.Storage;

/// <summary>
/// The storage queues the app uses, named once: the function attributes, the local host, the Bicep
/// and the tests all read these constants. Names stay at or under 56 characters so that the
/// <c>-poison</c> queue the runtime derives still fits the 63-character limit.
/// </summary>
public static class QueueNames
{
    /// <summary>Accepted webhook events waiting to be turned into Softr calls.</summary>
    public const string Events = "events";

    /// <summary>Where the queue listener moves an event after <c>maxDequeueCount</c> failed attempts.</summary>
    public const string EventsPoison = Events + "-poison";

    /// <summary>
    /// Where the runtime moves a poison message whose handling failed too (storage down for the whole
    /// of its retries). Nothing consumes it on purpose: its messages stay, the queue-depth gauge shows
    /// them, and an alert fires (runbook: "Poison that could not be dead-lettered").
    /// </summary>
    public const string EventsPoisonPoison = EventsPoison + "-poison";

    /// <summary>The queues a queue-triggered function listens on; a hook may only send to one of these.</summary>
    public static IReadOnlySet<string> Listened { get; } = new HashSet<string>(StringComparer.Ordinal) { Events };
}
