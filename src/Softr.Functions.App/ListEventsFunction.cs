using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Softr.Functions.Events;

namespace Softr.Functions.App;

/// <summary>
/// <c>GET /api/manage/events?hook=&amp;status=&amp;from=&amp;to=&amp;senderEventId=&amp;limit=&amp;next=</c>: processed
/// events, newest first, a page at a time, <c>{"items": [...], "next": ...}</c> (<c>limit</c> 100 by
/// default, at most 1,000). Admin-level. Written by processing, so listing costs the webhook nothing
/// (<see cref="EventIndex"/>); one event's whole story is <c>GET /api/events/{id}</c>.
/// </summary>
public sealed class ListEventsFunction(EventIndex index)
{
    public const string Name = "ListEvents";

    [Function(Name)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = "manage/events")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var query = request.Query;
        string? Text(string name) => query[name].ToString() is { Length: > 0 } value ? value : null;
        var filter = new EventFilter(Text("hook"), SenderEventId: Text("senderEventId"));
        if (Text("status") is { } status)
        {
            if (!Enum.TryParse<EventStatus>(status, ignoreCase: true, out var parsed) || int.TryParse(status, out _))
            {
                return WebhookResponses.Problem(ApiProblems.BadStatus(status));
            }
            filter = filter with { Status = parsed };
        }
        foreach (var bound in new[] { "from", "to" })
        {
            if (Text(bound) is not { } text)
            {
                continue;
            }
            if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                return WebhookResponses.Problem(ApiProblems.BadTime(bound));
            }
            filter = bound == "from" ? filter with { From = at } : filter with { To = at };
        }
        var limit = EventIndex.DefaultPageSize;
        if (Text("limit") is { } limitText && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > EventIndex.MaxPageSize))
        {
            return WebhookResponses.Problem(ApiProblems.BadLimit(EventIndex.MaxPageSize));
        }
        try
        {
            return new OkObjectResult(await index.ListAsync(filter, limit, Text("next"), cancellationToken));
        }
        catch (ArgumentException bad) when (bad.ParamName == "cursor")
        {
            return WebhookResponses.Problem(ApiProblems.BadCursor());
        }
    }
}
