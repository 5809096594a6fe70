using System.Text.Json;

namespace Softr.Functions.Webhooks.Senders;

/// <summary>What a sender says about one event: its own id for it (the dedupe key) and its type.</summary>
public sealed record EventIdentity(string? SenderEventId, string? EventType)
{
    public static EventIdentity Unknown { get; } = new(null, null);

    /// <summary>
    /// Why the delivery is refused although its signature holds: an unsigned header contradicts what the
    /// signature covers (identity, type and time come only from what it covers). Null for a sound delivery.
    /// </summary>
    public string? Refusal { get; init; }

    /// <summary>A delivery whose unsigned parts contradict its signed ones.</summary>
    public static EventIdentity Refused(string reason) => new(null, null) { Refusal = reason };

    /// <summary>The longest sender event id or type kept; longer ones are refused (they are stored, and no sender's ids come near it).</summary>
    public const int MaxLength = 256;

    /// <summary>A non-empty string or number property at <paramref name="path"/>, or null.</summary>
    public static string? Read(JsonElement payload, params string[] path)
    {
        var current = payload;
        foreach (var name in path)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
            {
                return null;
            }
        }
        // An empty id or type is no id or type (found by the property tests: "event_id": "" threw).
        return current.ValueKind switch
        {
            JsonValueKind.String => current.GetString() is { Length: > 0 } text ? text : null,
            JsonValueKind.Number => current.GetRawText(),
            _ => null,
        };
    }
}
