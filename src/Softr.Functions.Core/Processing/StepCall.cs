using Softr.Functions.Automations;

namespace Softr.Functions.Processing;

/// <summary>A step with every value rendered and checked: what an action's call is made of, with the action that makes it.</summary>
public sealed record StepCall(SoftrAction Action, IReadOnlyDictionary<string, string> Inputs, IReadOnlyDictionary<string, string> Fields)
{
    public string Input(string name) => Inputs.TryGetValue(name, out var value)
        ? value
        : throw new PermanentFailureException(FailureCauses.Mapping, $"{Action.Name}: input '{name}' is empty for this event.");

    public string? OptionalInput(string name) => Inputs.GetValueOrDefault(name);
}
