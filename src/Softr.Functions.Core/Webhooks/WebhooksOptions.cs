namespace Softr.Functions.Webhooks;

/// <summary>The configured hooks, keyed by the <c>{hook}</c> segment of <c>POST /api/hooks/{hook}</c>.</summary>
public sealed class WebhooksOptions
{
    public const string SectionName = "Webhooks";

    public Dictionary<string, HookDefinition> Hooks { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Events a second a hook may keep sending to its lane's queue at one door; past it (and <see cref="FloodBurst"/>),
    /// its events go to the lane's overflow queue (<see cref="FloodMeter"/>).
    /// </summary>
    public double FloodPacePerSecond { get; set; } = 2;

    /// <summary>Events a hook may send at once, after a quiet spell, before it overflows.</summary>
    public double FloodBurst { get; set; } = 20;
}
