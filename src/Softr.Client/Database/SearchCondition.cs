using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Softr.Database;

/// <summary>
/// One node of a search filter, in Softr's wire shape. Build it with <see cref="SearchFilter"/>, which
/// knows which members each operator needs: binary and list operators compare <c>leftSide</c> (a field
/// ID) with <c>rightSide</c>; range operators use <c>lowerBound</c>/<c>upperBound</c>; unary ones need
/// only the field; <c>AND</c>/<c>OR</c> hold <c>conditions</c>.
/// </summary>
public sealed record SearchCondition
{
    /// <summary>One of <see cref="SearchOperators"/>.</summary>
    [JsonPropertyName("operator")]
    public required string Operator { get; init; }

    /// <summary>The field ID compared, for every operator but <c>AND</c> and <c>OR</c>.</summary>
    [JsonPropertyName("leftSide")]
    public string? LeftSide { get; init; }

    /// <summary>The value (binary operators) or the list of values (list operators).</summary>
    [JsonPropertyName("rightSide")]
    public JsonNode? RightSide { get; init; }

    /// <summary>The lower bound, for range operators.</summary>
    [JsonPropertyName("lowerBound")]
    public JsonNode? LowerBound { get; init; }

    /// <summary>The upper bound, for range operators.</summary>
    [JsonPropertyName("upperBound")]
    public JsonNode? UpperBound { get; init; }

    /// <summary>The nested conditions of <c>AND</c> and <c>OR</c>.</summary>
    [JsonPropertyName("conditions")]
    public IReadOnlyList<SearchCondition>? Conditions { get; init; }
}
