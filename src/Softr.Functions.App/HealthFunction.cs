using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Softr.Functions.App;

/// <summary>
/// <c>GET /api/health</c>, for probes (anonymous: a probe carries no key, and the answer holds no
/// secret): 200 when storage and Softr's hosts answer and Softr takes the keys, 503 naming what does not. Degraded (one
/// Softr app's key refused while another works) answers 200 with <c>"status": "Degraded"</c>: the deployment is up, and a
/// probe that restarts or fails over on a 503 would only take the other apps down too.
/// </summary>
public sealed class HealthFunction(HealthCheckService health)
{
    public const string Name = "Health";

    [Function(Name)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(cancellationToken);
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(entry => entry.Key, entry => new
            {
                status = entry.Value.Status.ToString(),
                description = entry.Value.Description,
                data = entry.Value.Data.Count == 0 ? null : entry.Value.Data,
            }),
        };
        return new ObjectResult(body) { StatusCode = report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK };
    }
}
