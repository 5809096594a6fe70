using System.Globalization;
using System.Text;

namespace Softr.Functions.Automations;

/// <summary>
/// The rules actions' inputs are checked against, at the door (as soon as an event's plan is known)
/// and again just before each Softr call (a replay, an old message, a value rendered from an earlier
/// step). A value that breaks one never reaches Softr. The limits are documented in the README.
/// </summary>
public static class InputRules
{
    /// <summary>RFC 5321's limit for a whole address.</summary>
    public const int MaxEmailLength = EmailAddresses.MaxLength;

    public const int MaxFullNameLength = 200;

    /// <summary>Softr's ids (databases, tables, records) are short; this leaves room for any of them.</summary>
    public const int MaxIdLength = 128;

    public const int MaxFieldNameLength = 256;

    public const int MaxPasswordLength = 128;

    /// <summary>A record field's value (and a search value): longer than any long-text a person writes, well under Table storage's 64 KiB per property.</summary>
    public const int MaxFieldValueLength = 20_000;

    public const int MaxEmailsInList = 100;

    // Each description is the rule's cell in the README's table of input rules, word for word (ActionInputRulesTests).

    /// <summary>A bare address (see <see cref="EmailAddresses"/>).</summary>
    public static InputRule Email { get; } = new("a bare address `local@domain.tld`: a dot-atom of ASCII letters, digits and ``!#$%&'*+/=?^_`{\\|}~.-`` before the `@` (at most 64), a host of at least two labels after it (international domains allowed, checked through IDNA, not ending in a number), at most 254 characters, no control, format, space or direction characters", EmailAddresses.Check);

    public static InputRule FullName { get; } = new($"trimmed (use `strip`), 1 to {MaxFullNameLength} characters, no control, invisible or direction-override characters (joiners between letters, as Persian names need, are allowed)", CheckFullName);

    public static InputRule Id { get; } = new($"1 to {MaxIdLength} characters, no `/`, `\\`, `?`, `#`, `%`, spaces or control characters, not `.` or `..` (they go into URL paths)", CheckId);

    public static InputRule FieldName { get; } = new($"1 to {MaxFieldNameLength} characters, no control characters", value => CheckText(value, MaxFieldNameLength, allowLineBreaks: false));

    public static InputRule Password { get; } = new($"8 to {MaxPasswordLength} characters, no control characters", CheckPassword);

    public static InputRule Flag { get; } = new("`true`/`false` (also yes/no, 1/0, on/off)", value => IsFlag(value) ? null : "is not true or false.");

    public static InputRule EmailList { get; } = new($"addresses separated by commas, at most {MaxEmailsInList}, each under the `email` rule; none: every user", CheckEmailList);

    public static InputRule FieldValue { get; } = new(string.Create(CultureInfo.InvariantCulture, $"at most {MaxFieldValueLength:N0} characters, no control characters but tab and line breaks; typed by the field (number, checkbox, select...) when the step runs"), value => CheckText(value, MaxFieldValueLength, allowLineBreaks: true));

    public static bool IsTrue(string? text) => text?.Trim().ToUpperInvariant() is "TRUE" or "YES" or "1" or "ON";

    private static bool IsFlag(string text) => text.Trim().ToUpperInvariant() is "TRUE" or "YES" or "1" or "ON" or "FALSE" or "NO" or "0" or "OFF" or "";

    private static string? CheckFullName(string value)
    {
        if (value.Length == 0 || value.Trim().Length == 0)
        {
            return "is empty.";
        }
        if (!string.Equals(value, value.Trim(), StringComparison.Ordinal))
        {
            return "has spaces at its start or end (use the strip filter).";
        }
        // Invisible format characters have no place in a name, but for the two joiners that some scripts
        // (Persian, Indic) and emoji sequences need between letters (found by the property tests: a
        // zero-width space before a name passed).
        foreach (var c in value)
        {
            if (char.GetUnicodeCategory(c) == UnicodeCategory.Format && c is not '\u200C' and not '\u200D' and not (>= '\u202A' and <= '\u202E') and not (>= '\u2066' and <= '\u2069') and not '\u200E' and not '\u200F' and not '\u061C')
            {
                return $"contains an invisible character (U+{(int)c:X4}).";
            }
        }
        if (value[0] is '\u200C' or '\u200D' || value[^1] is '\u200C' or '\u200D')
        {
            return "starts or ends with an invisible joiner.";
        }
        return CheckText(value, MaxFullNameLength, allowLineBreaks: false);
    }

