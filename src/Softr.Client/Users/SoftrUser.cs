using System.Text.Json.Serialization;

namespace Softr.Users;

/// <summary>A user of a Softr app as the Users API returns it.</summary>
public sealed record SoftrUser(
    [property: JsonPropertyName("full_name")] string? FullName,
    [property: JsonPropertyName("email")] string Email)
{
    /// <summary>The user's status in the app, as Softr reports it (for example <c>ACTIVE</c>).</summary>
    [JsonPropertyName("status")]
    public string? Status { get; init; }

    /// <summary>Present only when the create asked for one. A credential: never log it.</summary>
    [JsonPropertyName("magic_link")]
    public string? MagicLink { get; init; }

    /// <summary>When the user was created.</summary>
    [JsonPropertyName("created")]
    public DateTimeOffset? Created { get; init; }

    /// <summary>When the user was last changed.</summary>
    [JsonPropertyName("updated")]
    public DateTimeOffset? Updated { get; init; }
}
