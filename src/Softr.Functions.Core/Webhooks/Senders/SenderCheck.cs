namespace Softr.Functions.Webhooks.Senders;

/// <summary>The outcome of checking who sent a delivery; <see cref="Reason"/> is safe to show the sender.</summary>
public readonly record struct SenderCheck(bool IsAuthentic, string? Reason)
{
    public static SenderCheck Authentic { get; } = new(true, null);

    public static SenderCheck Refused(string reason) => new(false, reason);
}