    private static string? CheckId(string value)
    {
        if (value is "." or "..")
        {
            return "is '.' or '..', which would change the URL's path.";
        }
        if (value.Length == 0)
        {
            return "is empty.";
        }
        if (value.Length > MaxIdLength)
        {
            return $"is longer than {MaxIdLength} characters.";
        }
        if (value.IndexOfAny(['/', '\\', '?', '#', '%']) is var slash and >= 0)
        {
            return $"contains '{value[slash]}', which would change the URL it goes into.";
        }
        return FirstForbidden(value, allowSpaces: false, allowLineBreaks: false) is { } forbidden ? $"contains {forbidden}." : null;
    }

    private static string? CheckPassword(string value) =>
        value.Length is < 8 or > MaxPasswordLength
            ? $"must be 8 to {MaxPasswordLength} characters."
            : FirstForbidden(value, allowSpaces: true, allowLineBreaks: false) is { } forbidden ? $"contains {forbidden}." : null;

    private static string? CheckEmailList(string value)
    {
        var emails = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (emails.Length > MaxEmailsInList)
        {
            return $"has more than {MaxEmailsInList} addresses.";
        }
        for (var i = 0; i < emails.Length; i++)
        {
            if (EmailAddresses.Check(emails[i]) is { } problem)
            {
                return $"address {i + 1} {problem}";
            }
        }
        return null;
    }

    private static string? CheckText(string value, int maxLength, bool allowLineBreaks)
    {
        if (value.Length > maxLength)
        {
            return $"is longer than {maxLength} characters.";
        }
        return FirstForbidden(value, allowSpaces: true, allowLineBreaks) is { } forbidden ? $"contains {forbidden}." : null;
    }

    private static bool IsPrintableAscii(string value, bool allowSpaces)
    {
        foreach (var c in value)
        {
            if (c is < ' ' or > '~' || (c == ' ' && !allowSpaces))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// The first character no Softr value should hold, named (never shown): control characters (NUL,
    /// CR/LF where lines are not expected, which is how headers are injected), direction overrides
    /// (text that reads differently from what it is), the replacement character (a decoding error that
    /// got through), and, in addresses, spaces and invisible format characters.
    /// </summary>
    internal static string? FirstForbidden(string value, bool allowSpaces, bool allowLineBreaks)
    {
        // The usual value is printable ASCII: settled in one pass without Unicode tables.
        if (IsPrintableAscii(value, allowSpaces))
        {
            return null;
        }
        foreach (var rune in value.EnumerateRunes())
        {
            var code = rune.Value;
            if (allowLineBreaks && code is '\t' or '\n' or '\r')
            {
                continue;
            }
            var category = Rune.GetUnicodeCategory(rune);
            if (category == UnicodeCategory.Control)
            {
                return $"a control character (U+{code:X4})";
            }
            if (code is >= 0x202A and <= 0x202E or >= 0x2066 and <= 0x2069 or 0x200E or 0x200F or 0x061C)
            {
                return $"a text-direction character (U+{code:X4})";
            }
            if (code == 0xFFFD)
            {
                return "the replacement character U+FFFD (text that was not valid UTF-8)";
            }
            if (category is UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                return $"a line separator (U+{code:X4})";
            }
            if (!allowSpaces && (category is UnicodeCategory.SpaceSeparator or UnicodeCategory.Format || Rune.IsWhiteSpace(rune)))
            {
                return $"a space or invisible character (U+{code:X4})";
            }
        }
        return null;
    }
}
