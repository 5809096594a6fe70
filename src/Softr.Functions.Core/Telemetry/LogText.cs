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

    /// <summary>
    /// An address as telemetry may keep it: percent-escapes decoded first (the Users API puts e-mails in
    /// its paths, <c>/users/ada%40example.com/invite</c>), then e-mails masked.
    /// </summary>
    public static string MaskEmailsInUrl(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.Contains('@', StringComparison.Ordinal) && !url.Contains("%40", StringComparison.OrdinalIgnoreCase))
        {
            return url;
        }
        string decoded;
        try
        {
            decoded = Uri.UnescapeDataString(url);
        }
        catch (UriFormatException)
        {
            decoded = url.Replace("%40", "@", StringComparison.OrdinalIgnoreCase);
        }
        return MaskEmails(decoded);
    }

    /// <summary>Whether <paramref name="text"/> holds an e-mail address, plain or percent-escaped.</summary>
    public static bool HoldsEmail(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Email().IsMatch(text) || (text.Contains("%40", StringComparison.OrdinalIgnoreCase) && Email().IsMatch(text.Replace("%40", "@", StringComparison.OrdinalIgnoreCase)));
    }

    [GeneratedRegex(@"\b([A-Za-z0-9])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b", RegexOptions.None, matchTimeoutMilliseconds: 50)]
    private static partial Regex Email();
}
