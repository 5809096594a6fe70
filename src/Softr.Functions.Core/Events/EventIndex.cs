using System.Globalization;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Softr.Functions.Storage;

namespace Softr.Functions.Events;

/// <summary>One event as a listing shows it (never a payload value).</summary>
public sealed record EventSummary(
    [property: JsonPropertyName("eventId")] string EventId,
    [property: JsonPropertyName("hook")] string Hook,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("status")] EventStatus Status,
    [property: JsonPropertyName("receivedAt")] DateTimeOffset ReceivedAt,
    [property: JsonPropertyName("updatedAt")] DateTimeOffset UpdatedAt)
{
    [JsonPropertyName("cause")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Cause { get; init; }

    [JsonPropertyName("senderEventId")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SenderEventId { get; init; }
}

/// <summary>Which events a listing takes; every part optional.</summary>
public sealed record EventFilter(string? Hook = null, EventStatus? Status = null, DateTimeOffset? From = null, DateTimeOffset? To = null, string? SenderEventId = null);

/// <summary>A page of events, newest first, and where the next page starts (null after the last).</summary>
public sealed record EventPage(
    [property: JsonPropertyName("items")] IReadOnlyList<EventSummary> Items,
    [property: JsonPropertyName("next")] string? Next);

/// <summary>
/// Every processed event, newest first, for the operator's listing (issue #15). One row per event in
/// one partition, keyed <c>{max ticks - received ticks}|{event id}</c> so that key order is newest first
/// and a time range is a key range; hook, status and the sender's id are compared by the table service.
/// Processing writes the row each time an attempt ends, so the webhook's path pays nothing for it; an
/// event appears once its first attempt has ended. Retention and erasure remove it with the event.
/// </summary>
public sealed class EventIndex(TableServiceClient tables)
{
    public const int MaxPageSize = 1000;
    public const int DefaultPageSize = 100;
    /// <summary>The most of a masked payload or plan a row keeps (a table property holds 32K characters).</summary>
    public const int MaxShownChars = 30_000;

    private const string Partition = "events";
    private const string PayloadColumn = "Payload";
    private const string PlanColumn = "Plan";

    // What a listing shows, and RowKey for the next page's start: not the payload and plan, up to 60,000
    // characters a row, which only one event's page reads.
    private static readonly string[] Listed =
    [
        "RowKey", nameof(EventSummary.EventId), nameof(EventSummary.Hook), nameof(EventSummary.Type), nameof(EventSummary.Status),
        nameof(EventSummary.ReceivedAt), nameof(EventSummary.UpdatedAt), nameof(EventSummary.Cause), nameof(EventSummary.SenderEventId),
    ];

    private readonly ReadyTable _ready = new(tables, TableNames.EventIndex);

    /// <param name="plan">What the attempt planned, masked (<see cref="Processing.PreparedEvent.ShownPlan"/>); null keeps the one recorded before.</param>
    public async Task RecordAsync(EventEnvelope envelope, EventStatus status, string? cause, DateTimeOffset updatedAt, string? plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        await _ready.GetAsync(cancellationToken).ConfigureAwait(false);
        var row = new TableEntity(Partition, Key(envelope.ReceivedAt, envelope.EventId))
        {
            [nameof(EventSummary.EventId)] = envelope.EventId,
            [nameof(EventSummary.Hook)] = envelope.Hook,
            [nameof(EventSummary.Type)] = envelope.EventType,
            [nameof(EventSummary.Status)] = status.ToString(),
            [nameof(EventSummary.ReceivedAt)] = envelope.ReceivedAt,
            [nameof(EventSummary.UpdatedAt)] = updatedAt,
            [nameof(EventSummary.Cause)] = cause ?? "",
            [nameof(EventSummary.SenderEventId)] = envelope.SenderEventId ?? "",
        };
        // The payload as the console shows it, masked here so that the row never holds it whole. A
        // payload too large for the envelope is in a blob already (read and masked when shown).
        if (envelope.PayloadReference is null && envelope.Payload.ValueKind != System.Text.Json.JsonValueKind.Undefined)
        {
            row[PayloadColumn] = Shown(Privacy.PersonalDataMasker.Mask(envelope.Payload)?.ToJsonString() ?? "null");
        }
        if (plan is not null)
        {
            row[PlanColumn] = Shown(plan);
        }
        // Merge: an attempt that planned nothing (a deferral) keeps the plan an earlier one recorded.
        await _ready.Client.UpsertEntityAsync(row, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
    }

    public async Task<EventPage> ListAsync(EventFilter filter, int limit, string? after, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await _ready.GetAsync(cancellationToken).ConfigureAwait(false);
        // Newest first: the upper time bound is the lower key.
        var clauses = new List<string>
        {
            TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"),
            after is not null ? TableClient.CreateQueryFilter($"RowKey gt {PageCursor.ToRowKey(after)}")
                : TableClient.CreateQueryFilter($"RowKey ge {(filter.To is { } to ? Inverted(to) : "")}"),
        };
        if (filter.From is { } from)
        {
            clauses.Add(TableClient.CreateQueryFilter($"RowKey lt {Inverted(from) + "}"}"));
        }
        if (filter.Hook is { } hook)
        {
            clauses.Add(TableClient.CreateQueryFilter($"Hook eq {hook}"));
        }
        if (filter.Status is { } status)
        {
            clauses.Add(TableClient.CreateQueryFilter($"Status eq {status.ToString()}"));
        }
        if (filter.SenderEventId is { } senderEventId)
        {
            clauses.Add(TableClient.CreateQueryFilter($"SenderEventId eq {senderEventId}"));
        }
        var (items, next) = await PageCursor.ReadAsync(_ready.Client.QueryAsync<TableEntity>(string.Join(" and ", clauses), maxPerPage: Math.Min(limit + 1, MaxPageSize),
            select: Listed, cancellationToken: cancellationToken), limit, Read).ConfigureAwait(false);
        return new EventPage(items, next);
    }

    /// <summary>The masked payload and plan kept for <paramref name="eventId"/> (each null when none was kept).</summary>
    public async Task<(string? Payload, string? Plan)> GetShownAsync(string eventId, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        await _ready.GetAsync(cancellationToken).ConfigureAwait(false);
        var row = await _ready.Client.GetEntityIfExistsAsync<TableEntity>(Partition, Key(receivedAt, eventId), [PayloadColumn, PlanColumn], cancellationToken).ConfigureAwait(false);
        return row.HasValue ? (row.Value!.GetString(PayloadColumn), row.Value.GetString(PlanColumn)) : (null, null);
    }

    public async Task RemoveAsync(string eventId, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        try
        {
            await _ready.Client.DeleteEntityAsync(Partition, Key(receivedAt, eventId), ETag.All, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException missing) when (missing.Status == 404)
        {
            // Never indexed (not processed), or removed already.
        }
    }

    private static string Shown(string json) => json.Length <= MaxShownChars ? json : System.Text.Json.JsonSerializer.Serialize(
        $"(cut: {json.Length} characters, {MaxShownChars} kept) {json[..MaxShownChars]}", Processing.ProcessingJsonContext.Default.String);

    private static string Key(DateTimeOffset receivedAt, string eventId) => $"{Inverted(receivedAt)}|{eventId}";

    private static string Inverted(DateTimeOffset at) => (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);

    private static EventSummary Read(TableEntity row) => new(
        row.GetString(nameof(EventSummary.EventId)) ?? "",
        row.GetString(nameof(EventSummary.Hook)) ?? "",
        row.GetString(nameof(EventSummary.Type)) ?? "",
        Enum.TryParse<EventStatus>(row.GetString(nameof(EventSummary.Status)), out var status) ? status : EventStatus.Accepted,
        row.GetDateTimeOffset(nameof(EventSummary.ReceivedAt)) ?? DateTimeOffset.MinValue,
        row.GetDateTimeOffset(nameof(EventSummary.UpdatedAt)) ?? DateTimeOffset.MinValue)
    {
        Cause = row.GetString(nameof(EventSummary.Cause)) is { Length: > 0 } cause ? cause : null,
        SenderEventId = row.GetString(nameof(EventSummary.SenderEventId)) is { Length: > 0 } sender ? sender : null,
    };
}
