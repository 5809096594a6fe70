using System.Text.Json.Serialization;
using Softr.Functions.Webhooks;

namespace Softr.Functions.Events;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(EventEnvelope))]
[JsonSerializable(typeof(SignupPayload))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonObject))]
internal sealed partial class EventsJsonContext : JsonSerializerContext;

