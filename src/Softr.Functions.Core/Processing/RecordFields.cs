using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Softr.Database;

namespace Softr.Functions.Processing;

/// <summary>
/// Turns a step's mapped fields (names or IDs, rendered as text) into what the Database API takes:
/// values keyed by field ID and typed by the field (numbers, booleans, select choice IDs). Softr's own
/// docs say writes take field IDs only, so names are resolved here against the table's schema, which
/// is cached for <see cref="ProcessingOptions.SchemaCacheDuration"/>: one read per table, not per event. Made for one
/// connection's database client: a table's id means something only to the token that reaches it, so the cache is keyed by
/// <paramref name="tokenFingerprint"/> too.
/// </summary>
public sealed class RecordFields(ISoftrDatabaseClient database, string tokenFingerprint, TableSchemaCache schemas, IOptions<ProcessingOptions> options, TimeProvider time)
{
    private static readonly HashSet<string> NumberTypes = new(StringComparer.Ordinal) { "NUMBER", "CURRENCY", "PERCENT", "RATING", "DURATION" };

    /// <summary>The fields keyed by ID with typed values.</summary>
    /// <exception cref="PermanentFailureException">A field the table does not have, a read-only field, or a value that does not fit.</exception>
    public async Task<Dictionary<string, JsonNode?>> MapAsync(string databaseId, string tableId, IReadOnlyDictionary<string, string> fields,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var table = await SchemaAsync(databaseId, tableId, cancellationToken).ConfigureAwait(false);
        var mapped = new Dictionary<string, JsonNode?>(fields.Count, StringComparer.Ordinal);
        foreach (var (name, text) in fields)
        {
            var field = FieldOf(table, name);
            if (field.ReadOnly)
            {
                throw new PermanentFailureException(FailureCauses.Mapping, $"Field '{field.Name}' of table '{table.Name ?? table.Id}' is read-only; remove it from the step's Fields.");
            }
            mapped[field.Id] = ToValue(field, text);
        }
        return mapped;
    }

    /// <summary>The field named or identified by <paramref name="nameOrId"/>, and <paramref name="text"/> typed for it.</summary>
    public async Task<(SoftrField Field, JsonNode? Value)> ResolveAsync(string databaseId, string tableId, string nameOrId, string text,
        CancellationToken cancellationToken)
    {
        var table = await SchemaAsync(databaseId, tableId, cancellationToken).ConfigureAwait(false);
        var field = FieldOf(table, nameOrId);
        return (field, ToValue(field, text));
    }

    /// <summary>Text as the JSON value a field of this type takes.</summary>
    public static JsonNode? ToValue(SoftrField field, string text)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(text);
        if (NumberTypes.Contains(field.Type))
        {
            return decimal.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                ? JsonValue.Create(number)
                : throw Unfit(field, text, "a number");
        }
        if (field.Type == "CHECKBOX")
        {
            return text.Trim().ToUpperInvariant() switch
            {
                "TRUE" or "YES" or "1" or "ON" => JsonValue.Create(true),
                "FALSE" or "NO" or "0" or "OFF" => JsonValue.Create(false),
                _ => throw Unfit(field, text, "true or false"),
            };
        }
        if (field.Type == "SELECT")
        {
            if (!field.AllowMultipleEntries)
            {
                return JsonValue.Create(ChoiceId(field, text.Trim()));
            }
            return new JsonArray([.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(choice => (JsonNode?)JsonValue.Create(ChoiceId(field, choice)))]);
        }
        return JsonValue.Create(text);
    }

    private async Task<SoftrTable> SchemaAsync(string databaseId, string tableId, CancellationToken cancellationToken)
    {
        var key = (tokenFingerprint, databaseId, tableId);
        var now = time.GetUtcNow();
        if (schemas.Entries.TryGetValue(key, out var cached) && now - cached.FetchedAt < options.Value.SchemaCacheDuration)
        {
            return cached.Table;
        }
        var table = await database.GetTableAsync(databaseId, tableId, cancellationToken).ConfigureAwait(false);
        schemas.Entries[key] = (table, now);
        return table;
    }

    private static SoftrField FieldOf(SoftrTable table, string nameOrId) =>
        table.ResolveFieldId(nameOrId) is { } id
            ? table.Fields.First(field => field.Id == id)
            : throw new PermanentFailureException(FailureCauses.Mapping,
                $"Table '{table.Name ?? table.Id}' has no field named or identified '{nameOrId}'; its fields are: {string.Join(", ", table.Fields.Select(field => field.Name))}.");

    /// <summary>A select takes choice IDs; a mapping may give the label (as people see it) or the ID.</summary>
    private static string ChoiceId(SoftrField field, string text)
    {
        if (field.Options is { ValueKind: JsonValueKind.Object } options && options.TryGetProperty("choices", out var choices)
            && choices.ValueKind == JsonValueKind.Array)
        {
            foreach (var choice in choices.EnumerateArray())
            {
                var id = choice.TryGetProperty("id", out var idValue) ? idValue.GetString() : null;
                var label = choice.TryGetProperty("label", out var labelValue) ? labelValue.GetString() : null;
                if (id is not null && (string.Equals(id, text, StringComparison.Ordinal) || string.Equals(label, text, StringComparison.OrdinalIgnoreCase)))
                {
                    return id;
                }
            }
        }
        throw Unfit(field, text, "one of its choices");
    }

    private static PermanentFailureException Unfit(SoftrField field, string text, string expected) =>
        new(FailureCauses.Mapping, $"Field '{field.Name}' ({field.Type}) takes {expected}; the mapping gave '{Truncate(text)}'.");

    private static string Truncate(string text) => text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 57), "...");
}

/// <summary>Table schemas fetched by <see cref="RecordFields"/>, kept for the life of the process (a singleton).</summary>
public sealed class TableSchemaCache
{
    internal ConcurrentDictionary<(string Token, string Database, string Table), (SoftrTable Table, DateTimeOffset FetchedAt)> Entries { get; } = new();
}
