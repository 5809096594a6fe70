using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Softr.Sandbox.Database;

/// <summary>
/// The Database API (<c>https://tables-api.softr.io/api/v1</c>): databases, tables with their
/// fields, and records with <c>fieldNames</c>, paging metadata, search and sorting.
/// </summary>
public static class DatabaseApi
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 200;

    public static IEndpointRouteBuilder MapDatabaseApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup(SoftrApi.DatabasePrefix);
        api.MapGet("/databases", (SandboxDatabases databases) =>
            Results.Json(new JsonObject { ["data"] = new JsonArray([.. databases.All().Select(database => (JsonNode)new JsonObject { ["id"] = database.Id, ["name"] = database.Name })]) }))
            .WithName("listDatabases");
        api.MapGet("/databases/{databaseId}/tables", ListTables).WithName("listTables");
        api.MapGet("/databases/{databaseId}/tables/{tableId}", GetTable).WithName("getTable");

        var records = api.MapGroup("/databases/{databaseId}/tables/{tableId}/records");
        records.MapGet("", ListRecords).WithName("listRecords");
        records.MapPost("", CreateRecordAsync).WithName("createRecord");
        records.MapPost("/search", SearchRecordsAsync).WithName("searchRecords");
        records.MapGet("/{recordId}", GetRecord).WithName("getRecord");
        records.MapPatch("/{recordId}", UpdateRecordAsync).WithName("updateRecord");
        records.MapDelete("/{recordId}", DeleteRecord).WithName("deleteRecord");
        return routes;
    }

    private static IResult ListTables(HttpContext context, string databaseId, SandboxDatabases databases) =>
        databases.Find(databaseId) is { } database
            ? Results.Json(new JsonObject { ["data"] = new JsonArray([.. database.Tables.Select(table => (JsonNode)TableJson(table))]) })
            : NotFound(context, $"Database {databaseId} not found");

    private static IResult GetTable(HttpContext context, string databaseId, string tableId, SandboxDatabases databases) =>
        databases.FindTable(databaseId, tableId) is { } table
            ? Results.Json(new JsonObject { ["data"] = TableJson(table) })
            : NotFound(context, $"Table {tableId} not found in database {databaseId}");

    private static IResult ListRecords(HttpContext context, string databaseId, string tableId, SandboxDatabases databases)
    {
        if (databases.FindTable(databaseId, tableId) is not { } table)
        {
            return NotFound(context, $"Table {tableId} not found in database {databaseId}");
        }
        if (!TryPaging(context, context.Request.Query["offset"], context.Request.Query["limit"], out var offset, out var limit, out var error))
        {
            return error;
        }
        return Page(table, table.Records(), offset, limit, FieldNames(context));
    }

    private static IResult GetRecord(HttpContext context, string databaseId, string tableId, string recordId, SandboxDatabases databases)
    {
        if (databases.FindTable(databaseId, tableId) is not { } table)
        {
            return NotFound(context, $"Table {tableId} not found in database {databaseId}");
        }
        return table.Find(recordId) is { } record
            ? Results.Json(new JsonObject { ["data"] = RecordJson(table, record, FieldNames(context)) })
            : NotFound(context, $"Record {recordId} not found");
    }

    private static async Task<IResult> CreateRecordAsync(HttpContext context, string databaseId, string tableId, SandboxDatabases databases, SandboxQuotas quota,
        TimeProvider time)
    {
        if (databases.FindTable(databaseId, tableId) is not { } table)
        {
            return NotFound(context, $"Table {tableId} not found in database {databaseId}");
        }
        var (fields, error) = await ReadFieldsAsync(context, table);
        if (error is not null)
        {
            return error;
        }
        var missing = table.Fields.FirstOrDefault(field => field.Required && FieldValues.IsEmpty(fields!.GetValueOrDefault(field.Id)));
        if (missing is not null)
        {
            return Invalid(context, $"Field '{missing.Name}' ({missing.Id}) is required.");
        }

        if (quota.Current.MaxRecords is { } cap && databases.All().Sum(database => database.Tables.Sum(each => each.Records().Count)) >= cap)
        {
            return SoftrApi.Error(context, StatusCodes.Status402PaymentRequired, "QUOTA_EXCEEDED", $"The plan's limit of {cap} records is reached.");
        }
        var now = time.GetUtcNow();
        var record = new SandboxRecord("rec" + Guid.NewGuid().ToString("N")[..14], fields!, now, now);
        if (table.TryAdd(record) is { } taken)
        {
            return Conflict(context, taken);
        }
        return Results.Json(new JsonObject { ["data"] = RecordJson(table, record, FieldNames(context)) });
    }

    private static async Task<IResult> UpdateRecordAsync(HttpContext context, string databaseId, string tableId, string recordId,
        SandboxDatabases databases, TimeProvider time)
    {
        if (databases.FindTable(databaseId, tableId) is not { } table)
        {
            return NotFound(context, $"Table {tableId} not found in database {databaseId}");
        }
        var (fields, error) = await ReadFieldsAsync(context, table);
        if (error is not null)
        {
            return error;
        }
        if (table.TryUpdate(recordId, fields!, time.GetUtcNow(), out var record) is { } taken)
        {
            return Conflict(context, taken);
        }
        return record is not null
            ? Results.Json(new JsonObject { ["data"] = RecordJson(table, record, FieldNames(context)) })
            : NotFound(context, $"Record {recordId} not found");
    }

    private static IResult DeleteRecord(HttpContext context, string databaseId, string tableId, string recordId, SandboxDatabases databases)
    {
        if (databases.FindTable(databaseId, tableId) is not { } table)
        {
            return NotFound(context, $"Table {tableId} not found in database {databaseId}");
        }
        // The live API answers 204 with no body (the contract says 200; clients accept both).
        return table.Remove(recordId) ? Results.NoContent() : NotFound(context, $"Record {recordId} not found");
    }

    private static async Task<IResult> SearchRecordsAsync(HttpContext context, string databaseId, string tableId, SandboxDatabases databases, TimeProvider time)
    {
        if (databases.FindTable(databaseId, tableId) is not { } table)
        {
            return NotFound(context, $"Table {tableId} not found in database {databaseId}");
        }
        JsonObject body;
        try
        {
            body = context.Request.ContentLength is 0 ? [] : await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject ?? [];
        }
        catch (JsonException exception)
        {
            return Invalid(context, $"The search body is not valid JSON: {exception.Message}");
        }

        var fieldNames = FieldNames(context);
        var evaluator = new SearchEvaluator(table, fieldNames, time.GetUtcNow());
        if (!TryPaging(context, body["paging"]?["offset"]?.ToString(), body["paging"]?["limit"]?.ToString(), out var offset, out var limit, out var pagingError))
        {
            return pagingError;
        }

        try
        {
            IEnumerable<SandboxRecord> matches = table.Records();
            if (body["filter"]?["condition"] is JsonObject condition)
            {
                matches = matches.Where(record => evaluator.Matches(condition, record)).ToList();
            }
            if (body["sorting"] is JsonArray sorting)
            {
                matches = Sort(table, matches, sorting, fieldNames, evaluator);
            }
            return Page(table, [.. matches], offset, limit, fieldNames);
        }
        catch (SearchException exception)
        {
            return Invalid(context, exception.Message);
        }
    }

    private static IEnumerable<SandboxRecord> Sort(SandboxTable table, IEnumerable<SandboxRecord> records, JsonArray sorting, bool fieldNames, SearchEvaluator evaluator)
    {
        IOrderedEnumerable<SandboxRecord>? ordered = null;
        foreach (var sort in sorting.OfType<JsonObject>())
        {
            var key = sort["sortingField"]?.GetValue<string>() ?? throw new SearchException("A sort needs a 'sortingField'.");
            var descending = string.Equals(sort["sortType"]?.GetValue<string>(), "DESC", StringComparison.OrdinalIgnoreCase);
            Func<SandboxRecord, JsonNode?> value = key switch
            {
                "created_at" => record => JsonValue.Create(record.CreatedAt.ToString("O", CultureInfo.InvariantCulture)),
                "updated_at" => record => JsonValue.Create(record.UpdatedAt.ToString("O", CultureInfo.InvariantCulture)),
                _ => table.FindField(key, fieldNames) is { } field
                    ? record => record.Fields.GetValueOrDefault(field.Id)
                    : throw new SearchException($"Cannot sort by '{key}': no such field in table {table.Id}."),
            };
            var comparer = Comparer<JsonNode?>.Create(evaluator.CompareForSort);
            ordered = (ordered, descending) switch
            {
                (null, false) => records.OrderBy(value, comparer),
                (null, true) => records.OrderByDescending(value, comparer),
                (_, false) => ordered.ThenBy(value, comparer),
                (_, true) => ordered.ThenByDescending(value, comparer),
            };
        }
        return ordered ?? records;
    }

    private static IResult Page(SandboxTable table, IReadOnlyList<SandboxRecord> records, int offset, int limit, bool fieldNames) =>
        Results.Json(new JsonObject
        {
            ["data"] = new JsonArray([.. records.Skip(offset).Take(limit).Select(record => (JsonNode)RecordJson(table, record, fieldNames))]),
            ["metadata"] = new JsonObject { ["offset"] = offset, ["limit"] = limit, ["total"] = records.Count },
        });

    private static bool TryPaging(HttpContext context, string? offsetText, string? limitText, out int offset, out int limit, out IResult error)
    {
        offset = 0;
        limit = DefaultPageSize;
        error = Results.Empty;
        if ((!string.IsNullOrEmpty(offsetText) && (!int.TryParse(offsetText, CultureInfo.InvariantCulture, out offset) || offset < 0))
            || (!string.IsNullOrEmpty(limitText) && (!int.TryParse(limitText, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxPageSize)))
        {
            error = Invalid(context, $"offset must be 0 or more and limit between 1 and {MaxPageSize}.");
            return false;
        }
        return true;
    }

    /// <summary>
    /// Reads <c>{"fields": {...}}</c>, keyed by field ID, or by name when <c>fieldNames=true</c>, and
    /// returns it keyed by field ID.
    /// </summary>
    private static async Task<(Dictionary<string, JsonNode?>? Fields, IResult? Error)> ReadFieldsAsync(HttpContext context, SandboxTable table)
    {
        JsonObject? fields;
        try
        {
            fields = (await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))?["fields"] as JsonObject;
        }
        catch (JsonException exception)
        {
            return (null, Invalid(context, $"The body is not valid JSON: {exception.Message}"));
        }
        if (fields is null)
        {
            return (null, Invalid(context, "The body must be {\"fields\": {...}}."));
        }

        var byId = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (key, value) in fields)
        {
            var field = table.FindField(key, FieldNames(context));
            if (field is null)
            {
                return (null, Invalid(context, $"Field '{key}' does not exist in table {table.Id}."));
            }
            if (value is JsonValue text && text.TryGetValue(out string? written) && written.Length > MaxTextLength)
            {
                return (null, Invalid(context, $"The value of field '{field.Name}' is longer than {MaxTextLength} characters."));
            }
            if (FieldValues.WriteError(field, value) is { } problem)
            {
                return (null, Invalid(context, problem));
            }
            byId[field.Id] = value?.DeepClone();
        }
        return (byId, null);
    }

    private static JsonObject RecordJson(SandboxTable table, SandboxRecord record, bool fieldNames)
    {
        var fields = new JsonObject();
        foreach (var field in table.Fields)
        {
            if (record.Fields.TryGetValue(field.Id, out var value))
            {
                fields[fieldNames ? field.Name : field.Id] = FieldValues.Render(field, value);
            }
        }
        return new JsonObject
        {
            ["id"] = record.Id,
            ["tableId"] = table.Id,
            ["fields"] = fields,
            ["createdAt"] = record.CreatedAt,
            ["updatedAt"] = record.UpdatedAt,
        };
    }

    private static JsonObject TableJson(SandboxTable table) => new()
    {
        ["id"] = table.Id,
        ["name"] = table.Name,
        ["description"] = table.Description,
        ["primaryFieldId"] = table.PrimaryFieldId,
        ["defaultViewId"] = table.DefaultViewId,
        ["fields"] = new JsonArray([.. table.Fields.Select(field => (JsonNode)new JsonObject
        {
            ["id"] = field.Id,
            ["name"] = field.Name,
            ["type"] = field.Type,
            ["options"] = field.Options?.DeepClone(),
            ["readonly"] = field.ReadOnly,
            ["required"] = field.Required,
            ["allowMultipleEntries"] = field.AllowMultipleEntries,
        })]),
        ["createdAt"] = table.CreatedAt,
        ["updatedAt"] = table.UpdatedAt,
    };

    private static bool FieldNames(HttpContext context) =>
        string.Equals(context.Request.Query["fieldNames"], "true", StringComparison.OrdinalIgnoreCase);

    private static IResult NotFound(HttpContext context, string message) =>
        SoftrApi.Error(context, StatusCodes.Status404NotFound, "NOT_FOUND", message);

    /// <summary>The longest text a field takes (Softr's long text holds about 100,000 characters).</summary>
    public const int MaxTextLength = 100_000;

    private static IResult Conflict(HttpContext context, SandboxField field) =>
        SoftrApi.Error(context, StatusCodes.Status409Conflict, "CONSTRAINT_VIOLATION", $"The value of field '{field.Name}' must be unique, and another record has it.");

    private static IResult Invalid(HttpContext context, string message) =>
        SoftrApi.Error(context, StatusCodes.Status400BadRequest, "VALIDATION_ERROR", message);
}
