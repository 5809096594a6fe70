using System.Text.Json;

namespace Softr.Functions.Webhooks.Senders;

/// <summary>Reading a form answer's fields (for the senders' <see cref="IFormAnswers"/>).</summary>
internal static class FormAnswerFields
{
    /// <summary>The (dotted) property of <paramref name="item"/>; null when any part of the path is missing.</summary>
    public static JsonElement? Property(JsonElement item, params string[] path)
    {
        var current = item;
        foreach (var name in path)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
            {
                return null;
            }
        }
        return current;
    }

    /// <summary>Whether any of <paramref name="names"/> is a string equal to <paramref name="wanted"/>, in any case.</summary>
    public static bool Names(string wanted, params JsonElement?[] names) =>
        names.Any(name => name is { ValueKind: JsonValueKind.String } text && string.Equals(text.GetString(), wanted, StringComparison.OrdinalIgnoreCase));
}
