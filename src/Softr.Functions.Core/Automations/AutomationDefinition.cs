using Microsoft.Extensions.Configuration;

namespace Softr.Functions.Automations;

/// <summary>
/// "When this happens, do that", declared in <c>hooks.json</c> under <c>Automations:{name}</c> (and
/// overridable by app settings like any other setting). Evaluated by <see cref="AutomationEvaluator"/>.
/// </summary>
public sealed class AutomationDefinition
{
    /// <summary>What the automation is for, shown by the dry run.</summary>
    public string? Description { get; set; }

    /// <summary>The hook whose events it handles (a key of <c>Webhooks:Hooks</c>).</summary>
    public string Hook { get; set; } = "";

    /// <summary>The event types it handles (the sender's names); empty handles every type the hook accepts.</summary>
    public List<string> Events { get; init; } = [];

    /// <summary>Conditions on the event; absent means always.</summary>
    public ConditionDefinition? When { get; set; }

    /// <summary>The Softr steps, run in order.</summary>
    public List<StepDefinition> Steps { get; init; } = [];

    /// <summary>Switched off without deleting it.</summary>
    public bool Disabled { get; set; }

    /// <summary>
    /// The Softr connection its steps call (<c>Softr:Connections:{name}</c>): which app, with which token. Absent: <c>default</c>,
    /// the <c>Softr</c> section's own key and domain. A step may name another. Either may read an app setting,
    /// <c>{{ settings.NAME | default: 'default' }}</c> (<see cref="ConnectionSetting"/>).
    /// </summary>
    public string? Connection { get; set; }

    /// <summary>The app setting <see cref="Connection"/> was read from, if it was (set as the automations are bound; never bound itself).</summary>
    public string? ConnectionFromSetting { get; internal set; }

    /// <summary>
    /// <c>high</c>, <c>normal</c> or <c>bulk</c>; absent leaves the hook's. An event takes the highest priority of its
    /// hook and the automations it matches, so a hook that carries every Stripe event can put paid checkouts first.
    /// </summary>
    public string? Priority { get; set; }
}

/// <summary>One Softr action with its inputs mapped from the event.</summary>
public sealed class StepDefinition
{
    /// <summary>How later steps refer to this one's results (<c>{{ steps.{Id}.recordId }}</c>). Defaults to <c>step{n}</c>.</summary>
    public string? Id { get; set; }

    /// <summary>One of <see cref="SoftrActions.All"/>, e.g. <c>user.create</c>, <c>record.upsert</c>.</summary>
    public string Action { get; set; } = "";

    /// <summary>
    /// The action's inputs (see <see cref="SoftrActions"/>): each a literal, or a Liquid template over
    /// <c>payload</c>, <c>event</c>, <c>steps</c> and <c>settings</c>.
    /// </summary>
    public Dictionary<string, string> Inputs { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>For record actions: the record's fields by field name (or ID), each mapped like an input.</summary>
    public Dictionary<string, string> Fields { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The Softr connection this step calls, when not its automation's; it may read an app setting, as the automation's may.</summary>
    public string? Connection { get; set; }

    /// <summary>The app setting <see cref="Connection"/> was read from, if it was (set as the automations are bound; never bound itself).</summary>
    public string? ConnectionFromSetting { get; internal set; }
}

/// <summary>
/// A condition: either a combination (<see cref="All"/>, <see cref="Any"/>, <see cref="Not"/>) or a
/// test of one value, <see cref="Path"/>, with exactly one operator.
/// </summary>
public sealed class ConditionDefinition
{
    public List<ConditionDefinition> All { get; init; } = [];

    public List<ConditionDefinition> Any { get; init; } = [];

    public ConditionDefinition? Not { get; set; }

    /// <summary>A Liquid expression for the value tested, e.g. <c>payload.data.object.payment_status</c> (filters allowed).</summary>
    public string? Path { get; set; }

    // "Equals" in the file; the property cannot be named after object.Equals.
    [ConfigurationKeyName("Equals")]
    public string? EqualTo { get; set; }

    [ConfigurationKeyName("NotEquals")]
    public string? NotEqualTo { get; set; }

    public List<string> In { get; init; } = [];

    /// <summary>True: the value is present and not empty; false: it is absent or empty.</summary>
    public bool? Exists { get; set; }

    /// <summary>A .NET regular expression the value must match (evaluated with a time limit).</summary>
    public string? Matches { get; set; }

    public string? GreaterThan { get; set; }

    public string? GreaterThanOrEqual { get; set; }

    public string? LessThan { get; set; }

    public string? LessThanOrEqual { get; set; }
}

/// <summary>The <c>Automations</c> section: automations by name.</summary>
public sealed class AutomationsOptions
{
    public const string SectionName = "Automations";

    public Dictionary<string, AutomationDefinition> Automations { get; init; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Reads the section from configuration (hooks.json, then app settings on top), with each <c>Connection</c> that reads an
    /// app setting resolved (<see cref="ConnectionSetting"/>).
    /// </summary>
    public void BindFrom(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        configuration.GetSection(SectionName).Bind(Automations);
        string? Setting(string name) => configuration[name];
        foreach (var automation in Automations.Values)
        {
            (automation.Connection, automation.ConnectionFromSetting) = ConnectionSetting.Resolve(automation.Connection, Setting);
            foreach (var step in automation.Steps)
            {
                (step.Connection, step.ConnectionFromSetting) = ConnectionSetting.Resolve(step.Connection, Setting);
            }
        }
    }
}
