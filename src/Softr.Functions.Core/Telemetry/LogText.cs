using System.Text.RegularExpressions;

namespace Softr.Functions.Telemetry;

/// <summary>
/// Text from outside (Softr's error messages, which name the user) made fit for a log: email
/// addresses keep their first letter and their domain, <c>a***@example.com</c>, enough to tell two
/// apart in triage and not enough to read one. The event's status (behind a key) keeps the full text.
/// </summary>
public static partial class LogText
{
    public static string MaskEmails(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Email().Replace(text, match => $"{match.Groups[1].Value}***@{match.Groups[2].Value}");
    }

    [GeneratedRegex(@"\b([A-Za-z0-9])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b", RegexOptions.None, matchTimeoutMilliseconds: 50)]
    private static partial Regex Email();
}
