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
    [JsonPropertyName("operator")]
    public required string Operator { get; init; }

    [JsonPropertyName("leftSide")]
    public string? LeftSide { get; init; }

    [JsonPropertyName("rightSide")]
    public JsonNode? RightSide { get; init; }

    [JsonPropertyName("lowerBound")]
    public JsonNode? LowerBound { get; init; }

    [JsonPropertyName("upperBound")]
    public JsonNode? UpperBound { get; init; }

    [JsonPropertyName("conditions")]
    public IReadOnlyList<SearchCondition>? Conditions { get; init; }
}
