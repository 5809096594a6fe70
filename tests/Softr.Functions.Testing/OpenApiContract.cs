using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace Softr.Functions.Testing;

/// <summary>
/// An OpenAPI document of this repository, loaded with Microsoft.OpenApi (which also checks that it is
/// a valid OpenAPI document) and turned into JSON Schema 2020-12 (OpenAPI 3.1's own dialect) to check
/// answers with: <see cref="Softr"/>, the Softr API the client implements and the sandbox serves, and
/// <see cref="Ours"/>, this project's own HTTP API.
/// </summary>
public sealed class OpenApiContract
{
    private readonly JsonObject _document;
    private readonly BuildOptions _build;
    private readonly string _schemaBase;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, JsonSchema> _schemas = new(StringComparer.Ordinal);

    private OpenApiContract(JsonObject document, IReadOnlyList<string> errors, string name)
    {
        _schemaBase = $"https://softr-functions.test/{name}";
        _document = document;
        LoadErrors = errors;
        _build = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        var defs = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = _schemaBase,
            ["$defs"] = Absolute(document["components"]!["schemas"]!),
        };
        JsonSchema.FromText(defs.ToJsonString(), _build);
    }

    public IReadOnlyList<string> LoadErrors { get; }

    /// <summary>docs/softr-openapi.yaml: the Softr API.</summary>
    public static OpenApiContract Softr { get; } = Load("softr-openapi.yaml");

    /// <summary>docs/openapi.yaml: this project's own HTTP API.</summary>
    public static OpenApiContract Ours { get; } = Load("openapi.yaml");

    /// <summary>The document as JSON (OpenAPI 3.1), as Microsoft.OpenApi wrote it back.</summary>
    public JsonObject Document => _document;

    /// <summary>Every operation in the document: operation id, method and path.</summary>
    public IReadOnlyList<(string OperationId, string Method, string Path)> Operations() =>
        [.. _document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject()
            .Where(entry => entry.Value is JsonObject operation && operation["operationId"] is not null)
            .Select(entry => (entry.Value!["operationId"]!.GetValue<string>(), entry.Key.ToUpperInvariant(), path.Key)))];

    /// <summary>
    /// The operation id for <paramref name="method"/> on <paramref name="path"/> (relative to the
    /// document's server, without a query), matching the document's path templates; null when none matches.
    /// A literal segment wins over a parameter, as in routing (a <c>/manage/events/export</c> would be
    /// matched before <c>/manage/events/{id}</c>).
    /// </summary>
    public string? FindOperation(string method, string path)
    {
        var segments = path.Trim('/').Split('/');
        return Operations()
            .Where(operation => operation.Method.Equals(method, StringComparison.OrdinalIgnoreCase))
            .Select(operation => (operation.OperationId, Template: operation.Path.Trim('/').Split('/')))
            .Where(candidate => candidate.Template.Length == segments.Length
                && candidate.Template.Zip(segments).All(pair => pair.First.StartsWith('{') || pair.First.Equals(Uri.UnescapeDataString(pair.Second), StringComparison.Ordinal)))
            .OrderBy(candidate => candidate.Template.Count(segment => segment.StartsWith('{')))
            .Select(candidate => candidate.OperationId)
            .FirstOrDefault();
    }

    /// <summary>Why <paramref name="body"/> is not what the document says <paramref name="operationId"/> answers with <paramref name="status"/>; empty when it is.</summary>
    public IReadOnlyList<string> Check(string operationId, int status, string? mediaType, string body)
    {
        var operation = _document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject())
            .Select(entry => entry.Value as JsonObject)
            .SingleOrDefault(candidate => candidate?["operationId"]?.GetValue<string>() == operationId);
        if (operation is null)
        {
            return [$"{operationId} is not in the document"];
        }
        var response = Resolve(operation["responses"]?[status.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        if (response is null)
        {
            return [$"{operationId} answered {status}, which the document does not list"];
        }
        var content = response["content"] as JsonObject;
        if (content is null)
        {
            return string.IsNullOrWhiteSpace(body) ? [] : [$"{operationId} {status} has a body where the document has none"];
        }
        if (mediaType is null || content[mediaType]?["schema"] is not { } schemaNode)
        {
            return [$"{operationId} {status} answered as '{mediaType}', which the document does not list"];
        }
        if (mediaType != "application/json" && !mediaType.EndsWith("+json", StringComparison.Ordinal))
        {
            return []; // Text (a page, a script): its media type is checked, not its content.
        }

        // Built once per schema: every end-to-end answer is checked, and most are of a few operations.
        var schema = _schemas.GetOrAdd(Absolute(schemaNode).ToJsonString(), text => JsonSchema.FromText(text, _build));
        using var instance = JsonDocument.Parse(body);
        var result = schema.Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        return result.IsValid
            ? []
            : [.. (result.Details ?? []).Where(detail => detail.Errors is { Count: > 0 })
                .SelectMany(detail => detail.Errors!.Select(error => $"{operationId} {status} at '{detail.InstanceLocation}': {error.Value}"))
                .DefaultIfEmpty($"{operationId} {status}: the body does not match the schema")];
    }

    private JsonObject? Resolve(JsonNode? response)
    {
        if (response?["$ref"]?.GetValue<string>() is { } reference)
        {
            return _document["components"]!["responses"]![reference.Split('/')[^1]] as JsonObject;
        }
        return response as JsonObject;
    }

    /// <summary>The node with every component reference made absolute, so that it resolves against the registered definitions.</summary>
    private JsonNode Absolute(JsonNode node) =>
        JsonNode.Parse(node.ToJsonString().Replace("#/components/schemas/", $"{_schemaBase}#/$defs/", StringComparison.Ordinal))!;

    private static OpenApiContract Load(string file)
    {
        var path = Path.Combine(RepositoryPaths.Root, "docs", file);
        var settings = new OpenApiReaderSettings();
        settings.AddYamlReader();
        using var stream = File.OpenRead(path);
        var result = OpenApiDocument.LoadAsync(stream, "yaml", settings).GetAwaiter().GetResult();
        var errors = result.Diagnostic?.Errors.Select(error => error.ToString()).ToList() ?? ["no diagnostic"];
        var json = result.Document!.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1).GetAwaiter().GetResult();
        return new OpenApiContract(JsonNode.Parse(json)!.AsObject(), errors, Path.GetFileNameWithoutExtension(file));
    }
}
