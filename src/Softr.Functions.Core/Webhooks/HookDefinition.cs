using Softr.Functions.Storage;

namespace Softr.Functions.Webhooks;

/// <summary>One named webhook endpoint: how its sender proves who it is, and where its events go.</summary>
public sealed class HookDefinition
{
    public const string DefaultSecretHeader = "X-Webhook-Secret";

    /// <summary>The request header that carries the shared secret.</summary>
    public string SecretHeader { get; set; } = DefaultSecretHeader;

    /// <summary>
    /// Accepted secrets. More than one lets a secret be rotated without downtime: add the new one,
    /// switch the sender, then remove the old one.
    /// </summary>
    public List<string> Secrets { get; init; } = [];

    /// <summary>The queue the hook's events go to.</summary>
    public string Queue { get; set; } = QueueNames.Events;

    /// <summary>For senders whose signatures carry a timestamp without a fixed window: how far from now it may be.</summary>
    public int ToleranceSeconds { get; set; } = 300;

    /// <summary>Bodies above this size are refused with 413 before they are read further.</summary>
    public int MaxBodyBytes { get; set; } = 256 * 1024;
}
