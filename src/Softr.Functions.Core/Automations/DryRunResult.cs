using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;

namespace Softr.Functions.Automations;

/// <summary>
/// What the door would do with a sample delivery (its <see cref="Verdict"/>, read by the door's own reader),
/// and the plan each event would run. A batch (HubSpot) has a result per event in <see cref="Events"/>.
/// </summary>
/// <param name="Verdict"><c>accepted</c> (queued; a plan with invalid input is dead-lettered before any Softr call), <c>ignored</c> (a type the hook does not handle), <c>refused</c> (see <see cref="Problem"/>), or <c>batch</c>.</param>
/// <param name="EventType">The type the event would be filed under; null for a batch or an event refused before it was typed.</param>
/// <param name="Automations">Each automation's outcome: planned with its steps and every mapped value (sensitive ones masked), or why not.</param>
public sealed record DryRunResult(
    [property: JsonPropertyName("hook")] string Hook,
    [property: JsonPropertyName("verdict")] string Verdict,
    [property: JsonPropertyName("eventType")] string? EventType,
    [property: JsonPropertyName("automations")] IReadOnlyList<AutomationOutcome> Automations)
{
    public const string Accepted = "accepted";
    public const string Ignored = "ignored";
    public const string Refused = "refused";
    public const string Batch = "batch";

    /// <summary>
    /// For <see cref="Refused"/>: the problem the door would answer. Typed <see cref="object"/> so that it is written as what it
    /// is: a <see cref="ValidationProblemDetails"/> written as a <see cref="ProblemDetails"/> would lose its <c>errors</c>.
    /// </summary>
    [JsonPropertyName("problem")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public object? Problem { get; init; }

    /// <summary>
    /// For <see cref="Accepted"/> on a hook that takes events breaking its schema (to dead-letter them): where this one
    /// breaks it. The door takes it, and processing dead-letters it as <c>invalid-input</c> before any Softr call.
    /// </summary>
    [JsonPropertyName("schemaErrors")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string[]>? SchemaErrors { get; init; }

    /// <summary>For <see cref="Batch"/>: each event's result, in the order sent.</summary>
    [JsonPropertyName("events")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<DryRunResult>? Events { get; init; }
}
