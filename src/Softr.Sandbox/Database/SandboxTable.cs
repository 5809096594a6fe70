using System.Text.Json.Nodes;

namespace Softr.Sandbox.Database;

/// <summary>A table: its schema and its records, guarded by one lock (the sandbox favours clarity over throughput).</summary>
public sealed class SandboxTable
{
    private readonly Lock _gate = new();
    private readonly List<SandboxRecord> _records = [];

    public required string Id { get; init; }

    public required string Name { get; init; }

    public string? Description { get; init; }

    public string? PrimaryFieldId { get; init; }

    public string DefaultViewId { get; init; } = "";

    public required IReadOnlyList<SandboxField> Fields { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The field a key names: an ID always, a name only when the call said <c>fieldNames=true</c>.</summary>
    public SandboxField? FindField(string key, bool byName) =>
        Fields.FirstOrDefault(field => string.Equals(field.Id, key, StringComparison.Ordinal))
        ?? (byName ? Fields.FirstOrDefault(field => string.Equals(field.Name, key, StringComparison.OrdinalIgnoreCase)) : null);

    public IReadOnlyList<SandboxRecord> Records()
    {
        lock (_gate)
        {
            return [.. _records];
        }
    }

    public SandboxRecord? Find(string recordId)
    {
        lock (_gate)
        {
            return _records.FirstOrDefault(record => record.Id == recordId);
        }
    }

    public void Add(SandboxRecord record)
    {
        lock (_gate)
        {
            _records.Add(record);
        }
    }

    /// <summary>Adds the record unless a unique field's value is taken (checked and added under one lock): the field that clashes, or null.</summary>
    public SandboxField? TryAdd(SandboxRecord record)
    {
        lock (_gate)
        {
            if (Clash(record.Id, record.Fields) is { } taken)
            {
                return taken;
            }
            _records.Add(record);
            return null;
        }
    }

    public SandboxRecord? Update(string recordId, IReadOnlyDictionary<string, JsonNode?> changes, DateTimeOffset now) =>
        TryUpdate(recordId, changes, now, out var record) is null ? record : null;

    /// <summary>Updates the record unless a unique field's new value is another record's: the field that clashes, or null (with <paramref name="record"/> null when there is no such record).</summary>
    public SandboxField? TryUpdate(string recordId, IReadOnlyDictionary<string, JsonNode?> changes, DateTimeOffset now, out SandboxRecord? record)
    {
        lock (_gate)
        {
            record = null;
            var index = _records.FindIndex(candidate => candidate.Id == recordId);
            if (index < 0)
            {
                return null;
            }
            var fields = new Dictionary<string, JsonNode?>(_records[index].Fields, StringComparer.Ordinal);
            foreach (var (fieldId, value) in changes)
            {
                fields[fieldId] = value?.DeepClone();
            }
            if (Clash(recordId, fields) is { } taken)
            {
                return taken;
            }
            _records[index] = _records[index] with { Fields = fields, UpdatedAt = now };
            record = _records[index];
            return null;
        }
    }

    /// <summary>The first unique field whose value in <paramref name="fields"/> another record already holds (text compared without case, as Softr does).</summary>
    private SandboxField? Clash(string recordId, IReadOnlyDictionary<string, JsonNode?> fields) =>
        Fields.Where(field => field.Unique).FirstOrDefault(field => fields.GetValueOrDefault(field.Id) is { } value && !FieldValues.IsEmpty(value)
            && _records.Any(other => other.Id != recordId && other.Fields.GetValueOrDefault(field.Id) is { } existing
                && string.Equals(existing.ToJsonString(), value.ToJsonString(), StringComparison.OrdinalIgnoreCase)));

    public bool Remove(string recordId)
    {
        lock (_gate)
        {
            return _records.RemoveAll(record => record.Id == recordId) > 0;
        }
    }
}

public sealed record SandboxField(string Id, string Name, string Type)
{
    public JsonObject? Options { get; init; }

    public bool ReadOnly { get; init; }

    public bool Required { get; init; }

    public bool AllowMultipleEntries { get; init; }

    /// <summary>No two records may hold one value (Softr answers 409 CONSTRAINT_VIOLATION).</summary>
    public bool Unique { get; init; }
}

/// <summary>A record; <see cref="Fields"/> is always keyed by field ID, as Softr stores it.</summary>
public sealed record SandboxRecord(string Id, IReadOnlyDictionary<string, JsonNode?> Fields, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record SandboxDatabase(string Id, string Name, IReadOnlyList<SandboxTable> Tables);
