using FluentValidation;
using FluentValidation.Validators;

namespace Softr.Functions.Automations;

/// <summary>
/// An <see cref="InputRule"/> as a FluentValidation property validator. A null value is fit: it is one still
/// waiting for an earlier step's result (checked once rendered), or an optional input not given. The message is
/// the rule's own, which never repeats the value.
/// </summary>
/// <param name="asSent">The value as it will be sent, when that differs from what is checked (a name that a step strips).</param>
public sealed class InputRuleValidator<T>(InputRule rule, Func<string, string>? asSent = null) : PropertyValidator<T, string?>, IInputRuleValidator
{
    public InputRule Rule { get; } = rule;

    public override string Name => "InputRule";

    public override bool IsValid(ValidationContext<T> context, string? value)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (value is null || Rule.Check(asSent is null ? value : asSent(value)) is not { } problem)
        {
            return true;
        }
        context.MessageFormatter.AppendArgument("Problem", problem);
        return false;
    }

    protected override string GetDefaultMessageTemplate(string errorCode) => "{Problem}";
}
