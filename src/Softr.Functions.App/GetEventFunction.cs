using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Softr.Functions.Events;

namespace Softr.Functions.App;

/// <summary>
/// <c>GET /api/events/{id}</c>: an event's status and history (never its payload). Function-level auth:
/// in Azure it needs a function key (the <c>x-functions-key</c> header; <c>?code=</c> is refused).
/// </summary>
public sealed class GetEventFunction(IEventLog eventLog)
{
    public const string Name = "GetEvent";

    [Function(Name)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "events/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        var record = await eventLog.FindAsync(id, cancellationToken);
        if (record is not null)
        {
            return new OkObjectResult(record);
        }
        return WebhookResponses.Problem(ApiProblems.UnknownEvent(id));
    }
}
