using System.Text.Json.Serialization;

namespace Softr.Functions.Webhooks;

/// <summary>What the sender of a well-formed, authentic event is told when the event's values break an action's input rules.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<InvalidInputPolicy>))]
public enum InvalidInputPolicy
{
    /// <summary>The hook's sender kind decides (see <see cref="Senders.WebhookSender.InvalidInputDefault"/>).</summary>
    Default,

    /// <summary>422 with the errors (automation, step, input); nothing is queued.</summary>
    Refuse,

    /// <summary>200; the event is queued and dead-lettered before any Softr call, with cause <c>invalid-input</c>, for an operator to fix and replay.</summary>
    DeadLetter,
}
