using System.Text.Json.Serialization;
using Softr.Functions.Webhooks;

namespace Softr.Functions.Events;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(EventEnvelope))]
[JsonSerializable(typeof(SignupPayload))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonObject))]
internal sealed partial class EventsJsonContext : JsonSerializerContext;

/// <summary>The generated metadata other folders need, without making the context public.</summary>
internal static class EventsJsonContextAccess
{
    public static System.Text.Json.Serialization.Metadata.JsonTypeInfo<System.Text.Json.JsonElement> JsonElement => EventsJsonContext.Default.JsonElement;

    public static System.Text.Json.Serialization.Metadata.JsonTypeInfo<System.Text.Json.Nodes.JsonObject> JsonObject => EventsJsonContext.Default.JsonObject;
}
