namespace Softr.Functions.Storage;

/// <summary>The blob containers the app uses, named once.</summary>
public static class ContainerNames
{
    /// <summary>Payloads too large for a queue message (claim check): one blob per event.</summary>
    public const string Payloads = "payloads";

    /// <summary>The Data Protection key ring (the keys that encrypt credentials kept as step results): one blob per key.</summary>
    public const string DataProtection = "dataprotection";

    public static IReadOnlyList<string> All { get; } = [Payloads, DataProtection];
}
