using System.Text.Json;
using Json.Schema;

namespace Softr.Functions.Webhooks;

/// <summary>
/// The JSON Schemas hooks name for their payloads (<c>"Schema": "schemas/contact-form.schema.json"</c>),
/// files kept beside hooks.json, checked with JsonSchema.Net. Each is built once, with its hook
/// (<see cref="HookCatalog"/>), and checked at the door and again by processing, so a replay or an old
/// message is held to the same shape.
/// </summary>
public static class PayloadSchemas
{
    /// <summary>Where schema paths are resolved from: the folder that holds hooks.json.</summary>
    public sealed record Folder(string Path);

    /// <summary>What a payload that breaks nothing gives (one instance: the door checks every event).</summary>
    public static IReadOnlyDictionary<string, string[]> NoErrors { get; } = new Dictionary<string, string[]>();

    /// <summary>Whether a hook's <c>Schema</c> names a file rather than a built-in schema.</summary>
    public static bool IsFile(string? schema) => schema is not null && schema.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

    /// <summary>Null when the file loads as a JSON Schema; else why not (for start-up validation).</summary>
    public static string? LoadProblem(string folder, string schema)
    {
        try
        {
            _ = Load(folder, schema);
            return null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or JsonException or ArgumentException or InvalidOperationException)
        {
            return $"the schema file '{schema}' could not be loaded from {folder}: {exception.Message}";
        }
    }

    /// <summary>
    /// Where <paramref name="payload"/> breaks <paramref name="schema"/>: JSON pointers to the values, each
    /// with its messages. Empty when the payload satisfies it.
    /// </summary>
    public static IReadOnlyDictionary<string, string[]> Check(JsonSchema schema, JsonElement payload)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var result = schema.Evaluate(payload, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        if (result.IsValid)
        {
            return NoErrors;
        }
        return (result.Details ?? [])
            .Where(detail => detail.Errors is { Count: > 0 })
            .GroupBy(detail => detail.InstanceLocation.ToString() is { Length: > 0 } pointer ? pointer : "/")
            .ToDictionary(group => group.Key, group => group.SelectMany(detail => detail.Errors!.Values).Distinct(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);
    }

    /// <summary>The schema file, built; a path may not leave the folder hooks.json is in.</summary>
    public static JsonSchema Load(string folder, string schema)
    {
        var root = Path.GetFullPath(folder);
        var path = Path.GetFullPath(Path.Combine(root, schema));
        // A schema path is configuration, but it still may not leave the folder hooks.json is in.
        if (!path.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{schema}' is outside the folder that holds hooks.json.");
        }
        return JsonSchema.FromText(File.ReadAllText(path), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
    }
}
