using System.Diagnostics;
using Azure;
using Microsoft.Extensions.Logging;
using Softr.Functions.Events;
using Softr.Functions.Telemetry;
using Softr.Resilience;

namespace Softr.Functions.Processing;

/// <summary>The queue message an attempt came from: its id tells a redelivery of the same message from another copy.</summary>
public sealed record QueueDelivery(string MessageId, long DequeueCount);

public enum ProcessingOutcome
{
    /// <summary>Every planned step ran (or had run before).</summary>
    Succeeded,

    /// <summary>The event was already finished (succeeded or dead-lettered); nothing was done.</summary>
    AlreadyFinished,

    /// <summary>A failure retrying cannot fix, or too many that it could: recorded with its cause for triage and replay.</summary>
    DeadLettered,

    /// <summary>A transient failure: the event was sent again with a delay, and the attempt counted.</summary>
    RetryScheduled,

    /// <summary>No budget in time, or another copy held the event: sent again with a delay, not counted.</summary>
    Deferred,

    /// <summary>
    /// The event was erased (its summary is a tombstone), or it names a person erased after it was
    /// received: this copy was dropped before any Softr call, and nothing of it was kept.
    /// </summary>
    Erased,

    /// <summary>
    /// This copy of the event was dropped: another copy held the event for longer than
    /// <see cref="ProcessingOptions.MaxDeferral"/>, or took it over mid-attempt. That copy's own message
    /// carries the event on; nothing more was written.
    /// </summary>
    Superseded,
}

public sealed record ProcessingResult(ProcessingOutcome Outcome, string Detail);

