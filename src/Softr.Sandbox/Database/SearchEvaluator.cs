using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Softr.Sandbox.Database;

/// <summary>
/// Evaluates a Softr search condition against records: every operator in the reference, composite
/// AND/OR, and the date tokens <c>PREDEFINED:TODAY|YESTERDAY|TOMORROW</c> and
/// <c>RELATIVE_DATE:PAST|FUTURE:N</c> (days).
/// </summary>
public sealed class SearchEvaluator(SandboxTable table, bool fieldNames, DateTimeOffset now)
{
    /// <summary>Throws <see cref="SearchException"/> for a condition Softr would refuse.</summary>
    public bool Matches(JsonObject condition, SandboxRecord record)
    {
        var op = condition["operator"]?.GetValue<string>() ?? throw new SearchException("A condition needs an 'operator'.");
        switch (op)
        {
            case "AND":
                return Conditions(condition).All(child => Matches(child, record));
            case "OR":
                return Conditions(condition).Any(child => Matches(child, record));
        }

        var field = Field(condition);
        var stored = record.Fields.GetValueOrDefault(field.Id);
        var values = FieldValues.Candidates(field, stored);
        var right = condition["rightSide"];

        return op switch
        {
            "IS" => values.Any(value => AreEqual(value, right)),
            "IS_NOT" => !values.Any(value => AreEqual(value, right)),
            "GREATER_THAN" => Compare(values, right) is > 0,
            "GREATER_THAN_OR_EQUALS" => Compare(values, right) is >= 0,
            "LESS_THAN" => Compare(values, right) is < 0,
            "LESS_THAN_OR_EQUALS" => Compare(values, right) is <= 0,
            "CONTAINS" => values.Any(value => Text(value).Contains(Text(right), StringComparison.OrdinalIgnoreCase)),
            "DOES_NOT_CONTAIN" => !values.Any(value => Text(value).Contains(Text(right), StringComparison.OrdinalIgnoreCase)),
            "STARTS_WITH" => values.Any(value => Text(value).StartsWith(Text(right), StringComparison.OrdinalIgnoreCase)),
            "DOES_NOT_START_WITH" => !values.Any(value => Text(value).StartsWith(Text(right), StringComparison.OrdinalIgnoreCase)),
            "ENDS_WITH" => values.Any(value => Text(value).EndsWith(Text(right), StringComparison.OrdinalIgnoreCase)),
            "DOES_NOT_END_WITH" => !values.Any(value => Text(value).EndsWith(Text(right), StringComparison.OrdinalIgnoreCase)),
            "IS_ONE_OF" or "HAS_ANY_OF" => List(right).Any(wanted => values.Any(value => AreEqual(value, wanted))),
            "IS_NOT_ONE_OF" or "HAS_NONE_OF" => !List(right).Any(wanted => values.Any(value => AreEqual(value, wanted))),
            "HAS_ALL_OF" => List(right).All(wanted => values.Any(value => AreEqual(value, wanted))),
            "IS_EMPTY" => FieldValues.IsEmpty(stored),
            "IS_NOT_EMPTY" => !FieldValues.IsEmpty(stored),
            "IS_BETWEEN" or "IS_WITHIN" => IsBetween(values, condition),
            "IS_NOT_BETWEEN" => !IsBetween(values, condition),
            _ => throw new SearchException($"Unknown operator '{op}'."),
        };
    }

    /// <summary>Orders two values the way sorting and comparisons do: numbers, then dates, then text; nulls last.</summary>
    public int CompareForSort(JsonNode? left, JsonNode? right) => (left, right) switch
    {
        (null, null) => 0,
        (null, _) => 1,
        (_, null) => -1,
        _ => CompareScalars(left, right) ?? string.Compare(Text(left), Text(right), StringComparison.OrdinalIgnoreCase),
    };

    private SandboxField Field(JsonObject condition)
    {
        var key = condition["leftSide"]?.GetValue<string>() ?? throw new SearchException("A condition needs a 'leftSide' field ID.");
        return table.FindField(key, fieldNames) ?? throw new SearchException($"Field '{key}' does not exist in table {table.Id}.");
    }

    private static IEnumerable<JsonObject> Conditions(JsonObject condition) =>
        condition["conditions"] is JsonArray children
            ? children.Select(child => child as JsonObject ?? throw new SearchException("'conditions' must hold objects."))
            : throw new SearchException("AND and OR need a 'conditions' array.");

    private static IEnumerable<JsonNode?> List(JsonNode? right) =>
        right as JsonArray ?? throw new SearchException("List operators need an array 'rightSide'.");

    private bool IsBetween(IReadOnlyList<JsonNode> values, JsonObject condition)
    {
        var lower = condition["lowerBound"];
        var upper = condition["upperBound"];
        if (lower is null && upper is null)
        {
            throw new SearchException("Range operators need 'lowerBound' and/or 'upperBound'.");
        }
        return values.Any(value =>
            (lower is null || CompareScalars(value, lower) is >= 0) && (upper is null || CompareScalars(value, upper) is <= 0));
    }

    private int? Compare(IReadOnlyList<JsonNode> values, JsonNode? right) =>
        values.Count == 0 || right is null ? null : CompareScalars(values[0], right);

    private bool AreEqual(JsonNode value, JsonNode? right)
    {
        if (right is null)
        {
            return false;
        }
        return CompareScalars(value, right) is 0
            || string.Equals(Text(value), Text(right), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Numbers compare as numbers and dates (or date tokens) as instants; otherwise null.</summary>
    private int? CompareScalars(JsonNode left, JsonNode right)
    {
        if (left.GetValueKind() == JsonValueKind.Number && right.GetValueKind() == JsonValueKind.Number)
        {
            return left.GetValue<double>().CompareTo(right.GetValue<double>());
        }
        if (Date(left) is { } leftDate && Date(right) is { } rightDate)
        {
            return leftDate.CompareTo(rightDate);
        }
        if (left.GetValueKind() is JsonValueKind.True or JsonValueKind.False && right.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            return left.GetValue<bool>().CompareTo(right.GetValue<bool>());
        }
        return null;
    }

    private DateTimeOffset? Date(JsonNode node)
    {
        if (node.GetValueKind() != JsonValueKind.String)
        {
            return null;
        }
        var text = node.GetValue<string>();
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        switch (text)
        {
            case "PREDEFINED:TODAY":
                return today;
            case "PREDEFINED:YESTERDAY":
                return today.AddDays(-1);
            case "PREDEFINED:TOMORROW":
                return today.AddDays(1);
        }
        var parts = text.Split(':');
        if (parts is ["RELATIVE_DATE", var direction, var days] && int.TryParse(days, CultureInfo.InvariantCulture, out var count))
        {
            return direction switch
            {
                "PAST" => now.AddDays(-count),
                "FUTURE" => now.AddDays(count),
                _ => throw new SearchException($"Unknown relative date '{text}'."),
            };
        }
        // Only strings that look like ISO dates: "12" or "yes" must not parse as dates.
        return text.Length >= 10 && char.IsAsciiDigit(text[0]) && text[4] == '-'
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            ? date
            : null;
    }

    private static string Text(JsonNode? node) => node switch
    {
        null => "",
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        _ => node.ToJsonString(),
    };
}

/// <summary>A search body Softr would refuse with 400.</summary>
public sealed class SearchException(string message) : Exception(message);
