using Microsoft.Extensions.Diagnostics.HealthChecks;
using Softr.Functions.Hosting;

namespace Softr.Functions.Health;

/// <summary>
/// Unhealthy while a secret-bearing setting holds a Key Vault reference App Service could not resolve,
/// naming the settings (never a value): until it resolves, their hooks refuse every delivery, or
/// processing waits (for <c>Softr:ApiKey</c>).
/// </summary>
public sealed class SecretsHealthCheck(SecretSettingsAudit audit) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var unresolved = audit.Unresolved();
        return Task.FromResult(unresolved.Count == 0
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"unresolved Key Vault reference in: {string.Join(", ", unresolved)}",
                data: new Dictionary<string, object> { ["unresolved"] = unresolved }));
    }
}
