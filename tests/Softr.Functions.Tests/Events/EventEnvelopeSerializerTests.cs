using System.Text.Json;
using Softr.Functions.Events;

namespace Softr.Functions.Tests.Events;

public sealed class EventEnvelopeSerializerTests
{
    private static readonly EventEnvelope Envelope = TestEnvelopes.Signup();

    [Fact]
    public void Serialize_ThenDeserialize_KeepsEveryField()
    {
        var roundTripped = EventEnvelopeSerializer.Deserialize(EventEnvelopeSerializer.Serialize(Envelope));

        Assert.Equal(Envelope with { Payload = default }, roundTripped with { Payload = default });
        Assert.Equal(Envelope.Payload.GetRawText(), roundTripped.Payload.GetRawText());
    }

    [Fact]
    public void Serialize_WritesTheDocumentedWireNames()
    {
        using var json = JsonDocument.Parse(EventEnvelopeSerializer.Serialize(Envelope).ToString());
        var names = json.RootElement.EnumerateObject().Select(property => property.Name).ToArray();

        // The wire format is a contract between releases running side by side: change it only with a new version.
        Assert.Equal(["v", "id", "hook", "sender", "type", "receivedAt", "correlationId", "payload"], names);
        Assert.Equal(EventEnvelope.InlineVersion, json.RootElement.GetProperty("v").GetInt32());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("null")]
    [InlineData("""{"v":1}""")]
    public void Deserialize_WithUnreadableMessage_ThrowsInvalidEnvelope(string message)
    {
        Assert.Throws<InvalidEventEnvelopeException>(() => EventEnvelopeSerializer.Deserialize(BinaryData.FromString(message)));
    }

    [Fact]
    public void ClaimCheckedEnvelope_RoundTripsItsReference_AsVersion2()
    {
        var claimChecked = Envelope with { Version = EventEnvelope.CurrentVersion, Payload = default, PayloadReference = "evt_1.json" };

        var json = EventEnvelopeSerializer.Serialize(claimChecked).ToString();
        var back = EventEnvelopeSerializer.Deserialize(BinaryData.FromString(json));

        Assert.Contains("\"payloadRef\":\"evt_1.json\"", json, StringComparison.Ordinal);
        Assert.Equal((2, "evt_1.json"), (back.Version, back.PayloadReference));
    }

    [Fact]
    public void Deserialize_WithNewerVersion_ThrowsInvalidEnvelope()
    {
        var newer = EventEnvelopeSerializer.Serialize(Envelope with { Version = EventEnvelope.CurrentVersion + 1 });

        var exception = Assert.Throws<InvalidEventEnvelopeException>(() => EventEnvelopeSerializer.Deserialize(newer));
        Assert.Contains("newer", exception.Message, StringComparison.Ordinal);
    }
}
