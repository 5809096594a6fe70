using System.Text.Json;

namespace Softr.Functions.Webhooks.Senders;

/// <summary>What a sender says about one event: its own id for it (the dedupe key) and its type.</summary>
public sealed record EventIdentity(string? SenderEventId, string? EventType)
{
    public static EventIdentity Unknown { get; } = new(null, null);

    /// <summary>A string or number property at <paramref name="path"/>, or null.</summary>
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
        return current.ValueKind switch
        {
            JsonValueKind.String => current.GetString(),
            JsonValueKind.Number => current.GetRawText(),
            _ => null,
        };
    }
}
