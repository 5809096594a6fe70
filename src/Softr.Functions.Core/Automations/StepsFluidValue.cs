using Fluid;
using Fluid.Values;

namespace Softr.Functions.Automations;

/// <summary>The <c>steps</c> map as templates see it: <c>steps.{id}</c> is that step's results, <c>steps.{id}.{output}</c> one of them.</summary>
internal sealed class StepsFluidValue(IReadOnlyDictionary<string, IReadOnlyDictionary<string, string?>> steps) : ObjectValueBase(steps)
{
    public override ValueTask<FluidValue> GetValueAsync(string name, TemplateContext context) =>
        new(steps.TryGetValue(name, out var results) ? new TextMapFluidValue(results) : NilValue.Instance);
}
