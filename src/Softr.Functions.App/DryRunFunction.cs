using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Softr.Functions.Automations;

namespace Softr.Functions.App;

/// <summary>
/// <c>POST /api/manage/hooks/{hook}/dry-run</c>: the plan a sample event would produce, with every mapped
/// value, without queueing or calling anything. Admin-level: in Azure it needs the host's master key
/// (the <c>x-functions-key</c> header; never <c>?code=</c>, see <see cref="KeyedRequestPolicy"/>); the local host checks its own key the same way.
/// </summary>
public sealed class DryRunFunction(AutomationDryRun dryRun)
{
    public const string Name = "DryRunAutomations";

    [Function(Name)]
    public async Task<IActionResult> RunAsync(
        // "admin/" is reserved by the Functions host for its own API, so the route starts "manage/".
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "manage/hooks/{hook}/dry-run")] HttpRequest request,
        string hook,
        CancellationToken cancellationToken)
    {
        var (result, problem) = await dryRun.RunAsync(hook, request.Body, request.ContentLength, request.ContentType,
            header => request.Headers.TryGetValue(header, out var values) ? values.ToString() : null, cancellationToken);
        if (problem is not null)
        {
            return new ObjectResult(problem) { StatusCode = problem.Status, ContentTypes = { WebhookResponses.ProblemContentType } };
        }
        return new OkObjectResult(result);
    }
}
