using System.Text.Json.Nodes;

namespace Softr.Database;

/// <summary>
/// Builds search conditions. Fields are named by field ID (resolve names with
/// <see cref="SoftrTable.ResolveFieldId"/>). Dates may be ISO 8601 strings or Softr's tokens such as
/// <c>PREDEFINED:TODAY</c> and <c>RELATIVE_DATE:PAST:7</c>.
/// <code>
/// SearchFilter.And(
///     SearchFilter.Is("fldEmail", "ada@example.com"),
///     SearchFilter.IsOneOf("fldPlan", "pro", "team"))
/// </code>
/// </summary>
public static class SearchFilter
{
    public static SearchCondition Is(string fieldId, JsonNode? value) => Binary(SearchOperators.Is, fieldId, value);
    public static SearchCondition IsNot(string fieldId, JsonNode? value) => Binary(SearchOperators.IsNot, fieldId, value);
    public static SearchCondition GreaterThan(string fieldId, JsonNode? value) => Binary(SearchOperators.GreaterThan, fieldId, value);
    public static SearchCondition GreaterThanOrEquals(string fieldId, JsonNode? value) => Binary(SearchOperators.GreaterThanOrEquals, fieldId, value);
    public static SearchCondition LessThan(string fieldId, JsonNode? value) => Binary(SearchOperators.LessThan, fieldId, value);
    public static SearchCondition LessThanOrEquals(string fieldId, JsonNode? value) => Binary(SearchOperators.LessThanOrEquals, fieldId, value);
    public static SearchCondition Contains(string fieldId, string value) => Binary(SearchOperators.Contains, fieldId, value);
    public static SearchCondition DoesNotContain(string fieldId, string value) => Binary(SearchOperators.DoesNotContain, fieldId, value);
    public static SearchCondition StartsWith(string fieldId, string value) => Binary(SearchOperators.StartsWith, fieldId, value);
    public static SearchCondition DoesNotStartWith(string fieldId, string value) => Binary(SearchOperators.DoesNotStartWith, fieldId, value);
    public static SearchCondition EndsWith(string fieldId, string value) => Binary(SearchOperators.EndsWith, fieldId, value);
    public static SearchCondition DoesNotEndWith(string fieldId, string value) => Binary(SearchOperators.DoesNotEndWith, fieldId, value);

    public static SearchCondition IsOneOf(string fieldId, params JsonNode?[] values) => List(SearchOperators.IsOneOf, fieldId, values);
    public static SearchCondition IsNotOneOf(string fieldId, params JsonNode?[] values) => List(SearchOperators.IsNotOneOf, fieldId, values);
    public static SearchCondition HasAnyOf(string fieldId, params JsonNode?[] values) => List(SearchOperators.HasAnyOf, fieldId, values);
    public static SearchCondition HasAllOf(string fieldId, params JsonNode?[] values) => List(SearchOperators.HasAllOf, fieldId, values);
    public static SearchCondition HasNoneOf(string fieldId, params JsonNode?[] values) => List(SearchOperators.HasNoneOf, fieldId, values);

    public static SearchCondition IsEmpty(string fieldId) => new() { Operator = SearchOperators.IsEmpty, LeftSide = RequireField(fieldId) };
    public static SearchCondition IsNotEmpty(string fieldId) => new() { Operator = SearchOperators.IsNotEmpty, LeftSide = RequireField(fieldId) };

    public static SearchCondition IsBetween(string fieldId, JsonNode? lowerBound, JsonNode? upperBound) => Range(SearchOperators.IsBetween, fieldId, lowerBound, upperBound);
    public static SearchCondition IsNotBetween(string fieldId, JsonNode? lowerBound, JsonNode? upperBound) => Range(SearchOperators.IsNotBetween, fieldId, lowerBound, upperBound);
    public static SearchCondition IsWithin(string fieldId, JsonNode? lowerBound, JsonNode? upperBound) => Range(SearchOperators.IsWithin, fieldId, lowerBound, upperBound);

    public static SearchCondition And(params SearchCondition[] conditions) => Composite(SearchOperators.And, conditions);
    public static SearchCondition Or(params SearchCondition[] conditions) => Composite(SearchOperators.Or, conditions);

    private static SearchCondition Binary(string op, string fieldId, JsonNode? value) =>
        new() { Operator = op, LeftSide = RequireField(fieldId), RightSide = value?.DeepClone() };

    private static SearchCondition List(string op, string fieldId, JsonNode?[] values) =>
        new() { Operator = op, LeftSide = RequireField(fieldId), RightSide = new JsonArray([.. values.Select(value => value?.DeepClone())]) };

    private static SearchCondition Range(string op, string fieldId, JsonNode? lowerBound, JsonNode? upperBound) =>
        new() { Operator = op, LeftSide = RequireField(fieldId), LowerBound = lowerBound?.DeepClone(), UpperBound = upperBound?.DeepClone() };

    private static SearchCondition Composite(string op, SearchCondition[] conditions)
    {
        if (conditions.Length == 0)
        {
            throw new ArgumentException($"{op} needs at least one condition.", nameof(conditions));
        }
        return new() { Operator = op, Conditions = conditions };
    }

    private static string RequireField(string fieldId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fieldId);
        return fieldId;
    }
}
