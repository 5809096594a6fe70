using FluentValidation;
using Softr.Functions.Processing;

namespace Softr.Functions.Automations;

/// <summary>
/// An action whose inputs are a typed record, <typeparamref name="TInput"/>, and whose rules are that record's
/// FluentValidation validator. The record says which inputs there are (its properties, named as steps name them)
/// and which are required (not nullable); the validator says what each value must be (<see cref="InputRules"/>).
/// At the door a value still waiting for an earlier step's result is absent (null), and checked once rendered.
/// </summary>
/// <typeparam name="TInput">A positional record of <c>string</c> inputs (<c>string?</c> when optional), and
/// <c>IReadOnlyDictionary&lt;string, string&gt; Fields</c> for an action that maps record fields.</typeparam>
public abstract class SoftrAction<TInput> : SoftrAction where TInput : class
{
    private static readonly ActionInputBinder<TInput> Binder = new();

    private IReadOnlyList<ActionInput>? _inputs;

    /// <summary>The rules of the inputs' values.</summary>
    protected abstract IValidator<TInput> Rules { get; }

    public sealed override IReadOnlyList<ActionInput> Inputs => _inputs ??= Binder.Describe(Rules);

    public sealed override bool TakesFields => Binder.TakesFields;

    public sealed override IEnumerable<(string Input, string Error)> Check(IEnumerable<KeyValuePair<string, string>> inputs, IEnumerable<KeyValuePair<string, string>> fields)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(fields);
        var result = Rules.Validate(Binder.Bind(inputs, fields, this, partly: true));
        return result.Errors.Select(failure => (Binder.InputNamed(failure.PropertyName), failure.ErrorMessage));
    }

    public sealed override Task<Dictionary<string, string?>> RunAsync(StepCall call, StepContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(context);
        return RunAsync(Binder.Bind(call.Inputs, call.Fields, this, partly: false), context, cancellationToken);
    }

    /// <summary>Runs the call against Softr with the step's checked inputs; returns the results the action declares in <see cref="SoftrAction.Outputs"/>.</summary>
    protected abstract Task<Dictionary<string, string?>> RunAsync(TInput input, StepContext context, CancellationToken cancellationToken);
}
