using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Softr.Functions.Operations;

namespace Softr.Functions.App;

/// <summary>
/// <c>GET /api/manage/hooks</c>: every hook (its path, sender kind, event types, queue, last processed
/// event) with its automations and their steps as declared (<see cref="HookInfo"/>). Admin-level.
/// </summary>
public sealed class ListHooksFunction(HookDirectory directory)
{
    public const string Name = "ListHooks";

    [Function(Name)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = "manage/hooks")] HttpRequest request,
        CancellationToken cancellationToken) =>
        new OkObjectResult(await directory.ListAsync(cancellationToken));
}
