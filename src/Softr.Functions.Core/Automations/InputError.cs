using System.Text.Json.Serialization;

namespace Softr.Functions.Automations;

/// <summary>A rendered value that breaks its input's rule: where it is (automation, step, input or field) and what is wrong, never the value.</summary>
public sealed record InputError(
    [property: JsonPropertyName("automation")] string Automation,
    [property: JsonPropertyName("step")] string Step,
    [property: JsonPropertyName("input")] string Input,
    [property: JsonPropertyName("error")] string Error)
{
    /// <summary>The key a ValidationProblemDetails lists it under: <c>automation/step/input</c> (a field as <c>Fields.name</c>).</summary>
    [JsonIgnore]
    public string Path => $"{Automation}/{Step}/{Input}";

    public override string ToString() => $"automation '{Automation}', step '{Step}': {Input} {Error}";
}
