using System.Globalization;
using System.Text.RegularExpressions;

namespace Softr.Functions.Automations;

/// <summary>A compiled condition: true or false for one event, with a reason a person can read when false.</summary>
public abstract class Condition
{
    /// <summary>Null when the condition holds; otherwise why not.</summary>
    public abstract string? Check(MappingScope scope);

    /// <summary>Compiles a definition; problems (named by <paramref name="where"/>) are added to <paramref name="problems"/>.</summary>
    public static Condition? Compile(ConditionDefinition definition, string where, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(problems);
        var combinations = (definition.All.Count > 0 ? 1 : 0) + (definition.Any.Count > 0 ? 1 : 0) + (definition.Not is null ? 0 : 1);
        var operators = Operators(definition);
        if (combinations + (definition.Path is null ? 0 : 1) != 1)
        {
            problems.Add($"{where}: a condition is either All, Any, Not, or a Path with one operator.");
            return null;
        }
        if (definition.All.Count > 0)
        {
            var parts = definition.All.Select((part, i) => Compile(part, $"{where}.All[{i}]", problems)).ToList();
            return parts.Contains(null) ? null : new AllOf(parts!);
        }
        if (definition.Any.Count > 0)
        {
            var parts = definition.Any.Select((part, i) => Compile(part, $"{where}.Any[{i}]", problems)).ToList();
            return parts.Contains(null) ? null : new AnyOf(parts!);
        }
        if (definition.Not is not null)
        {
            return Compile(definition.Not, where + ".Not", problems) is { } inner ? new NotOf(inner) : null;
        }
        if (operators != 1)
        {
            problems.Add($"{where}: Path '{definition.Path}' needs exactly one operator (Equals, NotEquals, In, Exists, Matches, GreaterThan, GreaterThanOrEqual, LessThan, LessThanOrEqual); it has {operators}.");
            return null;
        }
        if (!Mapping.TryParse("{{ " + definition.Path + " }}", out var path, out var error))
        {
            problems.Add($"{where}: Path '{definition.Path}' is not a valid Liquid expression: {error}");
            return null;
        }
        Regex? pattern = null;
        if (definition.Matches is not null)
        {
            try
            {
                // A time limit: a pattern from configuration meets input from strangers.
                pattern = new Regex(definition.Matches, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(50));
            }
            catch (ArgumentException exception)
            {
                problems.Add($"{where}: Matches '{definition.Matches}' is not a valid regular expression: {exception.Message}");
                return null;
            }
        }
        return new Test(definition, path, pattern);
    }

    private static int Operators(ConditionDefinition definition) =>
        new object?[]
        {
            definition.EqualTo, definition.NotEqualTo, definition.In.Count > 0 ? definition.In : null, definition.Exists, definition.Matches,
            definition.GreaterThan, definition.GreaterThanOrEqual, definition.LessThan, definition.LessThanOrEqual,
        }.Count(value => value is not null);

    private sealed class AllOf(IReadOnlyList<Condition> parts) : Condition
    {
        public override string? Check(MappingScope scope) => parts.Select(part => part.Check(scope)).FirstOrDefault(reason => reason is not null);
    }

    private sealed class AnyOf(IReadOnlyList<Condition> parts) : Condition
    {
        public override string? Check(MappingScope scope)
        {
            var reasons = new List<string>();
            foreach (var part in parts)
            {
                if (part.Check(scope) is not { } reason)
                {
                    return null;
                }
                reasons.Add(reason);
            }
            return "none of: " + string.Join("; ", reasons);
        }
    }

    private sealed class NotOf(Condition inner) : Condition
    {
        public override string? Check(MappingScope scope) => inner.Check(scope) is null ? "the negated condition held" : null;
    }

    private sealed class Test(ConditionDefinition definition, Mapping path, Regex? pattern) : Condition
    {
        public override string? Check(MappingScope scope)
        {
            var value = path.Render(scope);
            var holds = definition switch
            {
                { EqualTo: { } expected } => value == expected,
                { NotEqualTo: { } unexpected } => value != unexpected,
                { In.Count: > 0 } => value is not null && definition.In.Contains(value, StringComparer.Ordinal),
                { Exists: { } exists } => (value is not null) == exists,
                { Matches: not null } => value is not null && Matches(value),
                { GreaterThan: { } bound } => Compare(value, bound) is > 0,
                { GreaterThanOrEqual: { } bound } => Compare(value, bound) is >= 0,
                { LessThan: { } bound } => Compare(value, bound) is < 0,
                _ => Compare(value, definition.LessThanOrEqual!) is <= 0,
            };
            // The tested value is never echoed: reasons reach the history, dead letters and the status API, and a value may be an e-mail or a token.
            return holds ? null : $"{definition.Path} {Describe()} (it was {(value is null ? "empty" : "something else")})";
        }

        /// <remarks>
        /// A pattern that runs past its 50 ms is not "no match": the automation cannot decide, and skipping
        /// it silently would lose the event's work. The time-out goes up to the evaluator, which fails the
        /// automation with the cause (and processing dead-letters the event as <c>mapping</c>).
        /// </remarks>
        private bool Matches(string value) => pattern!.IsMatch(value);

        /// <summary>Numbers as numbers, ISO dates as instants, anything else as text; null (no comparison holds) when the value is empty.</summary>
        private static int? Compare(string? value, string bound)
        {
            if (value is null)
            {
                return null;
            }
            if (decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var number)
                && decimal.TryParse(bound, NumberStyles.Number, CultureInfo.InvariantCulture, out var limit))
            {
                return number.CompareTo(limit);
            }
            if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant)
                && DateTimeOffset.TryParse(bound, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var limitInstant))
            {
                return instant.CompareTo(limitInstant);
            }
            return string.CompareOrdinal(value, bound);
        }

        private string Describe() => definition switch
        {
            { EqualTo: { } expected } => $"must equal '{expected}'",
            { NotEqualTo: { } unexpected } => $"must not equal '{unexpected}'",
            { In.Count: > 0 } => $"must be one of '{string.Join("', '", definition.In)}'",
            { Exists: true } => "must be present",
            { Exists: false } => "must be absent",
            { Matches: { } regex } => $"must match /{regex}/",
            { GreaterThan: { } bound } => $"must be greater than {bound}",
            { GreaterThanOrEqual: { } bound } => $"must be at least {bound}",
            { LessThan: { } bound } => $"must be less than {bound}",
            _ => $"must be at most {definition.LessThanOrEqual}",
        };
    }
}
