using System.Text.Json.Serialization;

namespace Softr.Database;

/// <summary>One page of a search.</summary>
/// <param name="Offset">How many matching records to skip.</param>
/// <param name="Limit">How many to return, at most <see cref="SoftrDatabaseClient.MaxPageSize"/>.</param>
public sealed record SearchPaging(
    [property: JsonPropertyName("offset")] int Offset,
    [property: JsonPropertyName("limit")] int Limit);
