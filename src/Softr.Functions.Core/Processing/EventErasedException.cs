namespace Softr.Functions.Processing;

/// <summary>
/// The event names a person who was erased after it was received (it was on the queue when the erasure ran,
/// so the erasure could not find it): it is dropped before any Softr call and left as a tombstone.
/// </summary>
/// <param name="person">The erased person's key (an HMAC of the address, never the address).</param>
public sealed class EventErasedException(string eventId, string person) : Exception($"Event {eventId} names a person erased after it was received; it is dropped.")
{
    public string EventId { get; } = eventId;

    public string Person { get; } = person;
}
