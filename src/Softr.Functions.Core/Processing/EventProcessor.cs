using Microsoft.Extensions.Logging;
using Softr.Functions.Events;
using Softr.Functions.Webhooks;

namespace Softr.Functions.Processing;

/// <summary>
/// Runs one queued event. Signups become Softr users; events of other types are logged and completed,
/// because no automation handles them until automations are declared (the automations work): retrying
/// them would only fill the poison queue.
/// </summary>
public sealed partial class EventProcessor(SignupProcessor signups, ILogger<EventProcessor> logger)
{
    public async Task ProcessAsync(EventEnvelope envelope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (envelope.EventType == HookSchemas.Signup)
        {
            await signups.ProcessAsync(envelope, cancellationToken).ConfigureAwait(false);
            return;
        }
        LogUnhandled(envelope.EventId, envelope.EventType, envelope.Hook);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} of type {EventType} from hook {Hook}: no automation handles it yet; completed without Softr calls")]
    private partial void LogUnhandled(string eventId, string eventType, string hook);
}
