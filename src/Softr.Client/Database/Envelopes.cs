using System.Text.Json.Serialization;

namespace Softr.Database;

/// <summary>The Database API wraps one item as <c>{"data": ...}</c>.</summary>
internal sealed record DataEnvelope<T>([property: JsonPropertyName("data")] T Data);

/// <summary>Lists and searches: <c>{"data": [...], "metadata": {"offset","limit","total"}}</c>.</summary>
internal sealed record ListEnvelope<T>([property: JsonPropertyName("data")] IReadOnlyList<T> Data)
{
    [JsonPropertyName("metadata")]
    public ListMetadata? Metadata { get; init; }
}

internal sealed record ListMetadata(
    [property: JsonPropertyName("offset")] int Offset,
    [property: JsonPropertyName("limit")] int Limit,
    [property: JsonPropertyName("total")] int Total);

/// <summary>Body of create and update: <c>{"fields": {...}}</c>.</summary>
internal sealed record RecordWrite([property: JsonPropertyName("fields")] IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonNode?> Fields);
