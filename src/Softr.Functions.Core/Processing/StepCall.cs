namespace Softr.Functions.Processing;

/// <summary>A step with every value rendered and checked: what an action's call is made of.</summary>
public sealed record StepCall(string Action, IReadOnlyDictionary<string, string> Inputs, IReadOnlyDictionary<string, string> Fields)
{
    public string Input(string name) => Inputs.TryGetValue(name, out var value)
        ? value
        : throw new PermanentFailureException(FailureCauses.Mapping, $"{Action}: input '{name}' is empty for this event.");

    public string? OptionalInput(string name) => Inputs.GetValueOrDefault(name);
}
