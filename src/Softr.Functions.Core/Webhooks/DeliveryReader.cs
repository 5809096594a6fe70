using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Softr.Functions.Automations;
using Softr.Functions.Events;
using Softr.Functions.Webhooks.Senders;

namespace Softr.Functions.Webhooks;

/// <summary>
/// The door's reading of a delivery once its sender is known: parse the body, split a batch, identify and type
/// each event, keep the types the hook handles, check the signup and the hook's schema, and plan the automations.
/// Nothing here stores or sends anything. The ingestor reads every delivery through it (after the signature
/// check), the dry run reads its sample through it (the admin key standing in for the signature), and the tests'
/// harnesses make their events with it, so none of them can tell what the door would not do.
/// </summary>
public sealed class DeliveryReader(IValidator<SignupPayload> signupValidator, AutomationEvaluator evaluator, TimeProvider time)
{
    /// <summary>The event type of deliveries that no sender-specific reading has typed yet.</summary>
    public const string GenericEventType = "webhook";

    /// <param name="plan">
    /// Whether to plan the automations of every event: the dry run shows the plan; the door needs it only on hooks
    /// that refuse invalid input (elsewhere processing plans the event, and dead-letters what breaks a rule).
    /// </param>
    /// <param name="route">
    /// The door's last say on each event before it is written (<see cref="LaneRouting.AtTheDoor"/>: its lane's queue or
    /// the overflow); null leaves the envelope as read (the dry run, which sends nothing).
    /// </param>
    public async Task<DeliveryReading> ReadAsync(ResolvedHook hook, byte[] body, string? contentType, Func<string, string?> headers, bool plan,
        Func<EventEnvelope, EventEnvelope>? route, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hook);
        ArgumentNullException.ThrowIfNull(body);
        var (payload, problem) = await WebhookBodyParser.ParsePayloadAsync(hook.Name, body, contentType, hook.Sender, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return DeliveryReading.Refused(problem);
        }
        if (hook.Sender.Split(payload) is not { } events)
        {
            return DeliveryReading.Refused(WebhookProblems.InvalidJson(hook.Name, "a batch may hold only event objects."));
        }
        if (payload.ValueKind != JsonValueKind.Array)
        {
            return DeliveryReading.One(Read(hook, payload, headers, body, plan, route));
        }
        // A batch: each item is an event of its own, read alone (its dedupe key is its own bytes, not the batch's).
        return DeliveryReading.Batch([.. events.Select(item => Read(hook, item, headers, body: null, plan, route))]);
    }

    /// <summary>One event, <paramref name="payload"/>, of a delivery on <paramref name="hook"/>.</summary>
    /// <param name="body">The raw body, when the event is the whole delivery (its hash is the dedupe key when the sender has no event id).</param>
    /// <param name="route">As in <see cref="ReadAsync"/>.</param>
    public ReadEvent Read(ResolvedHook hook, JsonElement payload, Func<string, string?> headers, byte[]? body, bool plan, Func<EventEnvelope, EventEnvelope>? route)
    {
        ArgumentNullException.ThrowIfNull(hook);
        ArgumentNullException.ThrowIfNull(headers);
        var name = hook.Name;
        var identity = hook.Sender.Identify(payload, headers);
        if (identity.Refusal is { } refusal)
        {
            return new ReadEvent.Refused(WebhookProblems.Unauthenticated(name, refusal));
        }
        if (identity.SenderEventId?.Length > EventIdentity.MaxLength || identity.EventType?.Length > EventIdentity.MaxLength)
        {
            return new ReadEvent.Refused(WebhookProblems.InvalidJson(name, $"the event's id or type is longer than {EventIdentity.MaxLength} characters."));
        }
        if (identity.SenderEventId is { Length: 0 })
        {
            // An id sent empty is no id: the body is the key, as for an empty id in a body (found by the property
            // tests through the dry run, which reads an id header that the door's signature check would have refused).
            identity = identity with { SenderEventId = null };
        }
        var eventType = hook.IsSignup ? HookSchemas.Signup : identity.EventType ?? GenericEventType;
        if (hook.Definition.Events.Count > 0 && !hook.Definition.Events.Contains(eventType, StringComparer.Ordinal))
        {
            // 200, not an error: senders such as Stripe retry any non-2xx for days.
            return new ReadEvent.Ignored(eventType);
        }
        if (hook.IsSignup && CheckSignup(name, payload) is { } invalidSignup)
        {
            return new ReadEvent.Refused(invalidSignup, eventType);
        }
        var schemaErrors = hook.CheckSchema(payload);
        if (schemaErrors.Count > 0 && hook.Policy == InvalidInputPolicy.Refuse)
        {
            return new ReadEvent.Refused(WebhookProblems.SchemaInvalid(name, schemaErrors), eventType);
        }

        if (identity.SenderEventId is null && hook.IdempotencyKey(headers) is { Length: > WebhookIngestor.MaxIdempotencyKeyLength })
        {
            return new ReadEvent.Refused(WebhookProblems.InvalidJson(name,
                $"the {WebhookIngestor.IdempotencyKeyHeader} header is longer than {WebhookIngestor.MaxIdempotencyKeyLength} characters."), eventType);
        }

        var bodyHash = Convert.ToHexStringLower(SHA256.HashData(body ?? System.Text.Encoding.UTF8.GetBytes(payload.GetRawText())));
        // Until a key is claimed, the id of an event without a sender id is provisional: nothing below depends on it.
        var eventId = EventIds.ForDelivery(name, identity.SenderEventId ?? "sha256:" + bodyHash);
        var envelope = new EventEnvelope
        {
            EventId = eventId,
            Hook = name,
            Sender = hook.Sender.Kind,
            SenderEventId = identity.SenderEventId,
            EventType = eventType,
            ReceivedAt = time.GetUtcNow(),
            CorrelationId = eventId,
            Payload = payload,
            // The trace goes on across the queue: processing's span is a child of the door's.
            TraceParent = Activity.Current?.Id,
        };
        // Its lane: known here, as the automations are, so that the queue it waits in is its priority's.
        if (evaluator.PriorityOf(hook, envelope) is var priority && priority != envelope.Priority)
        {
            envelope = envelope with { Priority = priority };
        }

        // Pure, microseconds: an event whose values would break an action's rules is refused now, on a hook that
        // refuses them; elsewhere processing plans it, and dead-letters it before any Softr call.
        var evaluation = plan || hook.Policy == InvalidInputPolicy.Refuse ? evaluator.Evaluate(hook, envelope) : null;
        if (evaluation?.InputErrors is { Count: > 0 } inputErrors && hook.Policy == InvalidInputPolicy.Refuse)
        {
            return new ReadEvent.Refused(WebhookProblems.InvalidInput(name, inputErrors), eventType, evaluation);
        }
        // The door's routing (the overflow, while the hook floods), before the one write.
        envelope = route?.Invoke(envelope) ?? envelope;
        // Written once, here, before any claim or storage: what JSON cannot hold is refused like any other bad body.
        BinaryData message;
        try
        {
            message = EventEnvelopeSerializer.Serialize(envelope);
        }
        catch (UnwritableEventException exception)
        {
            return new ReadEvent.Refused(WebhookProblems.InvalidJson(name, "the event cannot be written as JSON: " + exception.InnerException?.Message), eventType);
        }
        return new ReadEvent.Taken(envelope, message, identity, bodyHash, evaluation, schemaErrors);
    }

    private ProblemDetails? CheckSignup(string hook, JsonElement payload)
    {
        SignupPayload? signup;
        try
        {
            signup = payload.Deserialize(EventsJsonContext.Default.SignupPayload);
        }
        catch (JsonException exception)
        {
            return WebhookProblems.InvalidJson(hook, exception.Message);
        }
        var validation = signupValidator.Validate(signup!);
        return validation.IsValid ? null : WebhookProblems.Invalid(hook, validation);
    }
}
