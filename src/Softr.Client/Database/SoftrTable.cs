using System.Text.Json.Serialization;

namespace Softr.Database;

/// <summary>A table with its schema. Records key their fields by the field IDs listed here.</summary>
public sealed record SoftrTable(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string? Name)
{
    [JsonPropertyName("description")]
    public string? Description { get; init; }

    [JsonPropertyName("primaryFieldId")]
    public string? PrimaryFieldId { get; init; }

    [JsonPropertyName("defaultViewId")]
    public string? DefaultViewId { get; init; }

    [JsonPropertyName("fields")]
    public IReadOnlyList<SoftrField> Fields { get; init; } = [];

    [JsonPropertyName("createdAt")]
    public DateTimeOffset? CreatedAt { get; init; }

    [JsonPropertyName("updatedAt")]
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>
    /// The field ID for a field named or identified by <paramref name="nameOrId"/>: an exact ID first,
    /// then a name compared case-insensitively. Null when the table has no such field.
    /// </summary>
    public string? ResolveFieldId(string nameOrId)
    {
        ArgumentNullException.ThrowIfNull(nameOrId);
        return Fields.FirstOrDefault(field => string.Equals(field.Id, nameOrId, StringComparison.Ordinal))?.Id
            ?? Fields.FirstOrDefault(field => string.Equals(field.Name, nameOrId, StringComparison.OrdinalIgnoreCase))?.Id;
    }
}
