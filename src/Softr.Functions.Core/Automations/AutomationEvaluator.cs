using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Softr.Functions.Events;
using Softr.Functions.Webhooks;
using Softr.Resilience;

namespace Softr.Functions.Automations;

/// <summary>
/// Evaluation is pure: given the configuration and an event, it returns the Softr calls the event's
/// automations would make, or why they will not. Nothing here calls Softr or storage; processing
/// executes the plans, and the dry run shows them.
/// </summary>
public sealed class AutomationEvaluator(HookCatalog catalog)
{
    /// <summary>A message off the queue names its hook: resolved here, once.</summary>
    public AutomationEvaluation Evaluate(EventEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        return Evaluate(catalog.Find(envelope.Hook), envelope);
    }

    /// <param name="hook">The envelope's hook, resolved; null for a hook no longer configured, which has no automations.</param>
    public AutomationEvaluation Evaluate(ResolvedHook? hook, EventEnvelope envelope) => Plan(hook, envelope).View;

    /// <summary>What templates see as <c>event</c>.</summary>
    public static Dictionary<string, string?> EventFields(string id, string type, string hook, string sender, string? senderEventId, DateTimeOffset receivedAt) =>
        new(StringComparer.Ordinal)
        {
            ["id"] = id,
            ["type"] = type,
            ["hook"] = hook,
            ["sender"] = sender,
            ["senderEventId"] = senderEventId,
            ["receivedAt"] = receivedAt.ToString("O", CultureInfo.InvariantCulture),
        };

    public AutomationEvaluation Evaluate(ResolvedHook hook, string eventType, JsonElement payload, IReadOnlyDictionary<string, string?> eventFields) =>
        Plan(hook, eventType, payload, eventFields).View;

    /// <summary>What processing runs for <paramref name="envelope"/>, with the view of it that is shown.</summary>
    /// <param name="hook">The envelope's hook, resolved; null for a hook no longer configured, which has no automations.</param>
    public EventPlan Plan(ResolvedHook? hook, EventEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (hook is null)
        {
            return new EventPlan(new AutomationEvaluation(envelope.Hook, envelope.EventType, []), []);
        }
        var eventFields = EventFields(envelope.EventId, envelope.EventType, hook.Name, envelope.Sender, envelope.SenderEventId, envelope.ReceivedAt);
        return Plan(hook, envelope.EventType, envelope.Payload, eventFields);
    }

    private EventPlan Plan(ResolvedHook hook, string eventType, JsonElement payload, IReadOnlyDictionary<string, string?> eventFields)
    {
        ArgumentNullException.ThrowIfNull(hook);
        if (hook.Automations.Count == 0)
        {
            return new EventPlan(new AutomationEvaluation(hook.Name, eventType, []), []);
        }
        var scope = new MappingScope(payload, eventFields, catalog.Settings);
        AutomationRun[] runs = [.. hook.Automations.Select(automation => new AutomationRun(automation, EvaluateSafely(automation, eventType, scope)))];
        return new EventPlan(new AutomationEvaluation(hook.Name, eventType, [.. runs.Select(run => run.Outcome)]), runs);
    }

    /// <summary>
    /// The priority <paramref name="envelope"/> travels at: the highest of its hook's and those of the automations it
    /// matches (enabled, handling its type, conditions met). Only automations that would raise it are looked at, so a
    /// hook without any costs nothing; a condition that fails to evaluate does not raise it.
    /// </summary>
    public CallPriority PriorityOf(ResolvedHook hook, EventEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(hook);
        ArgumentNullException.ThrowIfNull(envelope);
        if (hook.Raising.Count == 0)
        {
            return hook.Priority;
        }
        var scope = new MappingScope(envelope.Payload,
            EventFields(envelope.EventId, envelope.EventType, hook.Name, envelope.Sender, envelope.SenderEventId, envelope.ReceivedAt), catalog.Settings);
        var raised = hook.Raising.FirstOrDefault(automation => automation.Handles(envelope.EventType) && Matches(automation, scope));
        return raised?.Priority ?? hook.Priority;
    }

    private static bool Matches(CompiledAutomation automation, MappingScope scope)
    {
        try
        {
            return automation.When?.Check(scope) is null;
        }
        catch (Exception exception) when (exception is RegexMatchTimeoutException or InvalidOperationException or FormatException or ArgumentException or OverflowException or IOException)
        {
            return false; // the plan reports it; the event keeps its hook's lane
        }
    }

