namespace Softr.Functions.Automations;

/// <summary>One input an action takes: its name, whether a step must map it, and the rule its rendered value must meet.</summary>
public sealed record ActionInput(string Name, bool Required, InputRule Rule);
