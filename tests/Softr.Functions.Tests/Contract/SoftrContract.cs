using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace Softr.Functions.Tests.Contract;

/// <summary>
/// docs/softr-openapi.yaml, loaded with Microsoft.OpenApi (which also checks that it is a valid OpenAPI
/// document) and turned into JSON Schema 2020-12 (OpenAPI 3.1's own dialect) to check answers with.
/// </summary>
internal sealed class SoftrContract
{
    private const string SchemaBase = "https://softr-functions.test/softr-openapi";

    private readonly JsonObject _document;
    private readonly BuildOptions _build;

    private SoftrContract(JsonObject document, IReadOnlyList<string> errors)
    {
        _document = document;
        LoadErrors = errors;
        _build = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        var defs = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = SchemaBase,
            ["$defs"] = Absolute(document["components"]!["schemas"]!),
        };
        JsonSchema.FromText(defs.ToJsonString(), _build);
    }

    public IReadOnlyList<string> LoadErrors { get; }

    public static SoftrContract Instance { get; } = Load();

    /// <summary>Every operation in the document: operation id, method and path.</summary>
    public IReadOnlyList<(string OperationId, string Method, string Path)> Operations() =>
        [.. _document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject()
            .Where(entry => entry.Value is JsonObject operation && operation["operationId"] is not null)
            .Select(entry => (entry.Value!["operationId"]!.GetValue<string>(), entry.Key.ToUpperInvariant(), path.Key)))];

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
        if (mediaType != "application/json")
        {
            return [];
        }

        var schema = JsonSchema.FromText(Absolute(schemaNode).ToJsonString(), _build);
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
    private static JsonNode Absolute(JsonNode node) =>
        JsonNode.Parse(node.ToJsonString().Replace("#/components/schemas/", $"{SchemaBase}#/$defs/", StringComparison.Ordinal))!;

    private static SoftrContract Load()
    {
        var path = Path.Combine(TestPaths.RepositoryRoot, "docs", "softr-openapi.yaml");
        var settings = new OpenApiReaderSettings();
        settings.AddYamlReader();
        using var stream = File.OpenRead(path);
        var result = OpenApiDocument.LoadAsync(stream, "yaml", settings).GetAwaiter().GetResult();
        var errors = result.Diagnostic?.Errors.Select(error => error.ToString()).ToList() ?? ["no diagnostic"];
        var json = result.Document!.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1).GetAwaiter().GetResult();
        return new SoftrContract(JsonNode.Parse(json)!.AsObject(), errors);
    }
}
