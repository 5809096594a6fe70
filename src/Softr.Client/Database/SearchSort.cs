using System.Text.Json.Serialization;

namespace Softr.Database;

/// <summary>Sort by a field ID, or by <c>created_at</c> / <c>updated_at</c>.</summary>
/// <param name="SortingField">The field ID, or <c>created_at</c> / <c>updated_at</c>.</param>
/// <param name="SortType"><see cref="Ascending"/> (the default) or <see cref="Descending"/>.</param>
public sealed record SearchSort(
    [property: JsonPropertyName("sortingField")] string SortingField,
    [property: JsonPropertyName("sortType")] string SortType = SearchSort.Ascending)
{
    /// <summary>Smallest first.</summary>
    public const string Ascending = "ASC";

    /// <summary>Largest first.</summary>
    public const string Descending = "DESC";
}
