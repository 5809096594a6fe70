using System.Globalization;
using System.Text;
using Softr.Functions.Automations;

namespace Softr.Functions;

/// <summary>
/// The one e-mail rule, used wherever an address is judged or matched: the door and every action input
/// (<see cref="Check"/>), the signup schema, the person index and erasure (<see cref="Normalize"/>,
/// <see cref="FindIn"/>). International domains are checked and compared through IDNA, so
/// <c>ada@bücher.de</c> and <c>ada@xn--bcher-kva.de</c> are one person.
/// </summary>
public static class EmailAddresses
{
    /// <summary>RFC 5321's limit for a whole address.</summary>
    public const int MaxLength = 254;

    /// <summary>RFC 5321's limit for the part before the '@'.</summary>
    public const int MaxLocalLength = 64;

    private const string AtextSymbols = "!#$%&'*+/=?^_`{|}~.-";

    private static readonly IdnMapping Idn = new() { UseStd3AsciiRules = true, AllowUnassigned = false };

    /// <summary>
    /// Null when <paramref name="value"/> is an address Softr can take: a dot-atom of ASCII before the '@'
    /// (RFC 5322), a host of at least two labels after it (international domains allowed, through IDNA,
    /// not ending in a number), at most 254 characters, no control, format, space or direction characters.
    /// Otherwise why not, without repeating the value.
    /// </summary>
    public static string? Check(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0)
        {
            return "is empty.";
        }
        if (value.Length > MaxLength)
        {
            return $"is longer than {MaxLength} characters.";
        }
        if (InputRules.FirstForbidden(value, allowSpaces: false, allowLineBreaks: false) is { } forbidden)
        {
            return $"contains {forbidden}.";
        }
        var at = value.LastIndexOf('@');
        if (at <= 0 || at == value.Length - 1 || value.IndexOf('@', StringComparison.Ordinal) != at)
        {
            return "is not an e-mail address (it needs exactly one '@' with text on both sides).";
        }
        var (local, domain) = (value[..at], value[(at + 1)..]);
        if (local.Length > MaxLocalLength)
        {
            return $"has more than {MaxLocalLength} characters before the '@'.";
        }
        if (!IsDotAtom(local, asciiOnly: true))
        {
            return "is not an e-mail address (the part before the '@' may hold letters, digits and !#$%&'*+/=?^_`{|}~.- only, with no leading, trailing or double dot).";
        }
        return CheckDomain(domain);
    }

    /// <summary>
    /// The form an address is matched and keyed by: trimmed, Unicode-normalised (NFC), lower-cased, the
    /// domain in its ASCII (IDNA) form. Two spellings of one mailbox give one form.
    /// </summary>
    public static string Normalize(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var text = address.Trim().Normalize(NormalizationForm.FormC);
        var at = text.LastIndexOf('@');
        if (at < 0)
        {
            return text.ToLowerInvariant();
        }
        var domain = text[(at + 1)..];
        string ascii;
        try
        {
            ascii = System.Text.Ascii.IsValid(domain) ? domain : Idn.GetAscii(domain);
        }
        catch (ArgumentException)
        {
            ascii = domain;
        }
        return text[..at].ToLowerInvariant() + "@" + ascii.ToLowerInvariant();
    }

    /// <summary>
    /// Every address in free text, in its normal form, once each: what the person index holds and what an
    /// erase request looks for. More generous than <see cref="Check"/> before the '@' (letters of any
    /// script, as internationalised mail allows: <c>jörg@example.com</c>), because what the payload holds is
    /// personal data whether or not Softr could take it; the host is held to the same rule.
    /// </summary>
    public static IReadOnlySet<string> FindIn(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var found = new HashSet<string>(StringComparer.Ordinal);
        for (var at = text.IndexOf('@', StringComparison.Ordinal); at >= 0; at = text.IndexOf('@', at + 1))
        {
            var start = at;
            while (start > 0 && IsLocalCharacter(text, start - 1))
            {
                start--;
            }
            var end = at + 1;
            while (end < text.Length && IsDomainCharacter(text[end]))
            {
                end++;
            }
            var local = text[start..at].TrimStart('.', '\'', '`');
            var domain = text[(at + 1)..end].TrimEnd('.', '-');
            if (local.Length is > 0 and <= MaxLocalLength && IsDotAtom(local, asciiOnly: false) && CheckDomain(domain) is null
                && local.Length + domain.Length < MaxLength)
            {
                found.Add(Normalize(local + "@" + domain));
            }
        }
        return found;
    }

    /// <summary>Whether <paramref name="text"/> is, whole, an address <see cref="FindIn"/> would find (an erase request's input).</summary>
    public static bool IsRecognised(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        return FindIn(trimmed) is { Count: 1 } found && found.Contains(Normalize(trimmed));
    }

    private static bool IsLocalCharacter(string text, int index)
    {
        var c = text[index];
        return char.IsAsciiLetterOrDigit(c) || (c != '\'' && c != '`' && AtextSymbols.Contains(c, StringComparison.Ordinal))
            || (c > 127 && (char.IsLetterOrDigit(c) || char.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark));
    }

    private static bool IsDomainCharacter(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '-' or '.'
        || (c > 127 && (char.IsLetterOrDigit(c) || char.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark));

    private static bool IsDotAtom(string local, bool asciiOnly)
    {
        if (local[0] == '.' || local[^1] == '.' || local.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }
        foreach (var c in local)
        {
            var allowed = char.IsAsciiLetterOrDigit(c) || AtextSymbols.Contains(c, StringComparison.Ordinal)
                || (!asciiOnly && c > 127 && (char.IsLetterOrDigit(c) || char.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark));
            if (!allowed)
            {
                return false;
            }
        }
        return true;
    }

    private static string? CheckDomain(string domain)
    {
        if (domain.Length == 0)
        {
            return "is not an e-mail address (it needs exactly one '@' with text on both sides).";
        }
        // IDNA only where it is needed: most domains are ASCII already, and the mapping costs microseconds.
        var ascii = domain;
        if (!System.Text.Ascii.IsValid(domain))
        {
            // IDNA 2008 takes letters, digits and marks only; the platform's mapping is laxer and lets
            // symbols such as '¥' through (found by the property tests).
            foreach (var c in domain)
            {
                if (!(char.IsLetterOrDigit(c) || c is '-' or '.' || char.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark))
                {
                    return "is not an e-mail address (the domain holds a character no domain name may hold).";
                }
            }
            try
            {
                ascii = Idn.GetAscii(domain);
            }
            catch (ArgumentException)
            {
                return "is not an e-mail address (the domain is not a valid host name).";
            }
        }
        var labels = ascii.Split('.');
        if (labels.Length < 2 || ascii.Length > 253)
        {
            return "is not an e-mail address (the domain needs a dot, as in example.com).";
        }
        foreach (var label in labels)
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-' || !label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                return "is not an e-mail address (the domain is not a valid host name).";
            }
        }
        return labels[^1].All(char.IsAsciiDigit) ? "is not an e-mail address (the domain ends in a number)." : null;
    }
}
