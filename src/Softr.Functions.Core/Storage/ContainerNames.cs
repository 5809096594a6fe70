namespace Softr.Functions.Storage;

/// <summary>The blob containers the app uses, named once.</summary>
public static class ContainerNames
{
    /// <summary>Payloads too large for a queue message (claim check): one blob per event.</summary>
    public const string Payloads = "payloads";
}
