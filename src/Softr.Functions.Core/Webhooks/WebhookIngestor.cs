using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
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
    DeliveryReader reader,
    IEventQueue queue,
    IDeliveryClaims claims,
    LaneRouting lanes,
    TimeProvider timeProvider,
    ILogger<WebhookIngestor> logger)
{
    /// <summary>The IETF httpapi draft's header: the client's own name for one request, to be done once.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>The longest Idempotency-Key taken (the draft suggests keys such as UUIDs; a longer one is refused).</summary>
    public const int MaxIdempotencyKeyLength = 255;

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

        var check = CheckSender(hook.Sender, new WebhookDelivery(request.Headers, request.Method, request.Url, body), hook.Definition, hookSecrets);
        if (!check.IsAuthentic)
        {
            return Reject(name, WebhookProblems.Unauthenticated(name, check.Reason!));
        }

        var reading = await reader.ReadAsync(hook, body, request.ContentType, request.Headers, plan: false, lanes.AtTheDoor, cancellationToken).ConfigureAwait(false);
        if (reading.Problem is { } problem)
        {
            return Reject(name, problem);
        }
        if (!reading.IsBatch)
        {
            return await TakeAsync(hook, request.Headers, reading.Events[0], cancellationToken).ConfigureAwait(false);
        }

        // A batch: each item is an event of its own. Items are taken in order; an item that storage
        // could not take stops the batch with 503, and the sender's retry finds the earlier ones duplicates.
        var results = new List<IngestionResult>(reading.Events.Count);
        foreach (var item in reading.Events)
        {
            var result = await TakeAsync(hook, request.Headers, item, cancellationToken).ConfigureAwait(false);
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

    /// <summary>One read event: refused, ignored, or claimed (senders without event ids) and queued.</summary>
    private async Task<IngestionResult> TakeAsync(ResolvedHook hook, Func<string, string?> headers, ReadEvent read, CancellationToken cancellationToken)
    {
        var hookName = hook.Name;
        switch (read)
        {
            case ReadEvent.Refused refused:
                return Reject(hookName, refused.Problem);
            case ReadEvent.Ignored ignored:
                LogIgnored(hookName, ignored.EventType);
                return new IngestionResult.Ignored(ignored.EventType);
        }
        var taken = (ReadEvent.Taken)read;
        if (taken.SchemaErrors.Count > 0)
        {
            // A server that would retry a 4xx for days: taken, and dead-lettered by processing (which checks the schema again).
            LogSchemaInvalidAccepted(hookName, taken.SchemaErrors.Count);
        }

        // Senders with event ids are deduplicated on them, for as long as processing keeps the event (D28);
        // the others on an explicit key or their exact bytes, within a window (DeliveryKey), after the checks.
        // Its queue (the lane's, or the lane's overflow while the hook floods it) was settled as it was read.
        var envelope = taken.Envelope;
        var deliveryKey = taken.Identity.SenderEventId is null ? DeliveryKeyOf(hook, headers, envelope.Payload, taken.BodyHash) : null;
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
            // The message as read, unless the claim settled another id or time (senders without event ids): then once more.
            var message = claim is null ? taken.Message : EventEnvelopeSerializer.Serialize(envelope);
            // The enqueue: for senders with event ids, the door's one storage operation. There is no claim on
            // their ids: a redelivery is queued again under the same id and answered with it, and processing
            // finds the copy already done (D28). A repeat within a window is queued again too, under the id it
            // repeats: if the first delivery's process died before its enqueue, this one carries the event.
            await queue.EnqueueAsync(envelope.Queue, envelope, message, cancellationToken).ConfigureAwait(false);
        }
        catch (EventQueueUnavailableException exception)
        {
            LogStorageFailed(exception, hookName, envelope.EventId);
            await ReleaseAsync(hookName, deliveryKey, claim).ConfigureAwait(false);
            return Reject(hookName, WebhookProblems.StorageUnavailable(hookName));
        }

        var duplicate = claim?.Outcome == DeliveryClaimOutcome.Duplicate;
        LogAccepted(hookName, envelope.EventId, envelope.Queue, duplicate);
        return new IngestionResult.Accepted(envelope.EventId) { Duplicate = duplicate };
    }

    /// <summary>A new claim whose event was not queued is let go, so that the sender's retry is not taken for a repeat of nothing.</summary>
    private async Task ReleaseAsync(string hook, DeliveryKey? key, DeliveryClaim? claim)
    {
        if (claim is { Outcome: DeliveryClaimOutcome.New })
        {
            await claims.ReleaseAsync(hook, key!, claim.EventId, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// What a delivery without a sender event id is deduplicated on: the <c>Idempotency-Key</c> header
    /// (only where the sender's proof covers headers), else the hook's payload path, else the exact bytes.
    /// </summary>
    private static DeliveryKey DeliveryKeyOf(ResolvedHook hook, Func<string, string?> headers, JsonElement payload, string bodyHash)
    {
        var definition = hook.Definition;
        if (hook.IdempotencyKey(headers) is { } header)
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
