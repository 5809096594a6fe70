using System.Text.Json.Serialization;

namespace Softr.Sandbox;

/// <summary>The Users API's error body, <c>{code, message}</c>.</summary>
public sealed record SoftrError(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Message);
