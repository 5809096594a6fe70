using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Softr.Sandbox.Database;

/// <summary>How each Softr field type takes and gives values.</summary>
public static class FieldValues
{
    private static readonly HashSet<string> TextTypes = new(StringComparer.Ordinal) { "SINGLE_LINE_TEXT", "LONG_TEXT", "EMAIL", "PHONE", "URL", "RICH_TEXT" };
    private static readonly HashSet<string> NumberTypes = new(StringComparer.Ordinal) { "NUMBER", "CURRENCY", "PERCENT", "RATING", "DURATION" };
    private static readonly HashSet<string> DateTypes = new(StringComparer.Ordinal) { "DATE", "DATETIME" };

    /// <summary>Why <paramref name="value"/> cannot be written to <paramref name="field"/>, or null when it can.</summary>
    public static string? WriteError(SandboxField field, JsonNode? value)
    {
        if (field.ReadOnly)
        {
            return $"Field '{field.Name}' ({field.Id}) is read-only.";
        }
        if (value is null)
        {
            return null;
        }
        var kind = value.GetValueKind();
        if (TextTypes.Contains(field.Type) && kind != JsonValueKind.String)
        {
            return $"Field '{field.Name}' ({field.Id}) takes a string.";
        }
        if (NumberTypes.Contains(field.Type) && kind != JsonValueKind.Number)
        {
            return $"Field '{field.Name}' ({field.Id}) takes a number.";
        }
        if (field.Type == "CHECKBOX" && kind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return $"Field '{field.Name}' ({field.Id}) takes true or false.";
        }
        if (DateTypes.Contains(field.Type) && (kind != JsonValueKind.String || !DateTimeOffset.TryParse(value.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _)))
        {
            return $"Field '{field.Name}' ({field.Id}) takes an ISO 8601 date.";
        }
        if (field.Type == "SELECT")
        {
            return SelectError(field, value);
        }
        return null;
    }

    /// <summary>A stored value as Softr returns it: select choice IDs read back as <c>{id, label}</c>.</summary>
    public static JsonNode? Render(SandboxField field, JsonNode? stored)
    {
        if (field.Type != "SELECT" || stored is null)
        {
            return stored?.DeepClone();
        }
        return stored is JsonArray ids
            ? new JsonArray([.. ids.Select(id => RenderChoice(field, id))])
            : RenderChoice(field, stored);
    }

    /// <summary>
    /// The scalar values a search compares against: each element of an array, and for select fields
    /// both the choice ID and its label.
    /// </summary>
    public static IReadOnlyList<JsonNode> Candidates(SandboxField? field, JsonNode? stored)
    {
        if (stored is null)
        {
            return [];
        }
        var items = stored is JsonArray array ? array.OfType<JsonNode>().ToList() : [stored];
        if (field?.Type != "SELECT")
        {
            return items;
        }
        return [.. items.SelectMany(item => new[] { item, Label(field, item) }).OfType<JsonNode>()];
    }

    public static bool IsEmpty(JsonNode? value) => value switch
    {
        null => true,
        JsonArray array => array.Count == 0,
        JsonValue scalar when scalar.GetValueKind() == JsonValueKind.String => string.IsNullOrEmpty(scalar.GetValue<string>()),
        _ => false,
    };

    private static string? SelectError(SandboxField field, JsonNode value)
    {
        var ids = value is JsonArray array ? array.ToList() : [value];
        if (value is JsonArray && !field.AllowMultipleEntries)
        {
            return $"Field '{field.Name}' ({field.Id}) takes one choice ID, not a list.";
        }
        var unknown = ids.FirstOrDefault(id => Label(field, id) is null);
        return unknown is null ? null : $"Field '{field.Name}' ({field.Id}) has no choice with ID {unknown.ToJsonString()}.";
    }

    private static JsonNode? RenderChoice(SandboxField field, JsonNode? id) =>
        new JsonObject { ["id"] = id?.DeepClone(), ["label"] = Label(field, id) };

    private static JsonNode? Label(SandboxField field, JsonNode? id)
    {
        if (id is not JsonValue value || !value.TryGetValue(out string? text) || field.Options?["choices"] is not JsonArray choices)
        {
            return null;
        }
        return choices.OfType<JsonObject>()
            .FirstOrDefault(choice => choice["id"] is JsonValue choiceId && choiceId.TryGetValue(out string? candidate) && candidate == text)?["label"]?.DeepClone();
    }
}
