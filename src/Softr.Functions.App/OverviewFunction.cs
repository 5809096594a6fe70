using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Softr.Functions.Operations;

namespace Softr.Functions.App;

/// <summary>
/// <c>GET /api/manage/overview?hours=24</c>: the console's first screen (<see cref="Overview"/>): per hook
/// over the last <c>hours</c> (1 to 48, 24 by default), events per minute by outcome, the queues now,
/// Softr's 429 share and budget waits, dead letters by cause. Admin-level.
/// </summary>
public sealed class OverviewFunction(OverviewReader reader)
{
    public const string Name = "Overview";
    public const int MaxHours = 48;

    [Function(Name)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = "manage/overview")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!AdminQuery.TryReadCount(request, "hours", 24, MaxHours, ApiProblems.BadHours, out var hours, out var problem))
        {
            return problem;
        }
        return new OkObjectResult(await reader.ReadAsync(TimeSpan.FromHours(hours!.Value), cancellationToken));
    }
}
