using System.Text.RegularExpressions;

namespace Softr.Functions.Automations;

/// <summary>
/// An automation's or a step's <c>Connection</c> read from an app setting, as every recipe gives it:
/// <c>{{ settings.STRIPE_CHECKOUT_PAID_CONNECTION | default: 'default' }}</c>. App Service on Linux refuses a '-' in a
/// setting's name, so <c>Automations__stripe-checkout-paid__Connection</c> cannot be set there; a setting the file names
/// can. Resolved once, as the automations are bound, so that all that follows (start-up's checks, the console,
/// processing) sees a connection's name. Only this one form: a connection is chosen at start, never per event.
/// </summary>
public static partial class ConnectionSetting
{
    [GeneratedRegex(@"^\{\{\s*settings\.(?<setting>[A-Za-z_][A-Za-z0-9_]*)\s*(\|\s*default:\s*'(?<fallback>[^']*)'\s*)?\}\}$", RegexOptions.CultureInvariant)]
    private static partial Regex Reference();

    /// <summary>
    /// The connection <paramref name="text"/> names: itself when it is a name; when it reads a setting, the setting's value,
    /// else its default, with the setting's name (for start-up's messages). Left as it is when it reads an unset setting with no
    /// default, or is a template of another form: start-up then refuses it (<see cref="Problem"/>).
    /// </summary>
    public static (string? Name, string? Setting) Resolve(string? text, Func<string, string?> setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        if (text is null || Reference().Match(text.Trim()) is not { Success: true } reference)
        {
            return (text, null);
        }
        var name = reference.Groups["setting"].Value;
        var value = setting(name);
        if (!string.IsNullOrWhiteSpace(value))
        {
            return (value.Trim(), name);
        }
        return (reference.Groups["fallback"].Success ? reference.Groups["fallback"].Value.Trim() : text, name);
    }

    /// <summary>Why <paramref name="text"/>, as it is after <see cref="Resolve"/>, is no connection's name; null when it may be one.</summary>
    public static string? Problem(string where, string? text)
    {
        if (text is null || !text.Contains("{{", StringComparison.Ordinal))
        {
            return null;
        }
        return Reference().Match(text.Trim()) is { Success: true } reference
            ? $"{where}: Connection reads the app setting {reference.Groups["setting"].Value}, which is not set; set it to a connection's name, or give a default ({{{{ settings.{reference.Groups["setting"].Value} | default: 'default' }}}})."
            : $"{where}: Connection '{text}' is neither a connection's name nor {{{{ settings.NAME }}}} (optionally with | default: 'name', in single quotes); a connection is chosen at start, not per event.";
    }
}
