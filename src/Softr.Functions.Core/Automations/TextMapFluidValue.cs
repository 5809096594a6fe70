using Fluid;
using Fluid.Values;

namespace Softr.Functions.Automations;

/// <summary>The <c>event</c> and <c>settings</c> maps as templates see them: a member is a string, or nil when absent (read directly, as <see cref="JsonObjectFluidValue"/> is).</summary>
internal sealed class TextMapFluidValue(IReadOnlyDictionary<string, string?> values) : ObjectValueBase(values)
{
    public override ValueTask<FluidValue> GetValueAsync(string name, TemplateContext context) =>
        new(values.TryGetValue(name, out var value) && value is not null ? new StringValue(value) : NilValue.Instance);
}
