namespace Softr.Database;

/// <summary>Every filter operator Softr's search accepts.</summary>
public static class SearchOperators
{
    public const string Is = "IS";
    public const string IsNot = "IS_NOT";
    public const string GreaterThan = "GREATER_THAN";
    public const string GreaterThanOrEquals = "GREATER_THAN_OR_EQUALS";
    public const string LessThan = "LESS_THAN";
    public const string LessThanOrEquals = "LESS_THAN_OR_EQUALS";
    public const string Contains = "CONTAINS";
    public const string DoesNotContain = "DOES_NOT_CONTAIN";
    public const string StartsWith = "STARTS_WITH";
    public const string DoesNotStartWith = "DOES_NOT_START_WITH";
    public const string EndsWith = "ENDS_WITH";
    public const string DoesNotEndWith = "DOES_NOT_END_WITH";

    public const string IsOneOf = "IS_ONE_OF";
    public const string IsNotOneOf = "IS_NOT_ONE_OF";
    public const string HasAnyOf = "HAS_ANY_OF";
    public const string HasAllOf = "HAS_ALL_OF";
    public const string HasNoneOf = "HAS_NONE_OF";

    public const string IsEmpty = "IS_EMPTY";
    public const string IsNotEmpty = "IS_NOT_EMPTY";

    public const string IsBetween = "IS_BETWEEN";
    public const string IsNotBetween = "IS_NOT_BETWEEN";
    public const string IsWithin = "IS_WITHIN";

    public const string And = "AND";
    public const string Or = "OR";

    public static IReadOnlySet<string> Binary { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        Is, IsNot, GreaterThan, GreaterThanOrEquals, LessThan, LessThanOrEquals,
        Contains, DoesNotContain, StartsWith, DoesNotStartWith, EndsWith, DoesNotEndWith,
    };

    public static IReadOnlySet<string> List { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        IsOneOf, IsNotOneOf, HasAnyOf, HasAllOf, HasNoneOf,
    };

    public static IReadOnlySet<string> Unary { get; } = new HashSet<string>(StringComparer.Ordinal) { IsEmpty, IsNotEmpty };

    public static IReadOnlySet<string> Range { get; } = new HashSet<string>(StringComparer.Ordinal) { IsBetween, IsNotBetween, IsWithin };

    public static IReadOnlySet<string> Composite { get; } = new HashSet<string>(StringComparer.Ordinal) { And, Or };
}
