using Microsoft.AspNetCore.Mvc;
using Softr.Functions.Automations;
using Softr.Functions.Events;
using Softr.Functions.Webhooks.Senders;

namespace Softr.Functions.Webhooks;

/// <summary>What the door makes of one event of a delivery (<see cref="DeliveryReader"/>), before anything is stored.</summary>
public abstract record ReadEvent
{
    private ReadEvent()
    {
    }

    /// <summary>Refused: <paramref name="Problem"/> is the answer; nothing of it is queued.</summary>
    /// <param name="EventType">Its type, when it was read that far.</param>
    /// <param name="Evaluation">Its plan, when values in it were what broke the rules.</param>
    public sealed record Refused(ProblemDetails Problem, string? EventType = null, AutomationEvaluation? Evaluation = null) : ReadEvent;

    /// <summary>Authentic, but of a type the hook does not handle: answered 200, nothing queued.</summary>
    public sealed record Ignored(string EventType) : ReadEvent;

    /// <summary>
    /// To be queued. <paramref name="Envelope"/>'s id is provisional for senders without an event id: it is
    /// settled by the delivery claim (<see cref="IDeliveryClaims"/>), keyed as <paramref name="Identity"/> and
    /// <paramref name="BodyHash"/> say.
    /// </summary>
    /// <param name="Message"><paramref name="Envelope"/> written as the queue's message (written once: the door hands it on when the id stands).</param>
    /// <param name="Evaluation">The automations' plan; null when the door need not know it (a hook that dead-letters invalid input leaves it to processing).</param>
    /// <param name="SchemaErrors">Where it breaks the hook's schema, on a hook that takes such events to dead-letter them; else empty.</param>
    public sealed record Taken(EventEnvelope Envelope, BinaryData Message, EventIdentity Identity, string BodyHash, AutomationEvaluation? Evaluation,
        IReadOnlyDictionary<string, string[]> SchemaErrors) : ReadEvent;
}