    /// <summary>One automation's template failing (a runaway loop stopped at its step limit, say) must not take the others down.</summary>
    private static AutomationOutcome EvaluateSafely(CompiledAutomation automation, string eventType, MappingScope scope)
    {
        try
        {
            return Evaluate(automation, eventType, scope);
        }
        catch (RegexMatchTimeoutException timeout)
        {
            return new AutomationOutcome(automation.Name, OutcomeStatus.MappingFailed,
                $"a Matches condition (/{timeout.Pattern}/) ran past its {timeout.MatchTimeout.TotalMilliseconds:0} ms limit on a value of {timeout.Input.Length} characters; simplify the pattern", []);
        }
        catch (Exception exception) when (exception is InvalidOperationException or FormatException or ArgumentException or OverflowException or IOException)
        {
            return new AutomationOutcome(automation.Name, OutcomeStatus.MappingFailed, $"a template failed: {exception.Message}", []);
        }
    }

    private static AutomationOutcome Evaluate(CompiledAutomation automation, string eventType, MappingScope scope)
    {
        if (automation.Disabled)
        {
            return new AutomationOutcome(automation.Name, OutcomeStatus.Disabled, "disabled in the configuration", []);
        }
        if (!automation.Handles(eventType))
        {
            return new AutomationOutcome(automation.Name, OutcomeStatus.OtherEventType,
                $"handles {string.Join(", ", automation.Events)}, not {eventType}", []);
        }
        if (automation.When?.Check(scope) is { } failed)
        {
            return new AutomationOutcome(automation.Name, OutcomeStatus.ConditionFailed, failed, []);
        }

        var steps = new List<PlannedStep>(automation.Steps.Count);
        var errors = new List<InputError>();
        foreach (var step in automation.Steps)
        {
            var inputs = Render(step.Inputs, scope);
            var missing = step.Action.Required.FirstOrDefault(required => inputs.GetValueOrDefault(required) is null or { Value: null, Deferred: null });
            if (missing is not null)
            {
                var text = step.Inputs.First(input => string.Equals(input.Key, missing, StringComparison.OrdinalIgnoreCase)).Value.Text;
                return new AutomationOutcome(automation.Name, OutcomeStatus.MissingInput, $"{step}: input '{missing}' is empty for this event (mapped from '{text}')", []);
            }
            // Empty field values are left out, so that a partial event never blanks a record's field.
            var fields = Render(step.Fields, scope).Where(field => field.Value.Value is not null || field.Value.Deferred is not null)
                .ToDictionary(field => field.Key, field => field.Value, StringComparer.OrdinalIgnoreCase);
            steps.Add(new PlannedStep(step.Number, step.Id, step.Action.Name, step.Action.Kind, inputs, fields));
            errors.AddRange(step.Action.Check(Rendered(inputs), Rendered(fields)).Select(error => new InputError(automation.Name, step.Id, error.Input, error.Error)));
        }
        return errors.Count == 0
            ? new AutomationOutcome(automation.Name, OutcomeStatus.Planned, null, steps)
            : new AutomationOutcome(automation.Name, OutcomeStatus.InvalidInput, string.Join("; ", errors), steps) { Errors = errors };
    }

    /// <summary>The values rendered now; those waiting for an earlier step's result are checked when processing renders them.</summary>
    private static IEnumerable<KeyValuePair<string, string>> Rendered(IReadOnlyDictionary<string, PlannedValue> values)
    {
        foreach (var (name, value) in values)
        {
            if (value is { Value: { } text, Deferred: null })
            {
                yield return new(name, text);
            }
        }
    }

    private static Dictionary<string, PlannedValue> Render(IReadOnlyList<KeyValuePair<string, Mapping>> mappings, MappingScope scope)
    {
        var values = new Dictionary<string, PlannedValue>(mappings.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, mapping) in mappings)
        {
            var sensitive = string.Equals(name, SoftrActions.Password, StringComparison.OrdinalIgnoreCase)
                || mapping.SettingReferences.Any(HookCatalog.IsSecretSetting);
            values[name] = mapping.IsDeferred
                ? new PlannedValue(null, mapping.Text, sensitive)
                : new PlannedValue(mapping.Render(scope), null, sensitive);
        }
        return values;
    }
}
