using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Softr.Functions.Automations;
using Softr.Functions.Events;
using Softr.Functions.Telemetry;
using Softr.Functions.Webhooks.Senders;

namespace Softr.Functions.Webhooks;

/// <summary>
/// The front door: authenticates, parses and validates one delivery, and queues it. The order is
/// deliberate: the body is read (bounded) but not parsed before the sender is authenticated over its
/// raw bytes, and the sender gets an acceptance only after storage has confirmed the message.
/// </summary>
public sealed partial class WebhookIngestor(
    HookCatalog hooks,
    HookSecrets secrets,
    IValidator<SignupPayload> signupValidator,
    AutomationEvaluator evaluator,
    IEventQueue queue,
    IDeliveryClaims claims,
    TimeProvider timeProvider,
    ILogger<WebhookIngestor> logger)
{
    /// <summary>The event type of deliveries that no sender-specific reading has typed yet.</summary>
    public const string GenericEventType = "webhook";

    /// <summary>The IETF httpapi draft's header: the client's own name for one request, to be done once.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>The longest Idempotency-Key taken (the draft suggests keys such as UUIDs; a longer one is refused).</summary>
    public const int MaxIdempotencyKeyLength = 255;

    /// <summary>The event type a delivery is filed under: the sender's own, the hook's schema, or <see cref="GenericEventType"/>.</summary>
    public static string EventTypeOf(ResolvedHook hook, EventIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(hook);
        ArgumentNullException.ThrowIfNull(identity);
        return hook.IsSignup ? HookSchemas.Signup : identity.EventType ?? GenericEventType;
    }

    public async Task<IngestionResult> IngestAsync(WebhookRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var activity = SoftrTelemetry.Source.StartActivity("webhook ingest");
        activity?.SetTag("softr.hook", request.Hook);
        // The one lookup: a request in another case runs under the hook's configured name from here on.
        var found = hooks.Find(request.Hook);
        var result = found is not null
            ? await IngestCoreAsync(request, found, cancellationToken).ConfigureAwait(false)
            : Reject(request.Hook, WebhookProblems.UnknownHook(request.Hook));
        var outcome = result switch
        {
            IngestionResult.Accepted { Duplicate: true } => "duplicate",
            IngestionResult.Accepted => "accepted",
            IngestionResult.Ignored => "ignored",
            IngestionResult.Batch => "batch",
            IngestionResult.Rejected rejected => rejected.Problem.Type?.Split(':')[^1] ?? "rejected",
            _ => "other",
        };
        var eventId = result switch
        {
            IngestionResult.Accepted accepted => accepted.EventId,
            _ => null,
        };
        activity?.SetTag(SoftrTelemetry.EventIdTag, eventId);
        activity?.SetTag("softr.outcome", outcome);
        SoftrTelemetry.Webhooks.Add(1, new("hook", found?.Name ?? "(unknown)"), new("outcome", outcome));
        return result;
    }

    private async Task<IngestionResult> IngestCoreAsync(WebhookRequest request, ResolvedHook hook, CancellationToken cancellationToken)
    {
        var name = hook.Name;
        // Fail closed: a hook whose every secret is unset or an unresolved Key Vault reference takes nothing.
        var hookSecrets = secrets.For(hook.Definition);
        if (hookSecrets.Count == 0)
        {
            LogNoUsableSecret(name);
            return Reject(name, WebhookProblems.HookUnavailable(name));
        }

        // Bounded read first: signatures are computed over the exact bytes, and nothing is parsed
        // before the sender is authenticated.
        var body = await BoundedBody.ReadAsync(request.Body, request.ContentLength, hook.Definition.MaxBodyBytes, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return Reject(name, WebhookProblems.BodyTooLarge(name, hook.Definition.MaxBodyBytes));
        }

        var sender = hook.Sender;
        var check = CheckSender(sender, new WebhookDelivery(request.Headers, request.Method, request.Url, body), hook.Definition, hookSecrets);
        if (!check.IsAuthentic)
        {
            return Reject(name, WebhookProblems.Unauthenticated(name, check.Reason!));
        }

        var (payload, problem) = await WebhookBodyParser.ParsePayloadAsync(name, body, request.ContentType, sender, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return Reject(name, problem);
        }
        if (sender.Split(payload) is not { } events)
        {
            return Reject(name, WebhookProblems.InvalidJson(name, "a batch may hold only event objects."));
        }
        if (payload.ValueKind != JsonValueKind.Array)
        {
            return await IngestEventAsync(hook, request.Headers, payload, body, cancellationToken).ConfigureAwait(false);
        }

        // A batch: each item is an event of its own. Items are taken in order; an item that storage
        // could not take stops the batch with 503, and the sender's retry finds the earlier ones duplicates.
        var results = new List<IngestionResult>(events.Count);
        foreach (var item in events)
        {
            var result = await IngestEventAsync(hook, request.Headers, item, body: null, cancellationToken).ConfigureAwait(false);
            if (result is IngestionResult.Rejected { Problem.Status: >= 500 or 409 })
            {
                return result;
            }
            results.Add(result);
        }
        return new IngestionResult.Batch(results);
    }

    /// <summary>
    /// A sender check that throws (a header no scheme expected, a library's surprise) is a refusal, not
    /// a 500: the request has not been authenticated, and an unauthenticated caller gets nothing more.
    /// </summary>
    private SenderCheck CheckSender(WebhookSender sender, WebhookDelivery delivery, HookDefinition hook, IReadOnlyList<string> hookSecrets)
    {
        try
        {
            return sender.Check(delivery, hook, hookSecrets, timeProvider.GetUtcNow());
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException or OverflowException or InvalidOperationException
            or IndexOutOfRangeException or NullReferenceException)
        {
            LogSenderCheckThrew(exception, hook.Sender);
            return SenderCheck.Refused("The request's signature headers could not be read.");
        }
    }

    /// <param name="body">The raw body, when the event is the whole delivery (its hash is the dedupe key when the sender has no event id).</param>
    private async Task<IngestionResult> IngestEventAsync(ResolvedHook hook, Func<string, string?> headers, JsonElement payload, byte[]? body,
        CancellationToken cancellationToken)
    {
        var hookName = hook.Name;
        var sender = hook.Sender;
        var identity = sender.Identify(payload, headers);
        if (identity.Refusal is { } refusal)
        {
            return Reject(hookName, WebhookProblems.Unauthenticated(hookName, refusal));
        }
        if (identity.SenderEventId?.Length > EventIdentity.MaxLength || identity.EventType?.Length > EventIdentity.MaxLength)
        {
            return Reject(hookName, WebhookProblems.InvalidJson(hookName, $"the event's id or type is longer than {EventIdentity.MaxLength} characters."));
        }
        var eventType = EventTypeOf(hook, identity);
        if (hook.Definition.Events.Count > 0 && !hook.Definition.Events.Contains(eventType, StringComparer.Ordinal))
        {
            // 200, not an error: senders such as Stripe retry any non-2xx for days.
            LogIgnored(hookName, eventType);
            return new IngestionResult.Ignored(eventType);
        }
        if (hook.IsSignup
            && await ValidateSignupAsync(hookName, payload, cancellationToken).ConfigureAwait(false) is { } invalid)
        {
            return invalid;
        }

        if (hook.CheckSchema(payload) is { Count: > 0 } schemaErrors)
        {
            if (hook.Policy == InvalidInputPolicy.Refuse)
            {
                return Reject(hookName, WebhookProblems.SchemaInvalid(hookName, schemaErrors));
            }
            // A server that would retry a 4xx for days: taken, and dead-lettered by processing (which checks the schema again).
            LogSchemaInvalidAccepted(hookName, schemaErrors.Count);
        }

        // Senders with event ids are deduplicated on them, for as long as processing keeps the event (D28);
        // the others on an explicit key or their exact bytes, within a window (DeliveryKey), after the checks.
        var bodyHash = Convert.ToHexStringLower(SHA256.HashData(body ?? System.Text.Encoding.UTF8.GetBytes(payload.GetRawText())));
        var deliveryKey = identity.SenderEventId is null ? DeliveryKeyOf(hook, headers, payload, bodyHash) : null;
        if (deliveryKey is { Source: DeliveryKey.HeaderSource } && headers(IdempotencyKeyHeader)!.Length > MaxIdempotencyKeyLength)
        {
            return Reject(hookName, WebhookProblems.InvalidJson(hookName, $"the {IdempotencyKeyHeader} header is longer than {MaxIdempotencyKeyLength} characters."));
        }
        // Until a key is claimed, the id is provisional: the checks below do not depend on it.
        var envelope = CreateEnvelope(hookName, sender.Kind, eventType, identity.SenderEventId,
            EventIds.ForDelivery(hookName, identity.SenderEventId ?? "sha256:" + bodyHash), payload);

        // The hook's automations are evaluated here too (pure, microseconds): an event whose values
        // would break an action's rules is refused now, or marked for dead-lettering, per the hook.
        var invalidInput = evaluator.Evaluate(hook, envelope).InputErrors;
        if (invalidInput.Count > 0 && hook.Policy == InvalidInputPolicy.Refuse)
        {
            return Reject(hookName, WebhookProblems.InvalidInput(hookName, invalidInput));
        }

        // The envelope is written out before anything is stored: whatever cannot be serialised is
        // refused here, before anything is queued.
        try
        {
            _ = EventEnvelopeSerializer.Serialize(envelope);
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or ArgumentException)
        {
            return Reject(hookName, WebhookProblems.InvalidJson(hookName, "the event cannot be written as JSON: " + exception.Message));
        }

        DeliveryClaim? claim = null;
        try
        {
            if (deliveryKey is not null)
            {
                claim = await claims.ClaimAsync(hookName, deliveryKey, envelope.ReceivedAt, cancellationToken).ConfigureAwait(false);
                if (claim.Outcome == DeliveryClaimOutcome.KeyReused)
                {
                    return Reject(hookName, WebhookProblems.IdempotencyKeyReused(hookName));
                }
                // A repeat is the event first received then: processing drops it if its person was erased since (not since this copy).
                envelope = envelope with { EventId = claim.EventId, CorrelationId = claim.EventId, ReceivedAt = claim.FirstSeen };
            }
            // The enqueue: for senders with event ids, the door's one storage operation. There is no claim on
            // their ids: a redelivery is queued again under the same id and answered with it, and processing
            // finds the copy already done (D28). A repeat within a window is queued again too, under the id it
            // repeats: if the first delivery's process died before its enqueue, this one carries the event.
            await queue.EnqueueAsync(hook.Definition.Queue, envelope, cancellationToken).ConfigureAwait(false);
        }
        catch (EventQueueUnavailableException exception)
        {
            LogStorageFailed(exception, hookName, envelope.EventId);
            if (claim is { Outcome: DeliveryClaimOutcome.New })
            {
                await claims.ReleaseAsync(hookName, deliveryKey!, claim.EventId, CancellationToken.None).ConfigureAwait(false);
            }
            return Reject(hookName, WebhookProblems.StorageUnavailable(hookName));
        }

        var duplicate = claim?.Outcome == DeliveryClaimOutcome.Duplicate;
        LogAccepted(hookName, envelope.EventId, hook.Definition.Queue, duplicate);
        return new IngestionResult.Accepted(envelope.EventId) { InvalidInput = invalidInput, Duplicate = duplicate };
    }

    /// <summary>
    /// What a delivery without a sender event id is deduplicated on: the <c>Idempotency-Key</c> header
    /// (only where the sender's proof covers headers), else the hook's payload path, else the exact bytes.
    /// </summary>
    private static DeliveryKey DeliveryKeyOf(ResolvedHook hook, Func<string, string?> headers, JsonElement payload, string bodyHash)
    {
        var definition = hook.Definition;
        if (hook.Sender.VouchesForHeaders && headers(IdempotencyKeyHeader) is { Length: > 0 } header)
        {
            return new DeliveryKey(DeliveryKey.HeaderSource, Hash(header), bodyHash, definition.IdempotencyKeyWindow);
        }
        if (definition.IdempotencyKeyPath is { Length: > 0 } path && EventIdentity.Read(payload, path.Split('.')) is { } value)
        {
            return new DeliveryKey(DeliveryKey.PathSource, Hash(value), bodyHash, definition.IdempotencyKeyWindow);
        }
        return new DeliveryKey(DeliveryKey.BodySource, bodyHash, bodyHash, definition.DedupeWindow);
    }

    private static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(value)));

    private async Task<IngestionResult?> ValidateSignupAsync(string hook, JsonElement payload, CancellationToken cancellationToken)
    {
        SignupPayload? signup;
        try
        {
            signup = payload.Deserialize(EventsJsonContext.Default.SignupPayload);
        }
        catch (JsonException exception)
        {
            return Reject(hook, WebhookProblems.InvalidJson(hook, exception.Message));
        }
        var validation = await signupValidator.ValidateAsync(signup!, cancellationToken).ConfigureAwait(false);
        return validation.IsValid ? null : Reject(hook, WebhookProblems.Invalid(hook, validation));
    }

    private EventEnvelope CreateEnvelope(string hook, string sender, string eventType, string? senderEventId, string eventId, JsonElement payload)
    {
        return new EventEnvelope
        {
            EventId = eventId,
            Hook = hook,
            Sender = sender,
            SenderEventId = senderEventId,
            EventType = eventType,
            ReceivedAt = timeProvider.GetUtcNow(),
            CorrelationId = eventId,
            Payload = payload,
            // The trace goes on across the queue: processing's span is a child of this one.
            TraceParent = Activity.Current?.Id,
        };
    }

    private IngestionResult.Rejected Reject(string hook, ProblemDetails problem)
    {
        LogRejected(hook, problem.Status, problem.Type);
        return new IngestionResult.Rejected(problem);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Accepted event {EventId} on hook {Hook} into queue {Queue} (a repeat within the hook's window: {Duplicate})")]
    private partial void LogAccepted(string hook, string eventId, string queue, bool duplicate);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused a delivery on hook {Hook}: {Status} {ProblemType}")]
    private partial void LogRejected(string hook, int? status, string? problemType);

    [LoggerMessage(Level = LogLevel.Error, Message = "Storage failed for event {EventId} on hook {Hook}; answered 503")]
    private partial void LogStorageFailed(Exception exception, string hook, string eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An event on hook {Hook} breaks the hook's payload schema in {Count} place(s); taken, to be dead-lettered as invalid-input")]
    private partial void LogSchemaInvalidAccepted(string hook, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Sender} sender check threw; the request was refused as unauthenticated")]
    private partial void LogSenderCheckThrew(Exception exception, string sender);

    [LoggerMessage(Level = LogLevel.Error, Message = "Hook {Hook} has no usable secret (each of its SecretSettings is unset or an unresolved Key Vault reference); the delivery was refused")]
    private partial void LogNoUsableSecret(string hook);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ignored an event of type {EventType} on hook {Hook}: the hook does not handle it")]
    private partial void LogIgnored(string hook, string eventType);
}
