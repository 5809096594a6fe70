using System.Text.Json;
using System.Text.Json.Serialization;

namespace Softr.Database;

/// <summary>One column of a table. <see cref="Type"/> is Softr's, e.g. <c>SINGLE_LINE_TEXT</c>, <c>NUMBER</c>, <c>SELECT</c>.</summary>
public sealed record SoftrField(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("type")] string Type)
{
    /// <summary>Type-specific options; for select fields, <c>choices</c> with <c>id</c> and <c>label</c>.</summary>
    [JsonPropertyName("options")]
    public JsonElement? Options { get; init; }

    /// <summary>Computed fields (formulas, lookups, created-at...). Never send them in a write.</summary>
    [JsonPropertyName("readonly")]
    public bool ReadOnly { get; init; }

    /// <summary>Whether a create must give the field a value.</summary>
    [JsonPropertyName("required")]
    public bool Required { get; init; }

    /// <summary>Whether the field holds a list (multi-select, linked records).</summary>
    [JsonPropertyName("allowMultipleEntries")]
    public bool AllowMultipleEntries { get; init; }
}
