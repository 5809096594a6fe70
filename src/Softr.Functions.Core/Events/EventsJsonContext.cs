using System.Text.Json.Serialization;
using Softr.Functions.Webhooks;

namespace Softr.Functions.Events;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(EventEnvelope))]
[JsonSerializable(typeof(SignupPayload))]
internal sealed partial class EventsJsonContext : JsonSerializerContext;
