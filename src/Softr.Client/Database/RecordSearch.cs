using System.Text.Json.Serialization;

namespace Softr.Database;

/// <summary>
/// Body of <c>POST .../records/search</c>; every part is optional. Paging is set by the client per
/// page, so <see cref="Paging"/> is only for a single-page call.
/// </summary>
public sealed record RecordSearch
{
    /// <summary>Which records match; every record when null. Built with <see cref="SearchFilter"/>.</summary>
    [JsonIgnore]
    public SearchCondition? Filter { get; init; }

    [JsonPropertyName("filter")]
    [JsonInclude]
    internal SearchFilterBody? FilterBody => Filter is null ? null : new SearchFilterBody(Filter);

    /// <summary>The order of the results, first key first.</summary>
    [JsonPropertyName("sorting")]
    public IReadOnlyList<SearchSort>? Sorting { get; init; }

    /// <summary>One page, for <see cref="ISoftrDatabaseClient.SearchRecordsAsync"/>; the client pages by itself in <see cref="ISoftrDatabaseClient.SearchAllRecordsAsync"/>.</summary>
    [JsonPropertyName("paging")]
    public SearchPaging? Paging { get; init; }
}

internal sealed record SearchFilterBody([property: JsonPropertyName("condition")] SearchCondition Condition);
