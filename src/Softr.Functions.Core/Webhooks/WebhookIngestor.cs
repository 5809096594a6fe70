using System.Net.Http.Headers;
using System.Text.Json;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Softr.Functions.Events;

namespace Softr.Functions.Webhooks;

/// <summary>
/// The front door: authenticates, parses and validates one delivery, and queues it. The order is
/// deliberate: nothing of the body is parsed before the sender is authenticated, and the sender gets
/// an acceptance only after storage has confirmed the message.
/// </summary>
public sealed partial class WebhookIngestor(
    IOptionsMonitor<WebhooksOptions> options,
    IValidator<SignupPayload> validator,
    IEventQueue queue,
    TimeProvider timeProvider,
    ILogger<WebhookIngestor> logger)
{
    public const string SenderKind = "shared-secret";
    public const string SignupEventType = "signup";

    public async Task<IngestionResult> IngestAsync(WebhookRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);

        if (!options.CurrentValue.Hooks.TryGetValue(request.Hook, out var hook))
        {
            return Reject(request.Hook, WebhookProblems.UnknownHook(request.Hook));
        }
        if (!SharedSecretVerifier.Matches(request.Headers(hook.SecretHeader), hook.Secrets))
        {
            return Reject(request.Hook, WebhookProblems.BadSecret(request.Hook, hook.SecretHeader));
        }
        if (!IsJson(request.ContentType))
        {
            return Reject(request.Hook, WebhookProblems.UnsupportedContentType(request.Hook, request.ContentType));
        }

        var body = await ReadBoundedAsync(request.Body, hook.MaxBodyBytes, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return Reject(request.Hook, WebhookProblems.BodyTooLarge(request.Hook, hook.MaxBodyBytes));
        }

        JsonElement payloadJson;
        SignupPayload? payload;
        try
        {
            payloadJson = JsonSerializer.Deserialize(body, EventsJsonContext.Default.JsonElement);
            if (payloadJson.ValueKind != JsonValueKind.Object)
            {
                return Reject(request.Hook, WebhookProblems.InvalidJson(request.Hook, $"expected an object, got {payloadJson.ValueKind}."));
            }
            payload = payloadJson.Deserialize(EventsJsonContext.Default.SignupPayload);
        }
        catch (JsonException exception)
        {
            return Reject(request.Hook, WebhookProblems.InvalidJson(request.Hook, exception.Message));
        }

        var validation = await validator.ValidateAsync(payload!, cancellationToken).ConfigureAwait(false);
        if (!validation.IsValid)
        {
            return Reject(request.Hook, WebhookProblems.Invalid(request.Hook, validation));
        }

        var envelope = CreateEnvelope(request.Hook, payloadJson);
        try
        {
            await queue.EnqueueAsync(hook.Queue, envelope, cancellationToken).ConfigureAwait(false);
        }
        catch (EventQueueUnavailableException exception)
        {
            LogEnqueueFailed(exception, request.Hook, envelope.EventId);
            return Reject(request.Hook, WebhookProblems.StorageUnavailable(request.Hook));
        }

        LogAccepted(request.Hook, envelope.EventId, hook.Queue);
        return new IngestionResult.Accepted(envelope.EventId);
    }

    private EventEnvelope CreateEnvelope(string hook, JsonElement payload)
    {
        // Version 7 GUIDs sort by creation time, which keeps event ids (and later table keys) in order.
        var eventId = "evt_" + Guid.CreateVersion7(timeProvider.GetUtcNow()).ToString("N");
        return new EventEnvelope
        {
            EventId = eventId,
            Hook = hook,
            Sender = SenderKind,
            EventType = SignupEventType,
            ReceivedAt = timeProvider.GetUtcNow(),
            CorrelationId = eventId,
            Payload = payload,
        };
    }

    private static bool IsJson(string? contentType)
    {
        // Senders that send no Content-Type at all still mostly send JSON; a declared other type is refused.
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return true;
        }
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType) || mediaType.MediaType is null)
        {
            return false;
        }
        return mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.MediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Reads at most <paramref name="limit"/> bytes; null when the body is longer.</summary>
    private static async Task<byte[]?> ReadBoundedAsync(Stream body, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not queue event {EventId} on hook {Hook}; answered 503")]
    private partial void LogEnqueueFailed(Exception exception, string hook, string eventId);
}
