using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Softr.Functions.Processing;

namespace Softr.Functions.App;

/// <summary>
/// <c>GET /api/manage/dead-letters/causes?hook=&amp;connection=&amp;from=&amp;to=</c>: the dead letters grouped by cause,
/// most first, each with its count, its hooks and its latest time (<see cref="DeadLetterCause"/>). Admin-level.
/// </summary>
public sealed class DeadLetterCausesFunction(DeadLetterStore deadLetters, Webhooks.HookCatalog catalog)
{
    public const string Name = "DeadLetterCauses";

    [Function(Name)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = "manage/dead-letters/causes")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!AdminQuery.TryReadTimes(request, out var from, out var to, out var problem))
        {
            return problem;
        }
        var filter = new DeadLetterFilter(Hook: AdminQuery.Text(request, "hook"), From: from, To: to, Hooks: AdminQuery.HooksOfConnection(request, catalog));
        return new OkObjectResult(await deadLetters.CountByCauseAsync(filter, cancellationToken));
    }
}
