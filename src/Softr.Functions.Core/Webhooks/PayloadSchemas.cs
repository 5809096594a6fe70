using System.Collections.Concurrent;
using System.Text.Json;
using Json.Schema;
using Microsoft.Extensions.Options;

namespace Softr.Functions.Webhooks;

/// <summary>
/// The JSON Schemas hooks name for their payloads (<c>"Schema": "schemas/contact-form.schema.json"</c>),
/// files kept beside hooks.json, checked with JsonSchema.Net. Each file is read and built once. Used at
/// the door and again by processing, so a replay or an old message is held to the same shape.
/// </summary>
public sealed class PayloadSchemas(IOptionsMonitor<WebhooksOptions> hooks, PayloadSchemas.Folder folder)
{
    /// <summary>Where schema paths are resolved from: the folder that holds hooks.json.</summary>
    public sealed record Folder(string Path);

    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new(StringComparer.Ordinal);

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
    /// Where <paramref name="payload"/> breaks the hook's schema: JSON pointers to the values, each with
    /// its messages. Empty when the hook names no schema file or the payload satisfies it.
    /// </summary>
    public IReadOnlyDictionary<string, string[]> Check(string hook, JsonElement payload)
    {
        if (!hooks.CurrentValue.Hooks.TryGetValue(hook, out var definition) || !IsFile(definition.Schema))
        {
            return new Dictionary<string, string[]>();
        }
        var schema = _schemas.GetOrAdd(definition.Schema!, path => Load(folder.Path, path));
        var result = schema.Evaluate(payload, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        if (result.IsValid)
        {
            return new Dictionary<string, string[]>();
        }
        return (result.Details ?? [])
            .Where(detail => detail.Errors is { Count: > 0 })
            .GroupBy(detail => detail.InstanceLocation.ToString() is { Length: > 0 } pointer ? pointer : "/")
            .ToDictionary(group => group.Key, group => group.SelectMany(detail => detail.Errors!.Values).Distinct(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);
    }

    private static JsonSchema Load(string folder, string schema)
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
