using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Softr.Functions;

/// <summary>
/// The RFC 9457 answers of the operator API (events, dead letters, replay, keys), and the one prefix
/// of every problem type this app answers with, the door's (<see cref="Webhooks.WebhookProblems"/>)
/// included. Each type is documented in docs/problems.md; a test holds the two together.
/// </summary>
public static class ApiProblems
{
    public const string TypePrefix = "urn:softr-functions:problem:";

    public static ProblemDetails UnknownEvent(string eventId) =>
        Create(StatusCodes.Status404NotFound, "unknown-event", "Unknown event", $"No record of event '{eventId}'. An event is recorded when processing picks it up, seconds after it was accepted unless there is a backlog: one accepted just now may not be here yet.");

    public static ProblemDetails NotDeadLettered(string eventId) =>
        Create(StatusCodes.Status404NotFound, "not-dead-lettered", "Not a dead letter", $"Event '{eventId}' is not among the dead letters; only dead-lettered events are replayed.");

    public static ProblemDetails BadTime(string parameter) =>
        Create(StatusCodes.Status400BadRequest, "bad-time", "Bad time", $"'{parameter}' must be an ISO 8601 time, e.g. 2026-11-24T10:00:00Z.");

    public static ProblemDetails BadLimit(int max) =>
        Create(StatusCodes.Status400BadRequest, "bad-limit", "Bad limit", $"'limit' must be a whole number from 1 to {max}.");

    public static ProblemDetails BadStatus(string status) =>
        Create(StatusCodes.Status400BadRequest, "bad-status", "Bad status", $"'{status}' is not an event status: Accepted, Processing, Succeeded, Failed, Deferred or DeadLettered.");

    public static ProblemDetails BadHours(int max) =>
        Create(StatusCodes.Status400BadRequest, "bad-hours", "Bad window", $"'hours' must be a whole number from 1 to {max}.");

    public static ProblemDetails BadCursor() =>
        Create(StatusCodes.Status400BadRequest, "bad-cursor", "Bad cursor", "'next' must be the value a previous page gave, unchanged.");

    /// <param name="what">What is wrong with it, after "'softr' ".</param>
    /// <param name="apps">The connections whose apps an erasure can reach (those with a domain).</param>
    public static ProblemDetails EraseBadSoftr(string what, IReadOnlyCollection<string> apps) =>
        Create(StatusCodes.Status400BadRequest, "erase-bad-softr", "Bad 'softr'",
            $"'softr' {what}. Send true to delete the person's user in every Softr app, or a list of some of: "
            + (apps.Count == 0 ? "(none: no connection has a domain)." : string.Join(", ", apps) + "."));

    public static ProblemDetails EraseNeedsEmail() =>
        Create(StatusCodes.Status400BadRequest, "erase-needs-email", "E-mail required", "Send {\"email\": \"...\"}: the address whose data is to be erased.");

    /// <param name="header">Where the key goes: named, so the caller knows what to send (the key itself never appears).</param>
    public static ProblemDetails KeyRequired(string header) =>
        Create(StatusCodes.Status401Unauthorized, "key-required", "Key required", $"This endpoint needs the host key in the '{header}' header.");

    /// <summary>401: a key in the URL is refused, even a right one: URLs are logged, kept in history and sent on as Referer.</summary>
    public static ProblemDetails KeyInQuery() =>
        Create(StatusCodes.Status401Unauthorized, "key-in-query", "Key in the URL", "Keys are not taken from the URL ('code'): send the key in the 'x-functions-key' header.");

    /// <summary>415: an admin POST must declare application/json (a web page cannot send that cross-site without a preflight, which is never granted).</summary>
    public static ProblemDetails JsonRequired() =>
        Create(StatusCodes.Status415UnsupportedMediaType, "json-required", "JSON required", "Admin POSTs must be sent with 'Content-Type: application/json' (an empty body is fine).");

    internal static ProblemDetails Create(int status, string type, string title, string detail) => new()
    {
        Status = status,
        Type = TypePrefix + type,
        Title = title,
        Detail = detail,
    };
}
