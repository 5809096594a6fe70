using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Softr.Functions.Events;
using Softr.Functions.Storage;

namespace Softr.Functions.Processing;

/// <summary>What a replay did, or in a dry run would do, to one dead letter.</summary>
public sealed record ReplayItem(
    [property: JsonPropertyName("eventId")] string EventId,
    [property: JsonPropertyName("cause")] string Cause,
    [property: JsonPropertyName("deadLetteredAt")] DateTimeOffset DeadLetteredAt,
    [property: JsonPropertyName("result")] string Result);

public sealed record ReplayReport(
    [property: JsonPropertyName("dryRun")] bool DryRun,
    [property: JsonPropertyName("matched")] int Matched,
    [property: JsonPropertyName("replayed")] int Replayed,
    [property: JsonPropertyName("items")] IReadOnlyList<ReplayItem> Items);

/// <summary>
/// Sends dead-lettered events back to processing once their cause is fixed. A replay keeps the steps
/// that succeeded (they are not done twice) and forgets the one that failed, so it runs again. The
/// event goes back on the queue before it leaves the dead-letter index: a replay interrupted between
/// the two is listed still, and replaying it again is harmless.
/// </summary>
public sealed partial class EventReplayer(DeadLetterStore deadLetters, EventProgressStore progressStore, IEventQueue queue, ILogger<EventReplayer> logger)
{
    /// <summary>The most a bulk replay takes in one call; repeat the call for more.</summary>
    public const int MaxPerCall = 500;

    public async Task<ReplayItem?> ReplayAsync(string eventId, bool dryRun, CancellationToken cancellationToken)
    {
        var letter = await deadLetters.GetAsync(eventId, cancellationToken).ConfigureAwait(false);
        return letter is null ? null : await ReplayAsync(letter, dryRun, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ReplayReport> ReplayMatchingAsync(DeadLetterFilter filter, bool dryRun, CancellationToken cancellationToken)
    {
        var letters = await deadLetters.ListAsync(filter, MaxPerCall, cancellationToken).ConfigureAwait(false);
        var items = new List<ReplayItem>(letters.Count);
        foreach (var letter in letters)
        {
            items.Add(await ReplayAsync(letter, dryRun, cancellationToken).ConfigureAwait(false));
        }
        return new ReplayReport(dryRun, letters.Count, dryRun ? 0 : items.Count(item => item.Result == Replayed), items);
    }

    private const string Replayed = "replayed";

    private async Task<ReplayItem> ReplayAsync(DeadLetter letter, bool dryRun, CancellationToken cancellationToken)
    {
        if (letter.Envelope is not { } envelope)
        {
            return new ReplayItem(letter.EventId, letter.Cause, letter.DeadLetteredAt, "cannot replay: the message was not a readable event");
        }
        if (dryRun)
        {
            return new ReplayItem(letter.EventId, letter.Cause, letter.DeadLetteredAt, "would replay");
        }
        // A fresh start: the failure and deferral counts too, or a replay of an event that ran out of retries (or of waiting) would run out at once.
        var fresh = envelope with { Failures = 0, Deferrals = 0, DeferredSince = null };
        await progressStore.ResetForReplayAsync(fresh, $"replayed after {letter.Cause}", cancellationToken).ConfigureAwait(false);
        await queue.EnqueueAsync(QueueNames.Events, fresh, cancellationToken).ConfigureAwait(false);
        await deadLetters.RemoveAsync(letter.EventId, Azure.ETag.All, cancellationToken).ConfigureAwait(false);
        LogReplayed(letter.EventId, letter.Cause);
        return new ReplayItem(letter.EventId, letter.Cause, letter.DeadLetteredAt, Replayed);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId} replayed (was dead-lettered: {Cause})")]
    private partial void LogReplayed(string eventId, string cause);
}
