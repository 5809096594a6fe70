using System.Text.Json.Serialization;

namespace Softr.Functions.Webhooks;

/// <summary>The walking skeleton's webhook body: who to create in Softr.</summary>
public sealed record SignupPayload(
    [property: JsonPropertyName("email")] string? Email,
    [property: JsonPropertyName("full_name")] string? FullName);
