using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Softr.Functions.Automations;
using Softr.Functions.Events;
using Softr.Functions.Privacy;
using Softr.Functions.Telemetry;
using Softr.Functions.Webhooks;

namespace Softr.Functions.Processing;

/// <summary>
/// Runs one event's plans, under the attempt's lease: evaluates its automations, then runs each planned
/// automation's steps in order, each step's outcome recorded before the next starts.
/// <list type="bullet">
/// <item>the event's people are indexed on the attempt that first runs it, before anything can fail (a
/// dead letter holds the payload too); one erased since the event was received drops it (<see cref="EventErasedException"/>);</item>
/// <item>a step that succeeded before (a retry, a replay) is not run again; its results are reused, and its
/// credential results are opened only if a later step needs them;</item>
/// <item>each call goes out through the step's <see cref="StepCallGuard"/>, which renews the lease, conditional
/// on still holding the event, as it leaves (and marks a call that must not be repeated started);</item>
/// <item>values that wait for an earlier step's results are rendered once those exist, and checked again.</item>
/// </list>
/// Failures are thrown for the caller (<see cref="EventProcessor"/>) to sort.
/// </summary>
public sealed partial class PlanExecutor(
    AutomationEvaluator evaluator,
    HookCatalog catalog,
    SoftrStepRunner runner,
    EventProgressStore progressStore,
    EventPersonalData personalData,
    StepSecrets secrets,
    Hosting.SecretSettingsAudit secretSettings,
    StorageOutage outage,
    UnsentMarks unsentMarks,
    TimeProvider time,
    ILogger<PlanExecutor> logger)
{
    private static readonly JsonSerializerOptions PlanJson = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The event made ready: its payload loaded, its people indexed (on the attempt that first runs it), its
    /// schema checked, and its automations planned, with the plan as the event's page shows it.
    /// </summary>
    /// <exception cref="EventErasedException">A person the event names was erased after it was received.</exception>
    /// <exception cref="PermanentFailureException">The payload breaks the hook's schema.</exception>
    public async Task<PreparedEvent> PrepareAsync(EventEnvelope envelope, EventProgress progress, EventLease lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(progress);
        ArgumentNullException.ThrowIfNull(lease);
        // Once per event, before anything can fail: a dead-lettered event holds the payload too, and must be found by an erase.
        var loaded = await personalData.LoadAsync(envelope, progress, lease, cancellationToken).ConfigureAwait(false);
        // The message names its hook: resolved once, here. A hook since removed from the configuration has no automations.
        var hook = catalog.Find(envelope.Hook);
        if (hook?.CheckSchema(loaded.Payload) is { Count: > 0 } schemaErrors)
        {
            throw new PermanentFailureException(FailureCauses.InvalidInput,
                "the payload breaks the hook's schema: " + string.Join("; ", schemaErrors.Select(error => $"{error.Key} {string.Join(" ", error.Value)}")));
        }
        var plan = evaluator.Plan(hook, loaded);
        // For the console's event page, written with the attempt's outcome (no write of its own).
        return new PreparedEvent(loaded, plan, PersonalDataMasker.MaskPlan(JsonSerializer.SerializeToNode(plan.View, PlanJson)));
    }

    /// <summary>
    /// Every planned automation's steps, in order; then the automations that could not be planned fail
    /// the event. The very last step's record is returned rather than written, so that it goes in the
    /// same transaction as the final status (one storage operation fewer per event; nothing follows it).
    /// </summary>
    public async Task<PlanRun> RunAsync(PreparedEvent prepared, EventProgress progress, EventLease lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        ArgumentNullException.ThrowIfNull(progress);
        ArgumentNullException.ThrowIfNull(lease);
        var (loaded, plan) = (prepared.Envelope, prepared.Plan);
        var evaluation = plan.View;
        if (evaluation.Automations.Count == 0)
        {
            return new PlanRun($"no automation on hook '{loaded.Hook}'; no Softr calls", null);
        }

        // A value that breaks its rule stops the whole event before any Softr call: an operator fixes
        // the automation (or the data) and replays it, rather than half of it having run.
        if (evaluation.InputErrors is { Count: > 0 } invalid)
        {
            throw new PermanentFailureException(FailureCauses.InvalidInput, string.Join("; ", invalid));
        }
        var unplanned = evaluation.Automations.Where(outcome => outcome.Status is OutcomeStatus.MissingInput or OutcomeStatus.MappingFailed).ToList();
        var planned = plan.Planned.ToList();
        if (planned.SelectMany(run => run.Steps).Select(step => step.Step.Connection).Distinct(StringComparer.OrdinalIgnoreCase)
                .Select(secretSettings.UnresolvedSoftrKeyOf).FirstOrDefault(setting => setting is not null) is { } unresolved)
        {
            // The reference's text is no key: nothing is sent with it, and the event waits until App Service resolves it.
            throw new NotConfiguredException($"{unresolved} holds a Key Vault reference App Service could not resolve");
        }
        var summary = new StringBuilder();
        (StepRecord Record, string? Secrets)? lastStep = null;
        foreach (var run in planned)
        {
            var holdLast = unplanned.Count == 0 && ReferenceEquals(run, planned[^1]);
            var (done, held) = await RunStepsAsync(loaded, run, progress, lease, holdLast, cancellationToken).ConfigureAwait(false);
            lastStep = held;
            summary.Append($"{run.Automation.Name}: {string.Join(", ", done)}; ");
        }
        if (unplanned.Count > 0)
        {
            throw new PermanentFailureException(FailureCauses.Mapping, string.Join("; ", unplanned.Select(outcome => $"{outcome.Name}: {outcome.Reason}")));
        }
        foreach (var skipped in evaluation.Automations.Where(outcome => outcome.Status != OutcomeStatus.Planned))
        {
            summary.Append($"{skipped.Name}: not run ({skipped.Reason}); ");
        }
        return new PlanRun(summary.ToString().TrimEnd(' ', ';'), lastStep?.Record, lastStep?.Secrets);
    }

    /// <summary>
    /// Runs the plan's steps in order; returns what each did, and, when <paramref name="holdLast"/>, the
    /// last step's record unwritten, for the caller.
    /// </summary>
    private async Task<(List<string> Done, (StepRecord Record, string? Secrets)? Held)> RunStepsAsync(EventEnvelope envelope, AutomationRun run,
        EventProgress progress, EventLease lease, bool holdLast, CancellationToken cancellationToken)
    {
        var automation = run.Automation;
        (StepRecord, string?)? held = null;
        var results = new StepResults(secrets);
        var done = new List<string>(run.Outcome.Steps.Count);
        var last = run.Outcome.Steps.Count == 0 ? null : run.Outcome.Steps[^1];
        foreach (var (step, planned) in run.Steps)
        {
            var recorded = progress.Step(automation.Name, step.Id);
            if (recorded?.State == StepState.Succeeded)
            {
                results.Add(step.Id, recorded.Outputs, recorded.SealedSecrets);
                done.Add($"{step.Action.Name} done before");
                continue;
            }
            var stepStarted = time.GetTimestamp();
            var guard = new StepCallGuard(progressStore, lease, Record(automation, step, StepState.Started, new Dictionary<string, string?>()),
                step.Action, time, unsentMarks);
            using var journal = StepCallJournal.Begin(guard);
            using var stepActivity = SoftrTelemetry.Source.StartActivity($"step {step.Action.Name}");
            stepActivity?.SetTag(SoftrTelemetry.EventIdTag, envelope.EventId);
            stepActivity?.SetTag("softr.automation", automation.Name);
            stepActivity?.SetTag("softr.step", step.Id);
            try
            {
                if (recorded?.State == StepState.Started && !step.Action.SafeToRepeat && !unsentMarks.NeverSent(envelope.EventId, recorded))
                {
                    throw new PermanentFailureException(FailureCauses.OutcomeUnknown,
                        $"its call went out at {recorded.At:O} and no outcome was recorded (the attempt stopped mid-call). {step.Action.Name} is not repeated blindly: check Softr, then replay to run it again.");
                }
                // Each of the step's calls renews the lease as it goes out (its guard), the proof that no other
                // attempt took the event, and that it was not erased, meanwhile.
                var call = Render(envelope, step, planned, results);
                var outputs = await runner.RunAsync(call, cancellationToken).ConfigureAwait(false);
                var record = Record(automation, step, StepState.Succeeded, outputs) with
                {
                    DurationMs = (long)time.GetElapsedTime(stepStarted).TotalMilliseconds,
                    Calls = journal.Calls,
                };
                var (shown, sealedSecrets) = secrets.Seal(record, step.Action);
                if (holdLast && ReferenceEquals(planned, last))
                {
                    held = (record with { Outputs = shown }, sealedSecrets);
                }
                else
                {
                    // In place through an outage: Softr acted, and the next attempt must know it.
                    await outage.RideOutAsync(token => progressStore.RecordStepAsync(lease, record with { Outputs = shown }, sealedSecrets, token), cancellationToken)
                        .ConfigureAwait(false);
                }
                results.Add(step.Id, outputs, null);
                var outcome = step.Action.Describe(outputs);
                done.Add($"{step.Action.Name} {outcome}");
                LogStepDone(envelope.EventId, automation.Name, step.Id, step.Action.Name, outcome);
            }
            catch (Exception exception) when (exception is not (OperationCanceledException or LeaseLostException) && !outage.RidesOut(exception, cancellationToken)
                && Failure.Classify(exception, step.Action, guard.UnrepeatableCallMayHaveActed) is { } failure)
            {
                // The calls the step made go into the failure's detail: the event's timeline shows them with the attempt.
                var calls = journal.Calls.Count == 0 ? "" : $" [Softr: {journal.Describe()}]";
                throw new StepFailedException(failure with { Message = $"automation '{automation.Name}', {step}: {failure.Message}{calls}" }, exception);
            }
        }
        return (done, held);
    }

    /// <summary>
    /// The step's values: those the plan rendered, and those that waited for earlier steps' results,
    /// rendered now. Their scope is new per step: it sees this automation's results so far, which the
    /// evaluation's scope (and its render cache) must not. A credential an earlier run sealed is opened
    /// here, only if this step's values use it.
    /// </summary>
    private StepCall Render(EventEnvelope envelope, CompiledStep step, PlannedStep planned, StepResults results)
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
                    var mapping = mappings.First(mapping => string.Equals(mapping.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
                    results.Open(mapping.StepReferences);
                    scope ??= new MappingScope(envelope.Payload, AutomationEvaluator.EventFields(envelope.EventId, envelope.EventType, envelope.Hook,
                        envelope.Sender, envelope.SenderEventId, envelope.ReceivedAt), catalog.Settings, results.All);
                    text = mapping.Render(scope);
                }
                if (text is not null)
                {
                    rendered[name] = text;
                }
            }
            return rendered;
        }

        var call = new StepCall(step.Action, Values(planned.Inputs, step.Inputs), Values(planned.Fields, step.Fields), step.Connection);
        var missing = step.Action.Required.FirstOrDefault(required => !call.Inputs.ContainsKey(required));
        return missing is null
            ? call
            : throw new PermanentFailureException(FailureCauses.Mapping, $"input '{missing}' is empty once earlier steps have run.");
    }

    private StepRecord Record(CompiledAutomation automation, CompiledStep step, StepState state, IReadOnlyDictionary<string, string?> outputs) =>
        new(automation.Name, step.Id, step.Action.Name, state, time.GetUtcNow(), outputs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId}: automation {Automation} step {StepId} ({Action}) {Outcome}")]
    private partial void LogStepDone(string eventId, string automation, string stepId, string action, string outcome);
}
