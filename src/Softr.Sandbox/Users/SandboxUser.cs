using System.Text.Json.Serialization;

namespace Softr.Sandbox.Users;

/// <summary>A user as the sandbox stores it and as the Users API returns it.</summary>
public sealed record SandboxUser(
    [property: JsonPropertyName("full_name")] string FullName,
    [property: JsonPropertyName("email")] string Email,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("magic_link")] string? MagicLink,
    [property: JsonPropertyName("created")] DateTimeOffset Created,
    [property: JsonPropertyName("updated")] DateTimeOffset Updated);
