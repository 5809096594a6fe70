using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Softr.Functions.Automations;
using Softr.Functions.Events;
using Softr.Functions.Privacy;

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
    [property: JsonPropertyName("items")] IReadOnlyList<ReplayItem> Items)
{
    /// <summary>Where to go on from, when the call stopped at its limit with more to do; null when it went through them all.</summary>
    [JsonPropertyName("next")]
    public string? Next { get; init; }
}

/// <summary>
/// Sends dead-lettered events back to processing once their cause is fixed. A replay keeps the steps
/// that succeeded (they are not done twice) and forgets the one that failed, so it runs again. Each
/// replay takes the event first, in one transaction conditional on the summary it read (dead-lettered):
/// of two replays at once, one wins, and the other sees it taken and only makes sure it is queued. The
/// event goes back on the queue before it leaves the dead-letter index: a replay interrupted between the
/// two is listed still, and replaying it again queues a harmless copy. An erased event, or one a
/// retention sweep is deleting or has deleted, is not replayed.
/// </summary>
public sealed partial class EventReplayer(DeadLetterStore deadLetters, EventProgressStore progressStore, IEventQueue queue, StepSecrets secrets,
    ILogger<EventReplayer> logger)
{
    private const string Replayed = "replayed";

    /// <summary>What a replay says of an event whose letter and record went while it looked at them.</summary>
    public const string GoneMeanwhile = "not replayed: the event and its letter are gone (retention, an erasure or another replay took them)";

    public async Task<ReplayItem?> ReplayAsync(string eventId, bool dryRun, CancellationToken cancellationToken)
    {
        var letter = await deadLetters.GetAsync(eventId, cancellationToken).ConfigureAwait(false);
        return letter is null ? null : await ReplayAsync(letter, dryRun, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Every dead letter <paramref name="filter"/> takes, oldest first, read a page at a time (so any
    /// number of them, without holding them all); at most <paramref name="limit"/> when given, with the
    /// cursor to go on from in <see cref="ReplayReport.Next"/>.
    /// </summary>
    public async Task<ReplayReport> ReplayMatchingAsync(DeadLetterFilter filter, bool dryRun, int? limit, string? after, CancellationToken cancellationToken)
    {
        var items = new List<ReplayItem>();
        var cursor = after;
        do
        {
            var size = Math.Min(DeadLetterStore.MaxPageSize, limit is { } most ? most - items.Count : DeadLetterStore.MaxPageSize);
            var page = await deadLetters.ListAsync(filter, size, cursor, cancellationToken).ConfigureAwait(false);
            foreach (var listed in page.Items)
            {
                // The listing carries no envelope: the letter itself has it (and may be gone since).
                var letter = await deadLetters.GetAsync(listed.EventId, cancellationToken).ConfigureAwait(false);
                items.Add(letter is null
                    ? new ReplayItem(listed.EventId, listed.Cause, listed.DeadLetteredAt, "gone: replayed or removed meanwhile")
                    : await ReplayAsync(letter, dryRun, cancellationToken).ConfigureAwait(false));
            }
            cursor = page.Next;
        }
        while (cursor is not null && (limit is null || items.Count < limit));
        return new ReplayReport(dryRun, items.Count, dryRun ? 0 : items.Count(item => item.Result == Replayed), items) { Next = cursor };
    }

    private async Task<ReplayItem> ReplayAsync(DeadLetter letter, bool dryRun, CancellationToken cancellationToken)
    {
        ReplayItem Item(string result) => new(letter.EventId, letter.Cause, letter.DeadLetteredAt, result);
        if (letter.Envelope is not { } envelope)
        {
            return Item("cannot replay: the message was not a readable event");
        }
        if (dryRun)
        {
            return Item("would replay");
        }
        // A fresh start: the failure and deferral counts too, or a replay of an event that ran out of retries (or of waiting) would run out at once.
        var fresh = envelope with { Failures = 0, Deferrals = 0, DeferredSince = null };
        for (var attempt = 0; ; attempt++)
        {
            var progress = await progressStore.ReadAsync(envelope.EventId, cancellationToken).ConfigureAwait(false);
            switch (progress.Status)
            {
                case EventStatus.Erased:
                    await deadLetters.RemoveAsync(letter.EventId, letter.ETag, cancellationToken).ConfigureAwait(false);
                    return Item("not replayed: the person's data was erased");
                case null when await deadLetters.GetAsync(letter.EventId, cancellationToken).ConfigureAwait(false) is null:
                    // No event and no letter since the letter was read: a retention sweep took both (it takes an event only once
                    // its letter is gone), or an erasure or another replay took the letter. Queued again, a swept event would
                    // start from nothing: the steps that succeeded would run again, and the payload may be gone.
                    return Item(GoneMeanwhile);
                case EventStatus.DeadLettered when progress.Sweeping:
                    return Item("not replayed: retention is deleting the event");
                case EventStatus.Succeeded:
                    await deadLetters.RemoveAsync(letter.EventId, letter.ETag, cancellationToken).ConfigureAwait(false);
                    return Item("not replayed: the event has succeeded since");
                case EventStatus.DeadLettered:
                    var rerun = progress.Steps.Where(step => step.State == StepState.Succeeded && !secrets.CanOpen(step.SealedSecrets)
                        && SoftrActions.All.TryGetValue(step.Action, out var action) && action.SafeToRepeat).ToList();
                    if (!await progressStore.ResetForReplayAsync(fresh, progress, $"replayed after {letter.Cause}", rerun, cancellationToken).ConfigureAwait(false))
                    {
                        if (attempt < 3)
                        {
                            continue; // changed since it was read: look again
                        }
                        return Item("not replayed: the event kept changing; try again");
                    }
                    break;
                default:
                    // Another replay took it (it may have stopped before queueing it), or a copy is running:
                    // a copy more is harmless (the lease and the step records keep it to one run).
                    break;
            }
            break;
        }
        await queue.EnqueueAsync(fresh.Queue, fresh, cancellationToken).ConfigureAwait(false);
        await deadLetters.RemoveAsync(letter.EventId, letter.ETag, cancellationToken).ConfigureAwait(false);
        LogReplayed(letter.EventId, letter.Cause);
        return Item(Replayed);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId} replayed (was dead-lettered: {Cause})")]
    private partial void LogReplayed(string eventId, string cause);
}
