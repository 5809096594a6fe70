namespace Softr.Functions.Automations;

/// <summary>A property validator that applies one of the <see cref="InputRules"/>: how the README's rule table and an action's inputs find their rule.</summary>
public interface IInputRuleValidator
{
    InputRule Rule { get; }
}
