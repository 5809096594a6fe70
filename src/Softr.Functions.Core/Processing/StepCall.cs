using Softr.Functions.Automations;

namespace Softr.Functions.Processing;

/// <summary>
/// A step with every value rendered and checked: what an action's call is made of, with the action that makes it and
/// the Softr connection it calls (<see cref="SoftrConnection.DefaultName"/> unless the automation names another).
/// </summary>
/// <remarks>The action reads them as its typed input record (<see cref="SoftrAction{TInput}"/>).</remarks>
public sealed record StepCall(SoftrAction Action, IReadOnlyDictionary<string, string> Inputs, IReadOnlyDictionary<string, string> Fields,
    string Connection = SoftrConnection.DefaultName);
