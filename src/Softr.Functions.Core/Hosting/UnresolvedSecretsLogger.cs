using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Softr.Functions.Hosting;

/// <summary>
/// Says at start, as an error, which secret-bearing settings hold an unresolved Key Vault reference. The
/// app starts anyway (App Service retries the reference, and health must be able to say what is wrong);
/// until then, the hooks concerned refuse every delivery and processing makes no Softr call.
/// </summary>
public sealed partial class UnresolvedSecretsLogger(SecretSettingsAudit audit, ILogger<UnresolvedSecretsLogger> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var setting in audit.Unresolved())
        {
            LogUnresolved(setting);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Error, Message = "The app setting {Setting} holds a Key Vault reference that App Service could not resolve; it counts as unset (check the app's identity has 'Key Vault Secrets User' and the secret exists)")]
    private partial void LogUnresolved(string setting);
}
