using System.Text.Json;
using System.Text.Json.Serialization;

namespace Softr.Database;

/// <summary>
/// A record. <see cref="Fields"/> is keyed by field ID, or by field name when the call asked for
/// <c>fieldNames=true</c>; values are kept as JSON because their shape depends on the field type.
/// </summary>
public sealed record SoftrRecord(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("tableId")] string? TableId,
    [property: JsonPropertyName("fields")] IReadOnlyDictionary<string, JsonElement> Fields)
{
    /// <summary>When it was created, as Softr reports it.</summary>
    [JsonPropertyName("createdAt")]
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>When it was last changed, as Softr reports it.</summary>
    [JsonPropertyName("updatedAt")]
    public DateTimeOffset? UpdatedAt { get; init; }
}
