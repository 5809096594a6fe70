using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Softr.Functions.Operations;

namespace Softr.Functions.App;

/// <summary>
/// <c>GET /api/manage/events/{id}</c>: one event's page (<see cref="EventDetail"/>): its status, history
/// and steps with their Softr calls, its payload and its plan with personal data masked, and whether it
/// can be replayed. Admin-level (the payload is shown, masked); <c>GET /api/events/{id}</c> stays the
/// function-key status endpoint without it.
/// </summary>
public sealed class GetEventDetailFunction(EventDetails details)
{
    public const string Name = "GetEventDetail";

    [Function(Name)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = "manage/events/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        var detail = await details.FindAsync(id, cancellationToken);
        return detail is null ? WebhookResponses.Problem(ApiProblems.UnknownEvent(id)) : new OkObjectResult(detail);
    }
}
