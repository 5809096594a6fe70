using Microsoft.Extensions.Options;

namespace Softr.Sandbox;

/// <summary>The caps in force: the configured ones (<see cref="SandboxOptions"/>) until <c>PUT /sandbox/quota</c> sets others, and again after a reset.</summary>
public sealed class SandboxQuotas(IOptions<SandboxOptions> options)
{
    private SandboxQuota? _override;

    public SandboxQuota Current => _override ?? new SandboxQuota { MaxRecords = options.Value.MaxRecords, MaxUsers = options.Value.MaxUsers };

    public void Apply(SandboxQuota quota) => _override = quota;

    public void Reset() => _override = null;
}
