using Softr.Resilience;

namespace Softr.Functions.Automations;

/// <summary>An automation with its templates parsed and its references checked, ready to evaluate.</summary>
public sealed class CompiledAutomation
{
    public required string Name { get; init; }

    public string? Description { get; init; }

    public required string Hook { get; init; }

    /// <summary>Empty: every event type.</summary>
    public required IReadOnlySet<string> Events { get; init; }

    public Condition? When { get; init; }

    public required IReadOnlyList<CompiledStep> Steps { get; init; }

    public bool Disabled { get; init; }

    /// <summary>The priority an event it matches takes at least; null leaves the hook's.</summary>
    public CallPriority? Priority { get; init; }

    /// <summary>The Softr connection its steps call unless a step names another (<see cref="CompiledStep.Connection"/>).</summary>
    public string Connection { get; init; } = SoftrConnection.DefaultName;

    public bool Handles(string eventType) => Events.Count == 0 || Events.Contains(eventType);
}

public sealed class CompiledStep
{
    public required int Number { get; init; }

    public required string Id { get; init; }

    public required SoftrAction Action { get; init; }

    public required IReadOnlyList<KeyValuePair<string, Mapping>> Inputs { get; init; }

    public required IReadOnlyList<KeyValuePair<string, Mapping>> Fields { get; init; }

    /// <summary>The Softr connection the step calls, by its configured name: the step's own, else its automation's.</summary>
    public string Connection { get; init; } = SoftrConnection.DefaultName;

    /// <summary>How the configuration names this step in messages: <c>step 2 'invite' (user.invite)</c>.</summary>
    public override string ToString() => $"step {Number} '{Id}' ({Action.Name})";
}
