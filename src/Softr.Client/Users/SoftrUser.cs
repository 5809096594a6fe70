using System.Text.Json.Serialization;

namespace Softr.Users;

/// <summary>A user of a Softr app as the Users API returns it.</summary>
public sealed record SoftrUser(
    [property: JsonPropertyName("full_name")] string? FullName,
    [property: JsonPropertyName("email")] string Email)
{
    [JsonPropertyName("status")]
    public string? Status { get; init; }

    /// <summary>Present only when the create asked for one. A credential: never log it.</summary>
    [JsonPropertyName("magic_link")]
    public string? MagicLink { get; init; }

    [JsonPropertyName("created")]
    public DateTimeOffset? Created { get; init; }

    [JsonPropertyName("updated")]
    public DateTimeOffset? Updated { get; init; }
}
