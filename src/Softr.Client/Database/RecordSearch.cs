using System.Text.Json.Serialization;

namespace Softr.Database;

/// <summary>
/// Body of <c>POST .../records/search</c>; every part is optional. Paging is set by the client per
/// page, so <see cref="Paging"/> is only for a single-page call.
/// </summary>
public sealed record RecordSearch
{
    [JsonIgnore]
    public SearchCondition? Filter { get; init; }

    [JsonPropertyName("filter")]
    [JsonInclude]
    internal SearchFilterBody? FilterBody => Filter is null ? null : new SearchFilterBody(Filter);

    [JsonPropertyName("sorting")]
    public IReadOnlyList<SearchSort>? Sorting { get; init; }

    [JsonPropertyName("paging")]
    public SearchPaging? Paging { get; init; }
}

/// <summary>Sort by a field ID, or by <c>created_at</c> / <c>updated_at</c>.</summary>
public sealed record SearchSort(
    [property: JsonPropertyName("sortingField")] string SortingField,
    [property: JsonPropertyName("sortType")] string SortType = SearchSort.Ascending)
{
    public const string Ascending = "ASC";
    public const string Descending = "DESC";
}

public sealed record SearchPaging(
    [property: JsonPropertyName("offset")] int Offset,
    [property: JsonPropertyName("limit")] int Limit);

internal sealed record SearchFilterBody([property: JsonPropertyName("condition")] SearchCondition Condition);
