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
    /// <summary>The field equals <paramref name="value"/>.</summary>
    /// <param name="fieldId">The field ID (not its name).</param>
    /// <param name="value">The value compared with.</param>
    public static SearchCondition Is(string fieldId, JsonNode? value) => Binary(SearchOperators.Is, fieldId, value);
    /// <summary>The field does not equal <paramref name="value"/>.</summary>
    /// <param name="fieldId">The field ID (not its name).</param>
    /// <param name="value">The value compared with.</param>
    public static SearchCondition IsNot(string fieldId, JsonNode? value) => Binary(SearchOperators.IsNot, fieldId, value);
    /// <summary>The field is greater than <paramref name="value"/>.</summary>
    /// <param name="fieldId">The field ID (not its name).</param>
    /// <param name="value">The value compared with.</param>
    public static SearchCondition GreaterThan(string fieldId, JsonNode? value) => Binary(SearchOperators.GreaterThan, fieldId, value);
    /// <summary>The field is greater than or equal to <paramref name="value"/>.</summary>
    /// <param name="fieldId">The field ID (not its name).</param>
    /// <param name="value">The value compared with.</param>
    public static SearchCondition GreaterThanOrEquals(string fieldId, JsonNode? value) => Binary(SearchOperators.GreaterThanOrEquals, fieldId, value);
    /// <summary>The field is less than <paramref name="value"/>.</summary>
    /// <param name="fieldId">The field ID (not its name).</param>
    /// <param name="value">The value compared with.</param>
    public static SearchCondition LessThan(string fieldId, JsonNode? value) => Binary(SearchOperators.LessThan, fieldId, value);
    /// <summary>The field is less than or equal to <paramref name="value"/>.</summary>
    /// <param name="fieldId">The field ID (not its name).</param>
    /// <param name="value">The value compared with.</param>
    public static SearchCondition LessThanOrEquals(string fieldId, JsonNode? value) => Binary(SearchOperators.LessThanOrEquals, fieldId, value);
    /// <summary>The field contains <paramref name="value"/>.</summary>
    /// <param name="fieldId">The field ID (not its name).</param>
    /// <param name="value">The value compared with.</param>
    public static SearchCondition Contains(string fieldId, string value) => Binary(SearchOperators.Contains, fieldId, value);
    /// <summary>The field does not contain <paramref name="value"/>.</summary>
    /// <param name="fieldId">The field ID (not its name).</param>
    /// <param name="value">The value compared with.</param>
    public static SearchCondition DoesNotContain(string fieldId, string value) => Binary(SearchOperators.DoesNotContain, fieldId, value);
    /// <summary>The field starts with <paramref name="value"/>.</summary>
    /// <param name="fieldId">The field ID (not its name).</param>
    /// <param name="value">The value compared with.</param>
    public static SearchCondition StartsWith(string fieldId, string value) => Binary(SearchOperators.StartsWith, fieldId, value);
    /// <summary>The field does not start with <paramref name="value"/>.</summary>
    /// <param name="fieldId">The field ID (not its name).</param>
    /// <param name="value">The value compared with.</param>
    public static SearchCondition DoesNotStartWith(string fieldId, string value) => Binary(SearchOperators.DoesNotStartWith, fieldId, value);
    /// <summary>The field ends with <paramref name="value"/>.</summary>
    /// <param name="fieldId">The field ID (not its name).</param>
    /// <param name="value">The value compared with.</param>
    public static SearchCondition EndsWith(string fieldId, string value) => Binary(SearchOperators.EndsWith, fieldId, value);
    /// <summary>The field does not end with <paramref name="value"/>.</summary>
    /// <param name="fieldId">The field ID (not its name).</param>
    /// <param name="value">The value compared with.</param>
    public static SearchCondition DoesNotEndWith(string fieldId, string value) => Binary(SearchOperators.DoesNotEndWith, fieldId, value);

    /// <summary>The field equals one of <paramref name="values"/>.</summary>
    /// <param name="fieldId">The field ID (not its name).</param>
    /// <param name="values">The values compared with.</param>
    public static SearchCondition IsOneOf(string fieldId, params JsonNode?[] values) => List(SearchOperators.IsOneOf, fieldId, values);
    /// <summary>The field equals none of <paramref name="values"/>.</summary>
    /// <param name="fieldId">The field ID (not its name).</param>
    /// <param name="values">The values compared with.</param>
    public static SearchCondition IsNotOneOf(string fieldId, params JsonNode?[] values) => List(SearchOperators.IsNotOneOf, fieldId, values);
    /// <summary>The field holds any of <paramref name="values"/>.</summary>
    /// <param name="fieldId">The field ID (not its name).</param>
    /// <param name="values">The values compared with.</param>
    public static SearchCondition HasAnyOf(string fieldId, params JsonNode?[] values) => List(SearchOperators.HasAnyOf, fieldId, values);
    /// <summary>The field holds all of <paramref name="values"/>.</summary>
    /// <param name="fieldId">The field ID (not its name).</param>
    /// <param name="values">The values compared with.</param>
    public static SearchCondition HasAllOf(string fieldId, params JsonNode?[] values) => List(SearchOperators.HasAllOf, fieldId, values);
    /// <summary>The field holds none of <paramref name="values"/>.</summary>
    /// <param name="fieldId">The field ID (not its name).</param>
    /// <param name="values">The values compared with.</param>
    public static SearchCondition HasNoneOf(string fieldId, params JsonNode?[] values) => List(SearchOperators.HasNoneOf, fieldId, values);

    /// <summary>The field has no value.</summary>
    /// <param name="fieldId">The field ID (not its name).</param>
    public static SearchCondition IsEmpty(string fieldId) => new() { Operator = SearchOperators.IsEmpty, LeftSide = RequireField(fieldId) };
    /// <summary>The field has a value.</summary>
    /// <param name="fieldId">The field ID (not its name).</param>
    public static SearchCondition IsNotEmpty(string fieldId) => new() { Operator = SearchOperators.IsNotEmpty, LeftSide = RequireField(fieldId) };

    /// <summary>The field lies between <paramref name="lowerBound"/> and <paramref name="upperBound"/>.</summary>
    /// <param name="fieldId">The field ID (not its name).</param>
    /// <param name="lowerBound">The lower bound: a number, an ISO 8601 date or a Softr date token.</param>
    /// <param name="upperBound">The upper bound.</param>
    public static SearchCondition IsBetween(string fieldId, JsonNode? lowerBound, JsonNode? upperBound) => Range(SearchOperators.IsBetween, fieldId, lowerBound, upperBound);
    /// <summary>The field lies outside <paramref name="lowerBound"/> and <paramref name="upperBound"/>.</summary>
    /// <param name="fieldId">The field ID (not its name).</param>
    /// <param name="lowerBound">The lower bound: a number, an ISO 8601 date or a Softr date token.</param>
    /// <param name="upperBound">The upper bound.</param>
    public static SearchCondition IsNotBetween(string fieldId, JsonNode? lowerBound, JsonNode? upperBound) => Range(SearchOperators.IsNotBetween, fieldId, lowerBound, upperBound);
    /// <summary>The field lies within <paramref name="lowerBound"/> and <paramref name="upperBound"/>.</summary>
    /// <param name="fieldId">The field ID (not its name).</param>
    /// <param name="lowerBound">The lower bound: a number, an ISO 8601 date or a Softr date token.</param>
    /// <param name="upperBound">The upper bound.</param>
    public static SearchCondition IsWithin(string fieldId, JsonNode? lowerBound, JsonNode? upperBound) => Range(SearchOperators.IsWithin, fieldId, lowerBound, upperBound);

    /// <summary>Every one of <paramref name="conditions"/> holds.</summary>
    /// <param name="conditions">One or more conditions.</param>
    /// <exception cref="ArgumentException">No condition is given.</exception>
    public static SearchCondition And(params SearchCondition[] conditions) => Composite(SearchOperators.And, conditions);
    /// <summary>At least one of <paramref name="conditions"/> holds.</summary>
    /// <param name="conditions">One or more conditions.</param>
    /// <exception cref="ArgumentException">No condition is given.</exception>
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
