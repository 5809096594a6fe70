using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Softr.Functions.Automations;
using Softr.Functions.Events;
using Softr.Functions.Storage;
using Softr.Functions.Telemetry;
using Softr.Functions.Webhooks;

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
}

public sealed record ProcessingResult(ProcessingOutcome Outcome, string Detail);

/// <summary>
/// Runs one queued event: evaluates its automations into plans and runs their steps in order, each
/// step's outcome recorded before the next starts. What makes it exactly-once in effect:
/// <list type="bullet">
/// <item>a lease on the event (the summary row, by ETag) so that two copies of its message never run
/// at once; the same message redelivered after a crash takes over at once;</item>
/// <item>a step that succeeded is never run again, on a retry or a replay; its results are reused;</item>
/// <item>a step that is not safe to repeat (an invitation, a plain record create) is marked started
/// before its call, and an unknown outcome dead-letters the event instead of repeating it.</item>
/// </list>
/// Failures are sorted (<see cref="Failure.Classify"/>): permanent ones dead-letter at once, transient
/// ones are sent again with a growing delay up to <see cref="ProcessingOptions.MaxAttempts"/>, and a
/// wait for Softr budget is sent again without counting, so it never burns the dequeue count.
/// </summary>
public sealed partial class EventProcessor(
    AutomationEvaluator evaluator,
    AutomationCatalog catalog,
    PayloadSchemas schemas,
    SoftrStepRunner runner,
    EventProgressStore progressStore,
    DeadLetterStore deadLetters,
    IPayloadStore payloads,
    IEventQueue queue,
    IOptions<ProcessingOptions> options,
    TimeProvider time,
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
        var result = await ProcessCoreAsync(envelope, delivery, cancellationToken).ConfigureAwait(false);
        activity?.SetTag("softr.outcome", result.Outcome.ToString());
        SoftrTelemetry.Attempts.Add(1, new("outcome", result.Outcome.ToString()), new("hook", envelope.Hook));
        if (result.Outcome == ProcessingOutcome.Succeeded)
        {
            SoftrTelemetry.EventAge.Record((time.GetUtcNow() - envelope.ReceivedAt).TotalSeconds, new KeyValuePair<string, object?>("hook", envelope.Hook));
        }
        return result;
    }

    private async Task<ProcessingResult> ProcessCoreAsync(EventEnvelope envelope, QueueDelivery delivery, CancellationToken cancellationToken)
    {
        var progress = await progressStore.ReadAsync(envelope.EventId, cancellationToken).ConfigureAwait(false);
        if (progress.Status is EventStatus.Succeeded or EventStatus.DeadLettered)
        {
            LogAlreadyFinished(envelope.EventId, progress.Status.Value);
            return new ProcessingResult(ProcessingOutcome.AlreadyFinished, $"already {progress.Status}");
        }
        if (progress.LeaseHolder is { } holder && holder != delivery.MessageId && progress.LeaseUntil > time.GetUtcNow())
        {
            // Another copy of this event is running (a duplicate message): look again once it is likely done.
            return await SendAgainAsync(envelope, counted: false, holdsLease: false, "another copy of this event is being processed", cancellationToken).ConfigureAwait(false);
        }
        var attempt = envelope.Failures + 1;
        if (!await progressStore.BeginAttemptAsync(envelope, progress, delivery.MessageId, $"attempt {attempt}", cancellationToken).ConfigureAwait(false))
        {
            return await SendAgainAsync(envelope, counted: false, holdsLease: false, "another copy of this event took it first", cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var (detail, lastStep) = await RunAutomationsAsync(envelope, progress, cancellationToken).ConfigureAwait(false);
            await progressStore.FinishAttemptAsync(envelope, EventStatus.Succeeded, null, detail, cancellationToken, lastStep).ConfigureAwait(false);
            LogSucceeded(envelope.EventId, attempt, Math.Round((time.GetUtcNow() - envelope.ReceivedAt).TotalSeconds, 1));
            return new ProcessingResult(ProcessingOutcome.Succeeded, detail);
        }
        catch (Exception exception) when (exception is not OperationCanceledException && FailureOf(exception) is { } failure)
        {
            return failure.Kind switch
            {
                FailureKind.Permanent => await DeadLetterAsync(envelope, failure.Cause!, failure.Message, cancellationToken).ConfigureAwait(false),
                FailureKind.NoBudget => await SendAgainAsync(envelope, counted: false, holdsLease: true, $"waiting for Softr budget: {failure.Message}", cancellationToken).ConfigureAwait(false),
                _ when attempt >= options.Value.MaxAttempts => await DeadLetterAsync(envelope, FailureCauses.RetriesExhausted,
                    $"{attempt} attempts failed; the last: {failure.Message}", cancellationToken).ConfigureAwait(false),
                _ => await SendAgainAsync(envelope, counted: true, holdsLease: true, failure.Message, cancellationToken).ConfigureAwait(false),
            };
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Unexpected: recorded, then rethrown, so that the queue retries it and, at maxDequeueCount,
            // the poison handler dead-letters it with this detail.
            await RecordQuietlyAsync(envelope, EventStatus.Failed, $"attempt {attempt}: {exception.GetType().Name}: {exception.Message}").ConfigureAwait(false);
            throw;
        }
    }

    private static Failure? FailureOf(Exception exception) =>
        exception is StepFailedException step ? step.Failure : Failure.Classify(exception, action: null);

    /// <summary>
    /// Every planned automation's steps, in order; then the automations that could not be planned fail
    /// the event. The very last step's record is returned rather than written, so that it goes in the
    /// same transaction as the final status (one storage operation fewer per event; nothing follows it).
    /// </summary>
    private async Task<(string Detail, StepRecord? LastStep)> RunAutomationsAsync(EventEnvelope envelope, EventProgress progress, CancellationToken cancellationToken)
    {
        var loaded = await WithPayloadAsync(envelope, cancellationToken).ConfigureAwait(false);
        if (schemas.Check(envelope.Hook, loaded.Payload) is { Count: > 0 } schemaErrors)
        {
            throw new PermanentFailureException(FailureCauses.InvalidInput,
                "the payload breaks the hook's schema: " + string.Join("; ", schemaErrors.Select(error => $"{error.Key} {string.Join(" ", error.Value)}")));
        }
        var evaluation = evaluator.Evaluate(loaded);
        if (evaluation.Automations.Count == 0)
        {
            return ($"no automation on hook '{envelope.Hook}'; no Softr calls", null);
        }

        // A value that breaks its rule stops the whole event before any Softr call: an operator fixes
        // the automation (or the data) and replays it, rather than half of it having run.
        if (evaluation.InputErrors is { Count: > 0 } invalid)
        {
            throw new PermanentFailureException(FailureCauses.InvalidInput, string.Join("; ", invalid));
        }
        var unplanned = evaluation.Automations.Where(outcome => outcome.Status is OutcomeStatus.MissingInput or OutcomeStatus.MappingFailed).ToList();
        var planned = evaluation.Planned.ToList();
        var summary = new StringBuilder();
        StepRecord? lastStep = null;
        foreach (var outcome in planned)
        {
            var automation = catalog.ForHook(envelope.Hook).First(candidate => candidate.Name == outcome.Name);
            var holdLast = unplanned.Count == 0 && outcome == planned[^1];
            var (done, held) = await RunStepsAsync(loaded, automation, outcome, progress, holdLast, cancellationToken).ConfigureAwait(false);
            lastStep = held;
            summary.Append($"{outcome.Name}: {string.Join(", ", done)}; ");
        }
        if (unplanned.Count > 0)
        {
            throw new PermanentFailureException(FailureCauses.Mapping, string.Join("; ", unplanned.Select(outcome => $"{outcome.Name}: {outcome.Reason}")));
        }
        foreach (var skipped in evaluation.Automations.Where(outcome => outcome.Status != OutcomeStatus.Planned))
        {
            summary.Append($"{skipped.Name}: not run ({skipped.Reason}); ");
        }
        return (summary.ToString().TrimEnd(' ', ';'), lastStep);
    }

    /// <summary>
    /// Runs the plan's steps in order; returns what each did, in words fit for the status (never a
    /// value), and, when <paramref name="holdLast"/>, the last step's record unwritten, for the caller.
    /// </summary>
    private async Task<(List<string> Done, StepRecord? Held)> RunStepsAsync(EventEnvelope envelope, CompiledAutomation automation, AutomationOutcome plan,
        EventProgress progress, bool holdLast, CancellationToken cancellationToken)
    {
        StepRecord? held = null;
        var results = new Dictionary<string, IReadOnlyDictionary<string, string?>>(StringComparer.Ordinal);
        var done = new List<string>(plan.Steps.Count);
        foreach (var planned in plan.Steps)
        {
            var step = automation.Steps.First(candidate => candidate.Id == planned.Id);
            var recorded = progress.Step(automation.Name, step.Id);
            if (recorded?.State == StepState.Succeeded)
            {
                results[step.Id] = recorded.Outputs;
                done.Add($"{step.Action.Name} done before");
                continue;
            }
            var startedMarked = false;
            using var stepActivity = SoftrTelemetry.Source.StartActivity($"step {step.Action.Name}");
            stepActivity?.SetTag(SoftrTelemetry.EventIdTag, envelope.EventId);
            stepActivity?.SetTag("softr.automation", automation.Name);
            stepActivity?.SetTag("softr.step", step.Id);
            try
            {
                if (recorded?.State == StepState.Started && !step.Action.SafeToRepeat)
                {
                    throw new PermanentFailureException(FailureCauses.OutcomeUnknown,
                        $"its call went out at {recorded.At:O} and no outcome was recorded (the attempt stopped mid-call). {step.Action.Name} is not repeated blindly: check Softr, then replay to run it again.");
                }
                var call = Render(envelope, step, planned, results);
                var outputs = await runner.RunAsync(call, async () =>
                {
                    await progressStore.RecordStepAsync(envelope.EventId, Record(automation, step, StepState.Started, new Dictionary<string, string?>()), cancellationToken).ConfigureAwait(false);
                    startedMarked = true;
                }, cancellationToken).ConfigureAwait(false);
                var record = Record(automation, step, StepState.Succeeded, outputs);
                if (holdLast && planned == plan.Steps[^1])
                {
                    held = record;
                }
                else
                {
                    await progressStore.RecordStepAsync(envelope.EventId, record, cancellationToken).ConfigureAwait(false);
                }
                results[step.Id] = outputs;
                var outcome = step.Action.Describe(outputs);
                done.Add($"{step.Action.Name} {outcome}");
                LogStepDone(envelope.EventId, automation.Name, step.Id, step.Action.Name, outcome);
            }
            catch (Exception exception) when (exception is not OperationCanceledException && Failure.Classify(exception, step.Action) is { } failure)
            {
                if (startedMarked && exception is SoftrApiException { NotActedOn: true })
                {
                    // The call never reached Softr (no budget, a 429, no connection): the next attempt may make it.
                    await progressStore.ForgetStepAsync(envelope.EventId, automation.Name, step.Id, cancellationToken).ConfigureAwait(false);
                }
                throw new StepFailedException(failure with { Message = $"automation '{automation.Name}', {step}: {failure.Message}" }, exception);
            }
        }
        return (done, held);
    }

    /// <summary>The step's values: those the plan rendered, and those that waited for earlier steps' results, rendered now.</summary>
    private StepCall Render(EventEnvelope envelope, CompiledStep step, PlannedStep planned, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string?>> results)
    {
        MappingScope? scope = null;
        Dictionary<string, string> Values(IReadOnlyDictionary<string, PlannedValue> values, IReadOnlyList<KeyValuePair<string, Mapping>> mappings)
        {
            var rendered = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, value) in values)
            {
                var text = value.Value;
                if (value.Deferred is not null)
                {
                    scope ??= new MappingScope(envelope.Payload, AutomationEvaluator.EventFields(envelope.EventId, envelope.EventType, envelope.Hook,
                        envelope.Sender, envelope.SenderEventId, envelope.ReceivedAt), catalog.Settings, results);
                    text = mappings.First(mapping => string.Equals(mapping.Key, name, StringComparison.OrdinalIgnoreCase)).Value.Render(scope);
                }
                if (text is not null)
                {
                    rendered[name] = text;
                }
            }
            return rendered;
        }

        var call = new StepCall(step.Action.Name, Values(planned.Inputs, step.Inputs), Values(planned.Fields, step.Fields));
        var missing = step.Action.Required.FirstOrDefault(required => !call.Inputs.ContainsKey(required));
        return missing is null
            ? call
            : throw new PermanentFailureException(FailureCauses.Mapping, $"input '{missing}' is empty once earlier steps have run.");
    }

    private StepRecord Record(CompiledAutomation automation, CompiledStep step, StepState state, IReadOnlyDictionary<string, string?> outputs) =>
        new(automation.Name, step.Id, step.Action.Name, state, time.GetUtcNow(), outputs);

    private async Task<EventEnvelope> WithPayloadAsync(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        if (envelope.PayloadReference is not { } reference)
        {
            return envelope;
        }
        try
        {
            var payload = await payloads.GetAsync(reference, cancellationToken).ConfigureAwait(false);
            return envelope with { Payload = payload.ToObjectFromJson<JsonElement>(), PayloadReference = null };
        }
        catch (RequestFailedException missing) when (missing.Status == 404)
        {
            throw new PermanentFailureException(FailureCauses.NotFound, $"The event's payload blob '{reference}' is gone.", missing);
        }
    }

    private async Task<ProcessingResult> DeadLetterAsync(EventEnvelope envelope, string cause, string detail, CancellationToken cancellationToken)
    {
        // The index row first: if the status write is lost, the message is redelivered and ends here again.
        await deadLetters.AddAsync(new DeadLetter(envelope.EventId, envelope.Hook, envelope.EventType, cause, detail, time.GetUtcNow()) { Envelope = envelope },
            rawMessage: null, cancellationToken).ConfigureAwait(false);
        await progressStore.FinishAttemptAsync(envelope, EventStatus.DeadLettered, cause, detail, cancellationToken).ConfigureAwait(false);
        SoftrTelemetry.DeadLetters.Add(1, new("cause", cause), new("hook", envelope.Hook));
        LogDeadLettered(envelope.EventId, cause);
        return new ProcessingResult(ProcessingOutcome.DeadLettered, $"{cause}: {detail}");
    }

    /// <summary>
    /// Sends the event again, invisible for a while, and lets this message complete. A new message starts
    /// with a fresh dequeue count, which is what keeps waits out of the poison queue; whether the attempt
    /// counts is carried in the envelope instead.
    /// </summary>
    private async Task<ProcessingResult> SendAgainAsync(EventEnvelope envelope, bool counted, bool holdsLease, string reason, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var next = counted ? envelope with { Failures = envelope.Failures + 1 } : envelope;
        var delay = counted
            ? Jittered(TimeSpan.FromTicks(Math.Min(settings.MaxRetryDelay.Ticks, settings.RetryBaseDelay.Ticks * (1L << Math.Min(envelope.Failures, 20)))))
            : Jittered(settings.BusyRetryDelay);
        var status = counted ? EventStatus.Failed : EventStatus.Deferred;
        var detail = $"{reason}; again in {delay.TotalSeconds:0.#} s" + (counted ? $" (attempt {next.Failures + 1} of {settings.MaxAttempts})" : " (not counted as an attempt)");
        if (holdsLease)
        {
            // Released with the status; a copy that never took the lease writes nothing.
            await progressStore.FinishAttemptAsync(envelope, status, null, detail, cancellationToken).ConfigureAwait(false);
        }
        await queue.EnqueueAsync(QueueNames.Events, next, delay, cancellationToken).ConfigureAwait(false);
        LogSentAgain(envelope.EventId, status, delay.TotalSeconds, LogText.MaskEmails(reason));
        return new ProcessingResult(counted ? ProcessingOutcome.RetryScheduled : ProcessingOutcome.Deferred, detail);
    }

    private static TimeSpan Jittered(TimeSpan delay) => delay * (0.8 + (Random.Shared.NextDouble() * 0.4));

    private async Task RecordQuietlyAsync(EventEnvelope envelope, EventStatus status, string detail)
    {
        try
        {
            await progressStore.FinishAttemptAsync(envelope, status, null, detail, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RequestFailedException or AggregateException)
        {
            LogStatusWriteFailed(exception, envelope.EventId);
        }
    }

    /// <summary>A step's failure, classified with the step's action in view (which decides whether an unknown outcome may be repeated).</summary>
    private sealed class StepFailedException(Failure failure, Exception inner) : Exception(failure.Message, inner)
    {
        public Failure Failure { get; } = failure;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId}: automation {Automation} step {StepId} ({Action}) {Outcome}")]
    private partial void LogStepDone(string eventId, string automation, string stepId, string action, string outcome);

    // AgeSeconds feeds the "events-late" alert (infra/alerts.bicep).
    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId} succeeded on attempt {Attempt}, {AgeSeconds} s after it was received")]
    private partial void LogSucceeded(string eventId, int attempt, double ageSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId} is already {Status}; nothing to do")]
    private partial void LogAlreadyFinished(string eventId, EventStatus status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} dead-lettered: {Cause}")]
    private partial void LogDeadLettered(string eventId, string cause);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId} {Status}, sent again in {DelaySeconds:0.#} s: {Reason}")]
    private partial void LogSentAgain(string eventId, EventStatus status, double delaySeconds, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the status of event {EventId}")]
    private partial void LogStatusWriteFailed(Exception exception, string eventId);
}
