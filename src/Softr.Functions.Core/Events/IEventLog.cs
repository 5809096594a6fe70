namespace Softr.Functions.Events;

/// <summary>Each event's status and history. Best effort on the write side: a failed write never fails the event.</summary>
public interface IEventLog
{
    Task RecordAsync(EventEnvelope envelope, EventStatus status, string? detail, CancellationToken cancellationToken = default);

    Task<EventRecord?> FindAsync(string eventId, CancellationToken cancellationToken = default);
}
