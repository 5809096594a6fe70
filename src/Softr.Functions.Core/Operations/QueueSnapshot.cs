using System.Text.Json.Serialization;
using Azure;
using Azure.Storage.Queues;

namespace Softr.Functions.Operations;

/// <summary>One queue as it stands: its approximate depth, and how long its first visible message has waited.</summary>
public sealed record QueueSnapshot(
    [property: JsonPropertyName("queue")] string Queue,
    [property: JsonPropertyName("depth")] int Depth,
    [property: JsonPropertyName("oldestAgeSeconds")] double OldestAgeSeconds)
{
    /// <summary>Two reads of <paramref name="queue"/> (properties and a peek); a queue not created yet is empty.</summary>
    public static async Task<QueueSnapshot> TakeAsync(QueueClient queue, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        try
        {
            var properties = await queue.GetPropertiesAsync(cancellationToken).ConfigureAwait(false);
            var first = (await queue.PeekMessagesAsync(maxMessages: 1, cancellationToken).ConfigureAwait(false)).Value.FirstOrDefault();
            var age = first?.InsertedOn is { } inserted ? Math.Max(0, (now - inserted).TotalSeconds) : 0;
            return new QueueSnapshot(queue.Name, properties.Value.ApproximateMessagesCount, Math.Round(age, 1));
        }
        catch (RequestFailedException missing) when (missing.Status == 404)
        {
            return new QueueSnapshot(queue.Name, 0, 0);
        }
    }
}
