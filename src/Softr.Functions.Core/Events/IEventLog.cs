namespace Softr.Functions.Events;

/// <summary>Each event's status, history and steps, as <c>GET /api/events/{id}</c> shows them.</summary>
public interface IEventLog
{
    Task<EventRecord?> FindAsync(string eventId, CancellationToken cancellationToken = default);
}
