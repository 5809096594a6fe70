using System.Text.Json;
using Microsoft.Extensions.Logging;
using Softr.Functions.Events;
using Softr.Functions.Webhooks;
using Softr.Users;

namespace Softr.Functions.Processing;

/// <summary>
/// Runs one queued event. Signups become Softr users; events of other types are logged and completed,
/// because no automation handles them until automations are declared (the automations work): retrying
/// them would only fill the poison queue.
/// </summary>
public sealed partial class EventProcessor(SignupProcessor signups, IEventLog eventLog, IPayloadStore payloads, ILogger<EventProcessor> logger)
{
    public async Task ProcessAsync(EventEnvelope envelope, int attempt = 1, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        await RecordQuietlyAsync(envelope, EventStatus.Processing, $"attempt {attempt}").ConfigureAwait(false);
        string outcome;
        try
        {
            if (envelope.PayloadReference is { } reference)
            {
                var payload = await payloads.GetAsync(reference, cancellationToken).ConfigureAwait(false);
                envelope = envelope with { Payload = payload.ToObjectFromJson<JsonElement>(), PayloadReference = null };
            }

            if (envelope.EventType == HookSchemas.Signup)
            {
                outcome = await signups.ProcessAsync(envelope, cancellationToken).ConfigureAwait(false) == CreateUserOutcome.Created
                    ? "Softr user created"
                    : "Softr user already existed; nothing created";
            }
            else
            {
                LogUnhandled(envelope.EventId, envelope.EventType, envelope.Hook);
                outcome = "no automation handles this event type yet; no Softr calls";
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Recorded, then rethrown: the queue retries, and after maxDequeueCount moves it to poison.
            await RecordQuietlyAsync(envelope, EventStatus.Failed, $"attempt {attempt}: {exception.Message}").ConfigureAwait(false);
            throw;
        }
        await RecordQuietlyAsync(envelope, EventStatus.Succeeded, outcome).ConfigureAwait(false);
    }

    private async Task RecordQuietlyAsync(EventEnvelope envelope, EventStatus status, string detail)
    {
        try
        {
            await eventLog.RecordAsync(envelope, status, detail, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is Azure.RequestFailedException or AggregateException)
        {
            LogStatusWriteFailed(exception, envelope.EventId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the status of event {EventId}")]
    private partial void LogStatusWriteFailed(Exception exception, string eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} of type {EventType} from hook {Hook}: no automation handles it yet; completed without Softr calls")]
    private partial void LogUnhandled(string eventId, string eventType, string hook);
}
