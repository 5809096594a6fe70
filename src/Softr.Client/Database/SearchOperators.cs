namespace Softr.Database;

/// <summary>Every filter operator Softr's search accepts.</summary>
public static class SearchOperators
{
    /// <summary>The field equals the value.</summary>
    public const string Is = "IS";
    /// <summary>The field does not equal the value.</summary>
    public const string IsNot = "IS_NOT";
    /// <summary>The field is greater than the value (numbers and dates).</summary>
    public const string GreaterThan = "GREATER_THAN";
    /// <summary>The field is greater than or equal to the value.</summary>
    public const string GreaterThanOrEquals = "GREATER_THAN_OR_EQUALS";
    /// <summary>The field is less than the value (numbers and dates).</summary>
    public const string LessThan = "LESS_THAN";
    /// <summary>The field is less than or equal to the value.</summary>
    public const string LessThanOrEquals = "LESS_THAN_OR_EQUALS";
    /// <summary>The text field contains the value.</summary>
    public const string Contains = "CONTAINS";
    /// <summary>The text field does not contain the value.</summary>
    public const string DoesNotContain = "DOES_NOT_CONTAIN";
    /// <summary>The text field starts with the value.</summary>
    public const string StartsWith = "STARTS_WITH";
    /// <summary>The text field does not start with the value.</summary>
    public const string DoesNotStartWith = "DOES_NOT_START_WITH";
    /// <summary>The text field ends with the value.</summary>
    public const string EndsWith = "ENDS_WITH";
    /// <summary>The text field does not end with the value.</summary>
    public const string DoesNotEndWith = "DOES_NOT_END_WITH";

    /// <summary>The field equals one of the listed values.</summary>
    public const string IsOneOf = "IS_ONE_OF";
    /// <summary>The field equals none of the listed values.</summary>
    public const string IsNotOneOf = "IS_NOT_ONE_OF";
    /// <summary>The multi-value field holds at least one of the listed values.</summary>
    public const string HasAnyOf = "HAS_ANY_OF";
    /// <summary>The multi-value field holds every listed value.</summary>
    public const string HasAllOf = "HAS_ALL_OF";
    /// <summary>The multi-value field holds none of the listed values.</summary>
    public const string HasNoneOf = "HAS_NONE_OF";

    /// <summary>The field has no value.</summary>
    public const string IsEmpty = "IS_EMPTY";
    /// <summary>The field has a value.</summary>
    public const string IsNotEmpty = "IS_NOT_EMPTY";

    /// <summary>The field lies between the lower and upper bound.</summary>
    public const string IsBetween = "IS_BETWEEN";
    /// <summary>The field lies outside the lower and upper bound.</summary>
    public const string IsNotBetween = "IS_NOT_BETWEEN";
    /// <summary>The date field lies within the range (for example a relative date token).</summary>
    public const string IsWithin = "IS_WITHIN";

    /// <summary>Every nested condition holds.</summary>
    public const string And = "AND";
    /// <summary>At least one nested condition holds.</summary>
    public const string Or = "OR";

    /// <summary>The operators that compare a field with one value (<see cref="SearchCondition.RightSide"/>).</summary>
    public static IReadOnlySet<string> Binary { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        Is, IsNot, GreaterThan, GreaterThanOrEquals, LessThan, LessThanOrEquals,
        Contains, DoesNotContain, StartsWith, DoesNotStartWith, EndsWith, DoesNotEndWith,
    };

    /// <summary>The operators that compare a field with a list of values.</summary>
    public static IReadOnlySet<string> List { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        IsOneOf, IsNotOneOf, HasAnyOf, HasAllOf, HasNoneOf,
    };

    /// <summary>The operators that take a field only.</summary>
    public static IReadOnlySet<string> Unary { get; } = new HashSet<string>(StringComparer.Ordinal) { IsEmpty, IsNotEmpty };

    /// <summary>The operators that take a lower and an upper bound.</summary>
    public static IReadOnlySet<string> Range { get; } = new HashSet<string>(StringComparer.Ordinal) { IsBetween, IsNotBetween, IsWithin };

    /// <summary>The operators that combine nested conditions.</summary>
    public static IReadOnlySet<string> Composite { get; } = new HashSet<string>(StringComparer.Ordinal) { And, Or };
}
