using System.Reflection;
using System.Text.Json;
using FluentValidation;
using Softr.Functions.Processing;

namespace Softr.Functions.Automations;

/// <summary>
/// Makes an action's typed input record from a step's rendered values, by its primary constructor: each
/// parameter is the input of the same name (case-insensitive), <c>Fields</c> the mapped record fields. Read
/// once per record type.
/// </summary>
internal sealed class ActionInputBinder<TInput> where TInput : class
{
    private const string FieldsName = "Fields";

    private readonly ConstructorInfo _constructor;
    private readonly (string Input, string Property, bool Required, bool IsFields)[] _parameters;
    private readonly Dictionary<string, string> _inputOfProperty = new(StringComparer.Ordinal);

    public ActionInputBinder()
    {
        _constructor = typeof(TInput).GetConstructors().Single(constructor => constructor.GetParameters().Length > 0);
        var nullability = new NullabilityInfoContext();
        _parameters = [.. _constructor.GetParameters().Select(parameter =>
        {
            var isFields = parameter.ParameterType == typeof(IReadOnlyDictionary<string, string>);
            if (!isFields && parameter.ParameterType != typeof(string))
            {
                throw new InvalidOperationException($"{typeof(TInput).Name}.{parameter.Name}: an action's inputs are strings (and Fields a dictionary of them).");
            }
            var input = isFields ? FieldsName : JsonNamingPolicy.CamelCase.ConvertName(parameter.Name!);
            return (input, parameter.Name!, nullability.Create(parameter).WriteState == NullabilityState.NotNull, isFields);
        })];
        foreach (var parameter in _parameters)
        {
            _inputOfProperty[parameter.Property] = parameter.Input;
        }
        TakesFields = _parameters.Any(parameter => parameter.IsFields);
    }

    public bool TakesFields { get; }

    /// <summary>The inputs, with whether each is required and the rule its validator gives it.</summary>
    public IReadOnlyList<ActionInput> Describe(IValidator<TInput> rules)
    {
        var descriptor = rules.CreateDescriptor();
        return [.. _parameters.Where(parameter => !parameter.IsFields).Select(parameter => new ActionInput(parameter.Input, parameter.Required,
            descriptor.GetValidatorsForMember(parameter.Property).Select(validator => validator.Validator).OfType<IInputRuleValidator>().Single().Rule))];
    }

    /// <summary>The input a failure's property is (its name as steps write it; a field's path as it is).</summary>
    public string InputNamed(string property) => _inputOfProperty.GetValueOrDefault(property, property);

    /// <param name="partly">At the door: an absent value (one waiting for an earlier step) is null. Else a required one must be there.</param>
    public TInput Bind(IEnumerable<KeyValuePair<string, string>> inputs, IEnumerable<KeyValuePair<string, string>> fields, SoftrAction action, bool partly)
    {
        var arguments = new object?[_parameters.Length];
        foreach (var (name, value) in inputs)
        {
            for (var i = 0; i < _parameters.Length; i++)
            {
                if (!_parameters[i].IsFields && string.Equals(_parameters[i].Input, name, StringComparison.OrdinalIgnoreCase))
                {
                    arguments[i] = value;
                }
            }
        }
        for (var i = 0; i < _parameters.Length; i++)
        {
            var (input, _, required, isFields) = _parameters[i];
            if (isFields)
            {
                arguments[i] = fields as IReadOnlyDictionary<string, string> ?? Fields(fields);
            }
            else if (arguments[i] is null && required && !partly)
            {
                throw new PermanentFailureException(FailureCauses.Mapping, $"{action.Name}: input '{input}' is empty for this event.");
            }
        }
        return (TInput)_constructor.Invoke(arguments);
    }

    /// <summary>Fields given as pairs, by name in any case (the last of two names that differ only in case wins, as a step's mapping would).</summary>
    private static Dictionary<string, string> Fields(IEnumerable<KeyValuePair<string, string>> fields)
    {
        var byName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in fields)
        {
            byName[name] = value;
        }
        return byName;
    }
}
