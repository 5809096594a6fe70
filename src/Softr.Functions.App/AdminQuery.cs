using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Softr.Functions.App;

/// <summary>
/// The query parameters the admin API's listings share (<c>from</c>, <c>to</c>, <c>limit</c>, <c>next</c>
/// and the rest), read one way everywhere: each reader gives the value, or the problem to answer.
/// </summary>
internal static class AdminQuery
{
    /// <summary>The parameter's text; null when absent or empty.</summary>
    public static string? Text(HttpRequest request, string name) => request.Query[name].ToString() is { Length: > 0 } value ? value : null;

    /// <summary><c>?connection=</c> as the hooks that call that Softr connection (none for a name no hook calls); null when absent.</summary>
    public static IReadOnlyList<string>? HooksOfConnection(HttpRequest request, Webhooks.HookCatalog catalog) =>
        Text(request, "connection") is { } connection ? catalog.HooksCalling(connection) : null;

    /// <summary>The <c>from</c> and <c>to</c> bounds (ISO 8601, UTC when no offset is given).</summary>
    public static bool TryReadTimes(HttpRequest request, out DateTimeOffset? from, out DateTimeOffset? to, out IActionResult problem)
    {
        from = to = null;
        problem = null!;
        foreach (var bound in new[] { "from", "to" })
        {
            if (Text(request, bound) is not { } text)
            {
                continue;
            }
            if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                problem = WebhookResponses.Problem(ApiProblems.BadTime(bound));
                return false;
            }
            if (bound == "from")
            {
                from = at;
            }
            else
            {
                to = at;
            }
        }
        return true;
    }

    /// <summary>A whole number from 1 to <paramref name="max"/> in <paramref name="name"/>; <paramref name="fallback"/> when absent.</summary>
    public static bool TryReadCount(HttpRequest request, string name, int? fallback, int max, Func<int, Microsoft.AspNetCore.Mvc.ProblemDetails> bad, out int? value, out IActionResult problem)
    {
        value = fallback;
        problem = null!;
        if (Text(request, name) is not { } text)
        {
            return true;
        }
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var asked) || asked < 1 || asked > max)
        {
            problem = WebhookResponses.Problem(bad(max));
            return false;
        }
        value = asked;
        return true;
    }

    public static bool IsDryRun(HttpRequest request) => bool.TryParse(Text(request, "dryRun"), out var dryRun) && dryRun;

    public static ObjectResult BadCursor() => WebhookResponses.Problem(ApiProblems.BadCursor());
}
