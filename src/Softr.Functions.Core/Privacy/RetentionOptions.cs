namespace Softr.Functions.Privacy;

/// <summary>How long each kind of data is kept (section <c>Retention</c>); a daily sweep deletes what is older.</summary>
public sealed class RetentionOptions
{
    public const string SectionName = "Retention";

    /// <summary>
    /// The dedupe window: a sender's redelivery is recognised by the event's row, so rows are kept at
    /// least as long as the longest sender retries (Stripe: three days).
    /// </summary>
    public static readonly TimeSpan DedupeHorizon = TimeSpan.FromHours(72);

    /// <summary>An event's status, history and step results, counted from its last change; only finished events (succeeded or dead-lettered) go.</summary>
    public TimeSpan Events { get; set; } = TimeSpan.FromDays(30);

    /// <summary>A dead letter, with its payload, counted from when it was dead-lettered.</summary>
    public TimeSpan DeadLetters { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Payload blobs (claim checks for large payloads), counted from their last change (a dead letter touches
    /// its event's blob, so it is kept as long as the letter); at least as long as dead letters, which replay from them.
    /// </summary>
    public TimeSpan Payloads { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// What an erasure leaves (each erased event's tombstone, and the person's erased marker), counted from the
    /// erasure: as long as a copy of an erased event could still arrive (a sender retrying for days, a retry or a
    /// deferral waiting on the queue, a replay), so that it is dropped rather than bringing the person back.
    /// </summary>
    public TimeSpan Tombstones { get; set; } = TimeSpan.FromDays(30);
}
