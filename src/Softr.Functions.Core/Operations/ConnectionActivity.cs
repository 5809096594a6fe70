using System.Text.Json.Serialization;

namespace Softr.Functions.Operations;

/// <summary>
/// One Softr connection over the window: its calls (each try) and how many were answered 429, and its token's waits for
/// the shared budget. Connections that share a token share its budget, so they show the same waits, and
/// <see cref="SharesBudgetWith"/> names the others.
/// </summary>
public sealed record ConnectionActivity(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("domain")] string Domain,
    [property: JsonPropertyName("calls")] long Calls,
    [property: JsonPropertyName("throttled")] long Throttled,
    [property: JsonPropertyName("throttledShare")] double ThrottledShare,
    [property: JsonPropertyName("budgetWaits")] long BudgetWaits,
    [property: JsonPropertyName("budgetWaitSeconds")] double BudgetWaitSeconds,
    [property: JsonPropertyName("sharesBudgetWith")] IReadOnlyList<string> SharesBudgetWith);
