using System.Text.Json.Serialization;

namespace Softr.Database;

/// <summary>A Softr Database the token can reach.</summary>
public sealed record SoftrDatabase(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string? Name);
