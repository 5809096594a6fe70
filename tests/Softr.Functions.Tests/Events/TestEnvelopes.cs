using System.Text.Json;
using Softr.Functions.Events;

namespace Softr.Functions.Tests.Events;

internal static class TestEnvelopes
{
    public static EventEnvelope Signup(string payload = """{"email":"ada@example.com","full_name":"Ada"}""") => new()
    {
        EventId = "evt_1",
        Hook = "signup",
        Sender = "shared-secret",
        EventType = "signup",
        ReceivedAt = new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero),
        CorrelationId = "evt_1",
        Payload = JsonDocument.Parse(payload).RootElement,
    };
}
