using System.Text.Json;
using System.Text.Json.Serialization;
using Softr.Resilience;

namespace Softr.Functions.Events;

/// <summary>Writes a priority as its lane's name (<c>high</c>, <c>bulk</c>); refuses a name it does not know rather than guess a lane.</summary>
internal sealed class PriorityJsonConverter : JsonConverter<CallPriority>
{
    public override CallPriority Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        EventLane.Parse(reader.TokenType == JsonTokenType.String ? reader.GetString() : null)
        ?? throw new JsonException($"'priority' must be one of {EventLane.Names}.");

    public override void Write(Utf8JsonWriter writer, CallPriority value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(EventLane.Of(value).Name);
    }
}
