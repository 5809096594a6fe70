using System.Text.Json.Serialization;

namespace Softr.Database;

/// <summary>A table with its schema. Records key their fields by the field IDs listed here.</summary>
public sealed record SoftrTable(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string? Name)
{
    /// <summary>The table's description, if it has one.</summary>
    [JsonPropertyName("description")]
    public string? Description { get; init; }

    /// <summary>The ID of the field Softr shows as the record's title.</summary>
    [JsonPropertyName("primaryFieldId")]
    public string? PrimaryFieldId { get; init; }

    /// <summary>The ID of the table's default view.</summary>
    [JsonPropertyName("defaultViewId")]
    public string? DefaultViewId { get; init; }

    /// <summary>The table's fields, by which records key their values.</summary>
    [JsonPropertyName("fields")]
    public IReadOnlyList<SoftrField> Fields { get; init; } = [];

    /// <summary>When it was created, as Softr reports it.</summary>
    [JsonPropertyName("createdAt")]
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>When it was last changed, as Softr reports it.</summary>
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
