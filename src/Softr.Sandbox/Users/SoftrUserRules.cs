using System.Globalization;
using System.Text.RegularExpressions;

namespace Softr.Sandbox.Users;

/// <summary>
/// What the sandbox refuses in a new user, so that tests against it catch what production would: an
/// address a mail server would not take, control or invisible characters, over-long values. Written
/// for the sandbox on its own (not shared with the app's input rules), so a test cannot pass only
/// because both sides made the same mistake.
/// </summary>
public static partial class SoftrUserRules
{
    public const int MaxEmailLength = 254;
    public const int MaxFullNameLength = 255;

    public static bool IsAcceptableEmail(string email) =>
        email.Length <= MaxEmailLength && !HasHiddenCharacters(email) && Address().IsMatch(email);

    /// <summary>Joiners (U+200C, U+200D) are allowed between letters: Persian and Indic names, and emoji, need them.</summary>
    public static bool IsAcceptableFullName(string fullName) =>
        fullName.Length <= MaxFullNameLength
        && !HasHiddenCharacters(fullName.Replace(' ', 'x').Replace('\u200C', 'x').Replace('\u200D', 'x'))
        && !(fullName.StartsWith('\u200C') || fullName.StartsWith('\u200D') || fullName.EndsWith('\u200C') || fullName.EndsWith('\u200D'));

    private static bool HasHiddenCharacters(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                || c == '\uFFFD')
            {
                return true;
            }
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;    // a whole pair (an emoji, say) is fine
            }
            else if (char.IsSurrogate(c))
            {
                return true;
            }
        }
        return false;
    }

    // A dot-atom local part, then a host of dot-separated labels ending in a non-numeric one (non-ASCII letters allowed in the host).
    [GeneratedRegex(@"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@([\p{L}\p{N}]([\p{L}\p{M}\p{N}-]*[\p{L}\p{M}\p{N}])?\.)+[\p{L}][\p{L}\p{M}\p{N}-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Address();
}
