using System.Globalization;

namespace Softr.Functions.Tests.Simulation;

/// <summary>
/// The part of Table storage's OData <c>$filter</c> the app writes (by hand or through
/// <c>TableClient.CreateQueryFilter</c>): comparisons (<c>eq ne gt ge lt le</c>) of a property with a
/// string, <c>datetime'...'</c>, <c>guid'...'</c>, number or boolean literal, joined by <c>and</c>,
/// <c>or</c>, <c>not</c> and parentheses. A property an entity lacks makes any comparison false, as the
/// service does.
/// </summary>
internal static class ODataFilter
{
    public static Func<IReadOnlyDictionary<string, object?>, bool> Parse(string? filter)
    {
        if (string.IsNullOrWhiteSpace(filter))
        {
            return _ => true;
        }
        var parser = new Parser(Tokenize(filter));
        var predicate = parser.Or();
        return parser.AtEnd ? predicate : throw new FormatException($"Unexpected text in filter: {filter}");
    }

    private sealed class Parser(List<Token> tokens)
    {
        private int _at;

        public bool AtEnd => _at == tokens.Count;

        public Func<IReadOnlyDictionary<string, object?>, bool> Or()
        {
            var left = And();
            while (Keyword("or"))
            {
                var (a, b) = (left, And());
                left = row => a(row) || b(row);
            }
            return left;
        }

        private Func<IReadOnlyDictionary<string, object?>, bool> And()
        {
            var left = Not();
            while (Keyword("and"))
            {
                var (a, b) = (left, Not());
                left = row => a(row) && b(row);
            }
            return left;
        }

        private Func<IReadOnlyDictionary<string, object?>, bool> Not()
        {
            if (Keyword("not"))
            {
                var inner = Not();
                return row => !inner(row);
            }
            if (tokens[_at].Kind == Kind.Open)
            {
                _at++;
                var inner = Or();
                Expect(Kind.Close);
                return inner;
            }
            var left = Operand();
            var op = tokens[_at++];
            if (op.Kind != Kind.Word || op.Text is not ("eq" or "ne" or "gt" or "ge" or "lt" or "le"))
            {
                throw new FormatException($"Expected a comparison, found '{op.Text}'.");
            }
            var right = Operand();
            return row => Compare(left(row), right(row)) is { } order && op.Text switch
            {
                "eq" => order == 0,
                "ne" => order != 0,
                "gt" => order > 0,
                "ge" => order >= 0,
                "lt" => order < 0,
                _ => order <= 0,
            };
        }

        private Func<IReadOnlyDictionary<string, object?>, object?> Operand()
        {
            var token = tokens[_at++];
            return token.Kind switch
            {
                Kind.Literal => _ => token.Value,
                Kind.Word when token.Text is "true" or "false" => _ => token.Text == "true",
                Kind.Word => row => row.GetValueOrDefault(token.Text),
                _ => throw new FormatException($"Expected a property or a value, found '{token.Text}'."),
            };
        }

        private bool Keyword(string word)
        {
            if (_at < tokens.Count && tokens[_at].Kind == Kind.Word && tokens[_at].Text == word)
            {
                _at++;
                return true;
            }
            return false;
        }

        private void Expect(Kind kind)
        {
            if (_at >= tokens.Count || tokens[_at].Kind != kind)
            {
                throw new FormatException($"Expected {kind}.");
            }
            _at++;
        }
    }

    /// <summary>The order of two values of one kind; null when they cannot be compared (a missing property, other kinds).</summary>
    private static int? Compare(object? left, object? right) => (Normalize(left), Normalize(right)) switch
    {
        (string a, string b) => string.CompareOrdinal(a, b),
        (DateTimeOffset a, DateTimeOffset b) => a.CompareTo(b),
        (decimal a, decimal b) => a.CompareTo(b),
        (bool a, bool b) => a.CompareTo(b),
        (Guid a, Guid b) => a.CompareTo(b),
        _ => null,
    };

    private static object? Normalize(object? value) => value switch
    {
        DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)),
        int number => (decimal)number,
        long number => (decimal)number,
        double number => (decimal)number,
        _ => value,
    };

    private enum Kind
    {
        Word,
        Literal,
        Open,
        Close,
    }

    private sealed record Token(Kind Kind, string Text, object? Value = null);

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        for (var i = 0; i < text.Length;)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c is '(' or ')')
            {
                tokens.Add(new Token(c == '(' ? Kind.Open : Kind.Close, c.ToString()));
                i++;
            }
            else if (c == '\'')
            {
                tokens.Add(new Token(Kind.Literal, "'", Quoted(text, ref i)));
            }
            else if (char.IsDigit(c) || (c == '-' && i + 1 < text.Length && char.IsDigit(text[i + 1])))
            {
                var start = i++;
                while (i < text.Length && (char.IsDigit(text[i]) || text[i] is '.' or 'E' or 'e' or '+' or '-'))
                {
                    i++;
                }
                var number = text[start..i];
                if (i < text.Length && text[i] is 'L' or 'l')
                {
                    i++;
                }
                tokens.Add(new Token(Kind.Literal, number, decimal.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture)));
            }
            else
            {
                var start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '.'))
                {
                    i++;
                }
                if (i == start)
                {
                    throw new FormatException($"Unexpected '{c}' in filter: {text}");
                }
                var word = text[start..i];
                if (i < text.Length && text[i] == '\'' && word is "datetime" or "guid" or "X" or "binary")
                {
                    var literal = Quoted(text, ref i);
                    tokens.Add(new Token(Kind.Literal, word, word switch
                    {
                        "datetime" => DateTimeOffset.Parse(literal, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                        "guid" => Guid.Parse(literal),
                        _ => literal,
                    }));
                }
                else
                {
                    tokens.Add(new Token(Kind.Word, word));
                }
            }
        }
        return tokens;
    }

    private static string Quoted(string text, ref int i)
    {
        var value = new System.Text.StringBuilder();
        for (i++; i < text.Length; i++)
        {
            if (text[i] == '\'')
            {
                if (i + 1 < text.Length && text[i + 1] == '\'')
                {
                    value.Append('\'');
                    i++;
                    continue;
                }
                i++;
                return value.ToString();
            }
            value.Append(text[i]);
        }
        throw new FormatException("An unterminated string in a filter.");
    }
}