/// <summary>
/// Runs one delivery of a queued event: the attempt, its lease, and its outcome. What makes it
/// exactly-once in effect:
/// <list type="bullet">
/// <item>a lease on the event (the summary row, by ETag) so that two copies of its message never run at
/// once; the same message redelivered after a crash takes over at once. It is renewed before every step,
/// and every write that depends on it (a step's started mark, the final status) is conditional on it;</item>
/// <item>the plans are run by <see cref="PlanExecutor"/>: a step that succeeded is never run again, and
/// one that is not safe to repeat is marked started before its call, so an unknown outcome dead-letters
/// the event instead of repeating it.</item>
/// </list>
/// Failures are sorted (<see cref="Failure.Classify"/>): permanent ones dead-letter at once
/// (<see cref="DeadLettering"/>), transient ones are sent again later (<see cref="RetrySchedule"/>) up to
/// <see cref="ProcessingOptions.MaxAttempts"/>, and a wait for Softr budget or for another copy is sent
/// again without counting an attempt, up to <see cref="ProcessingOptions.MaxDeferral"/>.
/// </summary>
public sealed partial class EventProcessor(
    EventProgressStore progressStore,
    PlanExecutor executor,
    DeadLettering deadLettering,
    RetrySchedule schedule,
    IEventQueue queue,
    EventPersonalData personalData,
    StorageOutage outage,
    LaneRouting lanes,
    TimeProvider time,
    Random random,
    ILogger<EventProcessor> logger)
{
    public async Task<ProcessingResult> ProcessAsync(EventEnvelope envelope, QueueDelivery delivery, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(delivery);

        // The webhook's trace goes on here: the envelope carries the accepting request's context.
        ActivityContext.TryParse(envelope.TraceParent, null, out var parent);
        using var activity = SoftrTelemetry.Source.StartActivity("event process", ActivityKind.Consumer, parent);
        activity?.SetTag(SoftrTelemetry.EventIdTag, envelope.EventId);
        activity?.SetTag("softr.hook", envelope.Hook);
        activity?.SetTag("softr.event.type", envelope.EventType);
        activity?.SetTag("softr.attempt", envelope.Failures + 1);
        activity?.SetTag("softr.priority", envelope.Lane.Name);
        // Every Softr call of this attempt waits at the budget in the event's line: its priority, and its hook's turn among the others.
        using var order = CallOrder.Begin(lanes.OrderOf(envelope));
        // A storage outage is waited out here, the whole attempt tried again once storage answers (the same
        // message takes its own lease back), rather than failing the message towards the poison queue.
        var result = await outage.RideOutAsync(token => ProcessCoreAsync(envelope, delivery, token), cancellationToken).ConfigureAwait(false);
        activity?.SetTag("softr.outcome", result.Outcome.ToString());
        SoftrTelemetry.Attempts.Add(1, new("outcome", result.Outcome.ToString()), new("hook", envelope.Hook));
        if (result.Outcome == ProcessingOutcome.Succeeded)
        {
            SoftrTelemetry.EventAge.Record((time.GetUtcNow() - envelope.ReceivedAt).TotalSeconds, new KeyValuePair<string, object?>("hook", envelope.Hook),
                new KeyValuePair<string, object?>("priority", envelope.Lane.Name));
        }
        return result;
    }

    private async Task<ProcessingResult> ProcessCoreAsync(EventEnvelope envelope, QueueDelivery delivery, CancellationToken cancellationToken)
    {
        var progress = await progressStore.ReadAsync(envelope.EventId, cancellationToken).ConfigureAwait(false);
        if (progress.Status == EventStatus.Erased)
        {
            // A copy that came after its person was erased (a retry, a redelivery, a replay): nothing of it may run or stay.
            return await DropErasedAsync(envelope, "the event was erased; this copy was dropped").ConfigureAwait(false);
        }
        if (progress.Status is EventStatus.Succeeded or EventStatus.DeadLettered)
        {
            LogAlreadyFinished(envelope.EventId, progress.Status.Value);
            return new ProcessingResult(ProcessingOutcome.AlreadyFinished, $"already {progress.Status}");
        }
        if (progress.LeaseHolder is { } holder && !EventLease.IsSameMessage(holder, delivery.MessageId) && progress.LeaseUntil > time.GetUtcNow())
        {
            // Another copy of this event is running (a duplicate message): look again once it is likely done.
            return await DeferAsync(envelope, DeferralReason.Busy, lease: null, "another copy of this event is being processed", shownPlan: null, cancellationToken).ConfigureAwait(false);
        }
        // Attempts are counted per event: a sender's redelivery, or a copy of the message, starts with the
        // count the event has, not at zero, so MaxAttempts bounds the event. Its time is when it was first
        // received, not when this copy came: an erasure between the two must drop it (found by the processing
        // simulation: a redelivery after an erasure ran an event the erasure had not yet seen).
        envelope = envelope with
        {
            Failures = Math.Max(envelope.Failures, progress.Failures),
            ReceivedAt = progress.ReceivedAt is { } first && first < envelope.ReceivedAt ? first : envelope.ReceivedAt,
        };
        var attempt = envelope.Failures + 1;
        if (await progressStore.BeginAttemptAsync(envelope, progress, delivery.MessageId, $"attempt {attempt}", cancellationToken).ConfigureAwait(false) is not { } lease)
        {
            return await DeferAsync(envelope, DeferralReason.Busy, lease: null, "another copy of this event took it first", shownPlan: null, cancellationToken).ConfigureAwait(false);
        }

        // The plan as the event's page shows it, once made: written with the attempt's outcome, whatever it is.
        string? shownPlan = null;
        try
        {
            var prepared = await executor.PrepareAsync(envelope, progress, lease, cancellationToken).ConfigureAwait(false);
            shownPlan = prepared.ShownPlan;
            var run = await executor.RunAsync(prepared, progress, lease, cancellationToken).ConfigureAwait(false);
            // In place through an outage: it carries the last step's record, which must not be lost once Softr acted.
            await outage.RideOutAsync(token => progressStore.FinishAttemptAsync(envelope, EventStatus.Succeeded, null, run.Detail, lease, shownPlan, token, run.LastStep,
                run.LastStepSecrets), cancellationToken).ConfigureAwait(false);
            LogSucceeded(envelope.EventId, attempt, Math.Round((time.GetUtcNow() - envelope.ReceivedAt).TotalSeconds, 1));
            return new ProcessingResult(ProcessingOutcome.Succeeded, run.Detail);
        }
        catch (LeaseLostException)
        {
            LogSuperseded(envelope.EventId, attempt);
            return new ProcessingResult(ProcessingOutcome.Superseded, "another attempt took the event over, or it was erased; this one stopped");
        }
        catch (Exception exception) when (outage.RidesOut(exception, cancellationToken))
        {
            // Storage's trouble, not the event's: the attempt is run again in place once storage answers (ProcessAsync),
            // and the event's retries are not spent on it. Past the tolerance, the message fails to the runtime.
            throw;
        }
        catch (EventErasedException erased)
        {
            try
            {
                await progressStore.TombstoneAsync(envelope.EventId, envelope.Hook, envelope.EventType, envelope.ReceivedAt, erased.Person, lease, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (LeaseLostException)
            {
                LogSuperseded(envelope.EventId, attempt);
                return new ProcessingResult(ProcessingOutcome.Superseded, "another attempt took the event over; this one stopped");
            }
            return await DropErasedAsync(envelope, "it names a person erased after it was received; dropped before any Softr call").ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException && FailureOf(exception) is { } failure)
        {
            try
            {
                return await DecideAsync(envelope, lease, failure, shownPlan, cancellationToken).ConfigureAwait(false);
            }
            catch (LeaseLostException)
            {
                LogSuperseded(envelope.EventId, attempt);
                return new ProcessingResult(ProcessingOutcome.Superseded, "another attempt took the event over; this one's outcome was not written");
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Unexpected: recorded, then rethrown, so that the queue retries it and, at maxDequeueCount,
            // the poison handler dead-letters it with this detail.
            await RecordQuietlyAsync(envelope, lease, $"attempt {attempt}: {exception.GetType().Name}: {exception.Message}", shownPlan).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Drops an erased event's copy: its payload blob (a redelivery wrote one again) goes too, and the drop is counted.</summary>
    private async Task<ProcessingResult> DropErasedAsync(EventEnvelope envelope, string why)
    {
        await personalData.DropErasedCopyAsync(envelope).ConfigureAwait(false);
        LogErasedDropped(envelope.EventId);
        return new ProcessingResult(ProcessingOutcome.Erased, why);
    }

    private static Failure? FailureOf(Exception exception) =>
        exception is StepFailedException step ? step.Failure : Failure.Classify(exception, action: null);

    /// <summary>What a sorted failure leads to: a dead letter, a deferral, or a counted retry.</summary>
    /// <param name="shownPlan">The attempt's plan as the event's page shows it; null when it failed before planning (the one recorded before stays).</param>
    private async Task<ProcessingResult> DecideAsync(EventEnvelope envelope, EventLease lease, Failure failure, string? shownPlan, CancellationToken cancellationToken)
    {
        switch (failure.Kind)
        {
            case FailureKind.Permanent:
                return await DeadLetterAsync(envelope, lease, failure.Cause!, failure.Message, shownPlan, cancellationToken).ConfigureAwait(false);
            case FailureKind.NoBudget:
                return await DeferAsync(envelope, DeferralReason.Budget, lease, $"waiting for Softr budget: {failure.Message}", shownPlan, cancellationToken)
                    .ConfigureAwait(false);
            case FailureKind.NotConfigured:
                return await DeferAsync(envelope, DeferralReason.Configuration, lease, $"waiting for configuration: {failure.Message}", shownPlan, cancellationToken)
                    .ConfigureAwait(false);
            case FailureKind.Transient when !schedule.MayRetry(envelope):
                return await DeadLetterAsync(envelope, lease, FailureCauses.RetriesExhausted,
                    $"{envelope.Failures + 1} attempts failed; the last: {failure.Message}", shownPlan, cancellationToken).ConfigureAwait(false);
            default:
                var (next, delay) = schedule.AfterFailure(envelope, random.NextDouble());
                var detail = $"{failure.Message}; again in {delay.TotalSeconds:0.#} s (attempt {next.Failures + 1} of {schedule.MaxAttempts})";
                await SendAgainAsync(next, delay, EventStatus.Failed, lease, detail, failure.Message, shownPlan, cancellationToken).ConfigureAwait(false);
                return new ProcessingResult(ProcessingOutcome.RetryScheduled, detail);
        }
    }

    private async Task<ProcessingResult> DeadLetterAsync(EventEnvelope envelope, EventLease lease, string cause, string detail, string? shownPlan,
        CancellationToken cancellationToken)
    {
        if (!await deadLettering.DeadLetterAsync(envelope, cause, detail, lease, shownPlan, cancellationToken).ConfigureAwait(false))
        {
            return new ProcessingResult(ProcessingOutcome.Erased, "it names a person erased after it was received; dropped, not dead-lettered");
        }
        return new ProcessingResult(ProcessingOutcome.DeadLettered, $"{cause}: {detail}");
    }

    /// <summary>
    /// Puts the event back without counting an attempt, until it has waited <see cref="ProcessingOptions.MaxDeferral"/>
    /// in all: then an event that waits for budget is dead-lettered (<c>no-budget</c>), and a duplicate copy is
    /// dropped, since the copy that holds the event has a message of its own.
    /// </summary>
    /// <param name="lease">Held when this attempt took the event (a wait for budget); null for a copy that never did.</param>
    /// <param name="shownPlan">The attempt's plan as the event's page shows it; null when none was made (the one recorded before stays).</param>
    private async Task<ProcessingResult> DeferAsync(EventEnvelope envelope, DeferralReason reason, EventLease? lease, string why, string? shownPlan,
        CancellationToken cancellationToken)
    {
        var tag = new KeyValuePair<string, object?>("reason", reason.ToString().ToLowerInvariant());
        if (schedule.DeferredTooLong(envelope))
        {
            var waited = schedule.DeferredFor(envelope);
            SoftrTelemetry.DeferralsCapped.Add(1, tag, new("hook", envelope.Hook));
            if (lease is not null)
            {
                return await DeadLetterAsync(envelope, lease, reason == DeferralReason.Configuration ? FailureCauses.NotConfigured : FailureCauses.NoBudget,
                    $"deferred {envelope.Deferrals} times over {waited.TotalHours:0.#} h (Processing:MaxDeferral); the last: {why}", shownPlan, cancellationToken)
                    .ConfigureAwait(false);
            }
            LogDuplicateDropped(envelope.EventId, envelope.Deferrals, waited.TotalHours);
            return new ProcessingResult(ProcessingOutcome.Superseded, $"a duplicate copy, dropped after {envelope.Deferrals} deferrals: {why}");
        }
        var (next, delay) = schedule.AfterDeferral(envelope, random.NextDouble());
        var detail = $"{why}; again in {delay.TotalSeconds:0.#} s (deferral {next.Deferrals}, not counted as an attempt)";
        await SendAgainAsync(next, delay, EventStatus.Deferred, lease, detail, why, shownPlan, cancellationToken).ConfigureAwait(false);
        SoftrTelemetry.Deferrals.Add(1, tag, new("hook", envelope.Hook));
        return new ProcessingResult(ProcessingOutcome.Deferred, detail);
    }

    /// <summary>
    /// Sends the event again, invisible for a while, to the queue it came in (its lane's, or the overflow), and lets this message complete. A new message starts
    /// with a fresh dequeue count, which is what keeps waits out of the poison queue; whether the attempt
    /// counted is carried in the envelope instead. The status is written first, releasing the lease, and
    /// only while it is held: an attempt that lost the event sends nothing.
    /// </summary>
    private async Task SendAgainAsync(EventEnvelope next, TimeSpan delay, EventStatus status, EventLease? lease, string detail, string reason, string? shownPlan,
        CancellationToken cancellationToken)
    {
        if (lease is not null)
        {
            await progressStore.FinishAttemptAsync(next, status, null, detail, lease, shownPlan, cancellationToken).ConfigureAwait(false);
        }
        await queue.EnqueueAsync(next.Queue, next, delay, cancellationToken).ConfigureAwait(false);
        LogSentAgain(next.EventId, status, delay.TotalSeconds, LogText.MaskEmails(reason));
    }

    private async Task RecordQuietlyAsync(EventEnvelope envelope, EventLease lease, string detail, string? shownPlan)
    {
        try
        {
            await progressStore.FinishAttemptAsync(envelope, EventStatus.Failed, null, detail, lease, shownPlan, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RequestFailedException or AggregateException or LeaseLostException)
        {
            LogStatusWriteFailed(exception, envelope.EventId);
        }
    }

    private enum DeferralReason
    {
        Budget,
        Busy,
        Configuration,
    }

    // AgeSeconds feeds the "events-late" alert (infra/alerts.bicep).
    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId} succeeded on attempt {Attempt}, {AgeSeconds} s after it was received")]
    private partial void LogSucceeded(string eventId, int attempt, double ageSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId}: a copy of an erased event was dropped before any Softr call")]
    private partial void LogErasedDropped(string eventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId} is already {Status}; nothing to do")]
    private partial void LogAlreadyFinished(string eventId, EventStatus status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId} {Status}, sent again in {DelaySeconds:0.#} s: {Reason}")]
    private partial void LogSentAgain(string eventId, EventStatus status, double delaySeconds, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId}: attempt {Attempt} lost the event to another attempt and stopped; that attempt decides the outcome")]
    private partial void LogSuperseded(string eventId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId}: a duplicate copy dropped after {Deferrals} deferrals over {Hours:0.#} h; the copy that holds the event carries it on")]
    private partial void LogDuplicateDropped(string eventId, int deferrals, double hours);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the status of event {EventId}")]
    private partial void LogStatusWriteFailed(Exception exception, string eventId);
}
