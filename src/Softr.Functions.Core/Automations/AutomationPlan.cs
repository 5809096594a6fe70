using System.Text.Json.Serialization;

namespace Softr.Functions.Automations;

/// <summary>What evaluating an event against the configuration gave: one outcome per automation on its hook.</summary>
public sealed record AutomationEvaluation(
    [property: JsonPropertyName("hook")] string Hook,
    [property: JsonPropertyName("eventType")] string EventType,
    [property: JsonPropertyName("automations")] IReadOnlyList<AutomationOutcome> Automations)
{
    /// <summary>Every value, in every automation, that breaks its input rule.</summary>
    [JsonIgnore]
    public IReadOnlyList<InputError> InputErrors => [.. Automations.SelectMany(outcome => outcome.Errors ?? [])];
}

[JsonConverter(typeof(JsonStringEnumConverter<OutcomeStatus>))]
public enum OutcomeStatus
{
    /// <summary>The automation applies and every input it needs now has a value: its steps are the plan.</summary>
    Planned,

    /// <summary>The automation handles other event types.</summary>
    OtherEventType,

    /// <summary>A condition in <c>When</c> was false.</summary>
    ConditionFailed,

    /// <summary>A required input rendered empty for this event.</summary>
    MissingInput,

    /// <summary>Switched off in the configuration.</summary>
    Disabled,

    /// <summary>A template failed for this event (for example, it exceeded its step limit).</summary>
    MappingFailed,

    /// <summary>
    /// A rendered value breaks its action's input rule (see <see cref="AutomationOutcome.Errors"/>): the
    /// steps are shown, and none of them may run.
    /// </summary>
    InvalidInput,
}

/// <summary>One automation's verdict: its plan, or the reason it will not run.</summary>
public sealed record AutomationOutcome(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("status")] OutcomeStatus Status,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("steps")] IReadOnlyList<PlannedStep> Steps)
{
    /// <summary>For <see cref="OutcomeStatus.InvalidInput"/>: each value that breaks its rule.</summary>
    [JsonPropertyName("errors")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<InputError>? Errors { get; init; }
}

/// <summary>One Softr call the plan makes, with every mapped value.</summary>
public sealed record PlannedStep(
    [property: JsonPropertyName("number")] int Number,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("kind")] ActionKind Kind,
    [property: JsonPropertyName("inputs")] IReadOnlyDictionary<string, PlannedValue> Inputs,
    [property: JsonPropertyName("fields")] IReadOnlyDictionary<string, PlannedValue> Fields);

/// <summary>
/// A mapped value: rendered now, or (when it uses an earlier step's result) its template, rendered by
/// processing once that step has run. Values read from secret-looking settings, and passwords, are
/// marked sensitive and never shown.
/// </summary>
public sealed record PlannedValue(
    [property: JsonPropertyName("value")] string? Value,
    [property: JsonPropertyName("deferred")] string? Deferred = null,
    [property: JsonPropertyName("sensitive")] bool Sensitive = false)
{
    public const string Masked = "***";

    /// <summary>The value fit to show a person: masked when sensitive.</summary>
    public PlannedValue ForDisplay() => Sensitive && Value is not null ? this with { Value = Masked } : this;
}
