using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using Softr.Functions.Events;
using Softr.Functions.Storage;
using Softr.Functions.Telemetry;

namespace Softr.Functions.Processing;

/// <summary>
/// Keeps what reaches a lane's last-resort queues (<see cref="EventLane.UndeliverableQueues"/>: <see cref="QueueNames.EventsPoisonPoison"/>
/// and its kin) for ever. That queue is the runtime's
/// last resort, written when even the poison handler fails (storage down for long, a bug), and the runtime
/// adds its messages with Azure's default time-to-live of seven days: an event nobody looked at within a
/// week would vanish. Every few minutes, each message there that can expire is sent again without an
/// expiry, then deleted (copied first, so a crash in between leaves two, not none). The queue's depth is
/// sampled (<see cref="QueueMetrics"/>) and alerted on (<c>poison-kept</c>); the runbook says how to
/// replay them once the cause is fixed.
/// </summary>
public sealed partial class UndeliverableKeeper(QueueServiceClient queues, TimeProvider time, ILogger<UndeliverableKeeper> logger)
{
    /// <summary>Messages are hidden while looked at; one that already never expires shows again after this.</summary>
    private static readonly TimeSpan LookAt = TimeSpan.FromSeconds(30);

    /// <summary>Sends every message that can expire again without an expiry, in every lane; returns how many it kept.</summary>
    public async Task<int> KeepAsync(CancellationToken cancellationToken)
    {
        var kept = 0;
        foreach (var queueName in EventLane.All.SelectMany(lane => lane.UndeliverableQueues))
        {
            kept += await KeepAsync(queueName, cancellationToken).ConfigureAwait(false);
        }
        return kept;
    }

    private async Task<int> KeepAsync(string queueName, CancellationToken cancellationToken)
    {
        var queue = queues.GetQueueClient(queueName);
        if (!await queue.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            return 0;
        }
        var kept = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var messages = (await queue.ReceiveMessagesAsync(maxMessages: 32, visibilityTimeout: LookAt, cancellationToken).ConfigureAwait(false)).Value;
            var fresh = messages.Where(message => seen.Add(message.MessageId)).ToList();
            if (fresh.Count == 0)
            {
                break;
            }
            foreach (var message in fresh.Where(message => CanExpire(message.ExpiresOn)))
            {
                await queue.SendMessageAsync(message.Body, timeToLive: StorageEventQueue.NeverExpires, cancellationToken: cancellationToken).ConfigureAwait(false);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken).ConfigureAwait(false);
                kept++;
            }
        }
        if (kept > 0)
        {
            SoftrTelemetry.UndeliverableKept.Add(kept);
            LogKept(kept, queueName);
        }
        return kept;
    }

    /// <summary>A message added without an expiry shows the far future (9999-12-31); anything within a century can expire.</summary>
    private bool CanExpire(DateTimeOffset? expiresOn) => expiresOn is { } at && at < time.GetUtcNow().AddYears(100);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Count} message(s) in {Queue} would have expired; kept without an expiry. They wait for an operator (runbook: Poison that could not be dead-lettered)")]
    private partial void LogKept(int count, string queue);
}
