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
        var filter = new EventFilter(AdminQuery.Text(request, "hook"), SenderEventId: AdminQuery.Text(request, "senderEventId"));
        if (AdminQuery.Text(request, "status") is { } status)
        {
            if (!Enum.TryParse<EventStatus>(status, ignoreCase: true, out var parsed) || int.TryParse(status, out _))
            {
                return WebhookResponses.Problem(ApiProblems.BadStatus(status));
            }
            filter = filter with { Status = parsed };
        }
        if (!AdminQuery.TryReadTimes(request, out var from, out var to, out var problem)
            || !AdminQuery.TryReadCount(request, "limit", EventIndex.DefaultPageSize, EventIndex.MaxPageSize, ApiProblems.BadLimit, out var limit, out problem))
        {
            return problem;
        }
        filter = filter with { From = from, To = to };
        try
        {
            return new OkObjectResult(await index.ListAsync(filter, limit!.Value, AdminQuery.Text(request, "next"), cancellationToken));
        }
        catch (ArgumentException bad) when (bad.ParamName == "cursor")
        {
            return AdminQuery.BadCursor();
        }
    }
}
