using System.Text.Json;
using Fluid;
using Fluid.Values;

namespace Softr.Functions.Automations;

/// <summary>
/// A JSON object as templates see it, reading its members directly. Fluid's general path (a member
/// access strategy looked up by type, the struct boxed, a value converter) cost 2 to 3 µs per member on
/// every event; this is one property lookup. The boxed element stays the value, so filters that take
/// the object (<c>find</c>, <c>answer</c>) see what they saw before.
/// </summary>
internal sealed class JsonObjectFluidValue(JsonElement element) : ObjectValueBase(element)
{
    public override ValueTask<FluidValue> GetValueAsync(string name, TemplateContext context) =>
        new(element.TryGetProperty(name, out var property) ? LiquidMappings.ToFluid(property) : NilValue.Instance);
}
