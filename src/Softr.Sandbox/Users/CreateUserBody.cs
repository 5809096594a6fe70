using System.Text.Json.Serialization;

namespace Softr.Sandbox.Users;

/// <summary>The body of <c>POST /users</c> as a client may send it; every member may be missing.</summary>
public sealed record CreateUserBody(
    [property: JsonPropertyName("full_name")] string? FullName,
    [property: JsonPropertyName("email")] string? Email,
    [property: JsonPropertyName("password")] string? Password,
    [property: JsonPropertyName("generate_magic_link")] bool? GenerateMagicLink);
