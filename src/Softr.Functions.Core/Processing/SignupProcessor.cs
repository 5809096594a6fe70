using System.Text.Json;
using Microsoft.Extensions.Logging;
using Softr.Functions.Events;
using Softr.Users;

namespace Softr.Functions.Processing;

/// <summary>
/// Turns a queued signup event into a Softr user. Safe to run twice for the same event: Softr's
/// "already exists" answer is taken as success, so an at-least-once redelivery creates no second user.
/// Any other failure is thrown so that the queue retries the message and, after
/// <c>maxDequeueCount</c> attempts, moves it to the poison queue.
/// </summary>
public sealed partial class SignupProcessor(ISoftrUsersClient users, ILogger<SignupProcessor> logger)
{
    public async Task<CreateUserOutcome> ProcessAsync(EventEnvelope envelope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);

        var payload = envelope.Payload.Deserialize(EventsJsonContext.Default.SignupPayload);
        if (payload?.Email is null || payload.FullName is null)
        {
            throw new InvalidEventEnvelopeException($"Event {envelope.EventId} has no email or full_name in its payload.");
        }

        var result = await users.CreateUserAsync(new CreateUserRequest(payload.FullName, payload.Email), cancellationToken)
            .ConfigureAwait(false);

        if (result.Outcome == CreateUserOutcome.AlreadyExists)
        {
            LogAlreadyExists(envelope.EventId, envelope.Hook);
        }
        else
        {
            LogCreated(envelope.EventId, envelope.Hook);
        }
        return result.Outcome;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId} from hook {Hook}: Softr user created")]
    private partial void LogCreated(string eventId, string hook);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId} from hook {Hook}: Softr user already existed; nothing created")]
    private partial void LogAlreadyExists(string eventId, string hook);
}
