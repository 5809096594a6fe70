using FluentValidation;

namespace Softr.Functions.Automations;

/// <summary>The <see cref="InputRules"/> in an action's validator: <c>RuleFor(input => input.Email).Meets(InputRules.Email)</c>.</summary>
public static class InputRuleExtensions
{
    /// <param name="asSent">The value as it will be sent, when that differs from the value checked (a name a step strips).</param>
    public static IRuleBuilderOptions<T, string?> Meets<T>(this IRuleBuilder<T, string?> value, InputRule rule, Func<string, string>? asSent = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.SetValidator(new InputRuleValidator<T>(rule, asSent));
    }

    /// <summary>
    /// Each mapped record field: its name by <see cref="InputRules.FieldName"/>, its value by <see cref="InputRules.FieldValue"/>,
    /// reported as <c>Fields.{name}</c>.
    /// </summary>
    public static IRuleBuilderOptionsConditions<T, IReadOnlyDictionary<string, string>> AreRecordFields<T>(this IRuleBuilder<T, IReadOnlyDictionary<string, string>> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        return fields.Custom((values, context) =>
        {
            foreach (var (name, value) in values)
            {
                if (InputRules.FieldName.Check(name) is { } nameError)
                {
                    context.AddFailure($"Fields.{name}", "the field name " + nameError);
                }
                else if (InputRules.FieldValue.Check(value) is { } valueError)
                {
                    context.AddFailure($"Fields.{name}", valueError);
                }
            }
        });
    }
}
