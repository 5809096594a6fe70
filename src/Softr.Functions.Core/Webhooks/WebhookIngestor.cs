using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
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
    IOptionsMonitor<WebhooksOptions> options,
    HookSecrets secrets,
    WebhookSenders senders,
    IValidator<SignupPayload> signupValidator,
    IDeliveryLedger ledger,
    IEventQueue queue,
    TimeProvider timeProvider,
    ILogger<WebhookIngestor> logger)
{
    /// <summary>The event type of deliveries that no sender-specific reading has typed yet.</summary>
    public const string GenericEventType = "webhook";

    /// <summary>The event type a delivery is filed under: the sender's own, the hook's schema, or <see cref="GenericEventType"/>.</summary>
    public static string EventTypeOf(HookDefinition hook, EventIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(hook);
        ArgumentNullException.ThrowIfNull(identity);
        return hook.Schema == HookSchemas.Signup ? HookSchemas.Signup : identity.EventType ?? GenericEventType;
    }

    public async Task<IngestionResult> IngestAsync(WebhookRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var activity = SoftrTelemetry.Source.StartActivity("webhook ingest");
        activity?.SetTag("softr.hook", request.Hook);
        var result = await IngestCoreAsync(request, cancellationToken).ConfigureAwait(false);
        var outcome = result switch
        {
            IngestionResult.Accepted => "accepted",
            IngestionResult.Duplicate => "duplicate",
            IngestionResult.Ignored => "ignored",
            IngestionResult.Rejected rejected => rejected.Problem.Type?.Split(':')[^1] ?? "rejected",
            _ => "other",
        };
        var eventId = result switch
        {
            IngestionResult.Accepted accepted => accepted.EventId,
            IngestionResult.Duplicate duplicate => duplicate.EventId,
            _ => null,
        };
        activity?.SetTag(SoftrTelemetry.EventIdTag, eventId);
        activity?.SetTag("softr.outcome", outcome);
        SoftrTelemetry.Webhooks.Add(1, new("hook", options.CurrentValue.Hooks.ContainsKey(request.Hook) ? request.Hook : "(unknown)"), new("outcome", outcome));
        return result;
    }

    private async Task<IngestionResult> IngestCoreAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        if (!options.CurrentValue.Hooks.TryGetValue(request.Hook, out var hook))
        {
            return Reject(request.Hook, WebhookProblems.UnknownHook(request.Hook));
        }

        // Bounded read first: signatures are computed over the exact bytes, and nothing is parsed
        // before the sender is authenticated.
        var body = await BoundedBody.ReadAsync(request.Body, request.ContentLength, hook.MaxBodyBytes, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return Reject(request.Hook, WebhookProblems.BodyTooLarge(request.Hook, hook.MaxBodyBytes));
        }

        var sender = senders.Find(hook.Sender)
            ?? throw new InvalidOperationException($"Hook '{request.Hook}' names sender '{hook.Sender}', which start-up validation should have refused.");
        var check = sender.Check(new WebhookDelivery(request.Headers, request.Method, request.Url, body), hook, secrets.For(hook), timeProvider.GetUtcNow());
        if (!check.IsAuthentic)
        {
            return Reject(request.Hook, WebhookProblems.Unauthenticated(request.Hook, check.Reason!));
        }

        var (payload, problem) = await WebhookBodyParser.ParsePayloadAsync(request.Hook, body, request.ContentType, sender, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return Reject(request.Hook, problem);
        }

        var identity = sender.Identify(payload, request.Headers);
        var eventType = EventTypeOf(hook, identity);
        if (hook.Events.Count > 0 && !hook.Events.Contains(eventType, StringComparer.Ordinal))
        {
            // 200, not an error: senders such as Stripe retry any non-2xx for days.
            LogIgnored(request.Hook, eventType);
            return new IngestionResult.Ignored(eventType);
        }
        if (hook.Schema == HookSchemas.Signup
            && await ValidateSignupAsync(request.Hook, payload, cancellationToken).ConfigureAwait(false) is { } invalid)
        {
            return invalid;
        }

        // Senders without an event id are deduplicated on the exact bytes they sent.
        var dedupeKey = identity.SenderEventId ?? "sha256:" + Convert.ToHexStringLower(SHA256.HashData(body));
        var envelope = CreateEnvelope(request.Hook, hook.Sender, eventType, identity.SenderEventId, dedupeKey, payload);
        DeliveryClaim claim;
        try
        {
            // One write: the dedupe claim, which is also the event's "accepted" status. It comes
            // before the queue, so processing (which may start at once) always writes after it.
            claim = await ledger.ClaimAsync(envelope, cancellationToken).ConfigureAwait(false);
        }
        catch (DeliveryLedgerUnavailableException exception)
        {
            LogStorageFailed(exception, request.Hook, envelope.EventId);
            return Reject(request.Hook, WebhookProblems.StorageUnavailable(request.Hook));
        }
        switch (claim.Status)
        {
            case DeliveryClaimStatus.Duplicate:
                LogDuplicate(request.Hook, claim.EventId);
                return new IngestionResult.Duplicate(claim.EventId);
            case DeliveryClaimStatus.InProgress:
                return Reject(request.Hook, WebhookProblems.InProgress(request.Hook, claim.EventId));
        }

        try
        {
            await queue.EnqueueAsync(hook.Queue, envelope, cancellationToken).ConfigureAwait(false);
        }
        catch (EventQueueUnavailableException exception)
        {
            LogStorageFailed(exception, request.Hook, envelope.EventId);
            await ReleaseQuietlyAsync(envelope).ConfigureAwait(false);
            return Reject(request.Hook, WebhookProblems.StorageUnavailable(request.Hook));
        }
        await MarkQueuedQuietlyAsync(envelope).ConfigureAwait(false);

        LogAccepted(request.Hook, envelope.EventId, hook.Queue);
        return new IngestionResult.Accepted(envelope.EventId);
    }

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

    /// <summary>
    /// After a failed enqueue: give the claim up so the sender's retry is let through. If even that
    /// fails, the claim is taken over once it is <see cref="TableEventStore.AbandonedAfter"/> old.
    /// </summary>
    private Task ReleaseQuietlyAsync(EventEnvelope envelope) =>
        QuietlyAsync(() => ledger.ReleaseAsync(envelope.EventId, "not queued: storage unavailable; the sender was answered 503 and will retry", CancellationToken.None),
            envelope.Hook, envelope.EventId);

    /// <summary>
    /// The event is queued whatever happens here. If the mark fails, a redelivery inside the abandon
    /// window is told to retry, and one after it is queued again: at-least-once, which processing
    /// tolerates (it is idempotent), rather than a lost event.
    /// </summary>
    private Task MarkQueuedQuietlyAsync(EventEnvelope envelope) =>
        QuietlyAsync(() => ledger.MarkQueuedAsync(envelope.EventId, CancellationToken.None), envelope.Hook, envelope.EventId);

    /// <summary>Bookkeeping that must not change the sender's answer: a storage failure is logged, not thrown.</summary>
    private async Task QuietlyAsync(Func<Task> write, string hook, string eventId)
    {
        try
        {
            await write().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is Azure.RequestFailedException or AggregateException)
        {
            LogLedgerWriteFailed(exception, hook, eventId);
        }
    }

    private EventEnvelope CreateEnvelope(string hook, string sender, string eventType, string? senderEventId, string dedupeKey, JsonElement payload)
    {
        var eventId = EventIds.ForDelivery(hook, dedupeKey);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Accepted event {EventId} on hook {Hook} into queue {Queue}")]
    private partial void LogAccepted(string hook, string eventId, string queue);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused a delivery on hook {Hook}: {Status} {ProblemType}")]
    private partial void LogRejected(string hook, int? status, string? problemType);

    [LoggerMessage(Level = LogLevel.Error, Message = "Storage failed for event {EventId} on hook {Hook}; answered 503")]
    private partial void LogStorageFailed(Exception exception, string hook, string eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write the ledger or status of event {EventId} on hook {Hook}")]
    private partial void LogLedgerWriteFailed(Exception exception, string hook, string eventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Duplicate delivery of event {EventId} on hook {Hook}; nothing queued")]
    private partial void LogDuplicate(string hook, string eventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ignored an event of type {EventType} on hook {Hook}: the hook does not handle it")]
    private partial void LogIgnored(string hook, string eventType);
}
