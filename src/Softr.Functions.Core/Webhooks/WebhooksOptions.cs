namespace Softr.Functions.Webhooks;

/// <summary>The configured hooks, keyed by the <c>{hook}</c> segment of <c>POST /api/hooks/{hook}</c>.</summary>
public sealed class WebhooksOptions
{
    public const string SectionName = "Webhooks";

    public Dictionary<string, HookDefinition> Hooks { get; init; } = new(StringComparer.OrdinalIgnoreCase);
}
