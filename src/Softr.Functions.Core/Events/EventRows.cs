using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using Softr.Functions.Processing;
using Softr.Functions.Storage;

namespace Softr.Functions.Events;

/// <summary>
/// The events table's layout, in one place: one partition per event holding
/// <list type="bullet">
/// <item>the <c>summary</c> row: the status, processing's lease, the cause and the last detail;</item>
/// <item>one history row per status change, <c>h{ticks}{guid}</c>, so they read back in order;</item>
/// <item>one step row per automation step, <c>s|{automation}|{step}</c>, with its state and results.</item>
/// </list>
/// Ingestion (<see cref="TableEventStore"/>) and processing (<see cref="EventProgressStore"/>) write
/// different columns of the summary, by merge, so neither clobbers the other's; both take the names from here.
/// </summary>
internal static class EventRows
{
    public const string SummaryRow = "summary";
    public const string StepRowPrefix = "s|";
    public const string HistoryRowPrefix = "h";

    /// <summary>The first row key after every step row (the prefix's last character plus one).</summary>
    public const string StepRowsEnd = "s}";

    // Summary columns written by both sides.
    public const string Hook = nameof(EventRecord.Hook);
    public const string Type = nameof(EventRecord.Type);
    public const string Status = nameof(EventRecord.Status);
    public const string ReceivedAt = nameof(EventRecord.ReceivedAt);
    public const string UpdatedAt = nameof(EventRecord.UpdatedAt);

    // Processing's columns on the summary.
    public const string LeaseHolder = "LeaseHolder";
    public const string LeaseUntil = "LeaseUntil";
    public const string Cause = "Cause";
    public const string Detail = "Detail";

    /// <summary>How many attempts at the event failed (per event, not per copy of its message: a redelivery does not start again at zero).</summary>
    public const string Failures = "Failures";

    /// <summary>
    /// The keys of the people the event's payload names (<see cref="Privacy.PersonIndex"/>), comma-separated,
    /// written once they are indexed (empty: none): retention removes those index rows with the event.
    /// </summary>
    public const string People = "People";

    /// <summary>On a tombstone: when the person was erased.</summary>
    public const string ErasedAt = "ErasedAt";

    /// <summary>
    /// Set by a retention sweep on the summary it is about to delete (conditional on the summary as it read it):
    /// from then on the event is leaving, and a replay refuses it rather than race the sweep.
    /// </summary>
    public const string Sweeping = "Sweeping";

    // History and step columns.
    public const string At = nameof(EventHistoryEntry.At);
    private const string Automation = nameof(StepRecord.Automation);
    private const string StepId = nameof(StepRecord.StepId);
    private const string Action = nameof(StepRecord.Action);
    private const string State = nameof(StepRecord.State);
    private const string Outputs = "Outputs";
    private const string Calls = "Calls";
    private const string DurationMs = "DurationMs";

    /// <summary>The step's credential results, encrypted (see <see cref="Privacy.StepSecrets"/>); absent when it has none.</summary>
    private const string Secrets = "Secrets";

    public static TableEntity Summary(EventEnvelope envelope, EventStatus status, DateTimeOffset now) => new(envelope.EventId, SummaryRow)
    {
        [Hook] = envelope.Hook,
        [Type] = envelope.EventType,
        [Status] = status.ToString(),
        [ReceivedAt] = envelope.ReceivedAt,
        [UpdatedAt] = now,
        [Failures] = envelope.Failures,
    };

    /// <summary>
    /// What is left of an erased event: its id, hook and type, when, and the erased person's key (an HMAC,
    /// never the address). It replaces the summary whole, so every column processing wrote (its lease
    /// included) is gone, and any attempt still holding the event finds out at its next write.
    /// </summary>
    public static TableEntity Tombstone(string eventId, string hook, string type, DateTimeOffset receivedAt, string? person, DateTimeOffset now) => new(eventId, SummaryRow)
    {
        [Hook] = hook,
        [Type] = type,
        [ReceivedAt] = receivedAt,
        [Status] = nameof(EventStatus.Erased),
        [UpdatedAt] = now,
        [ErasedAt] = now,
        [People] = person ?? "",
    };

    public static TableEntity History(string eventId, EventStatus status, string? detail, DateTimeOffset now) =>
        new(eventId, $"{HistoryRowPrefix}{now.UtcTicks.ToString("D19", CultureInfo.InvariantCulture)}{Guid.NewGuid():N}")
        {
            [At] = now,
            [Status] = status.ToString(),
            [Detail] = StorageLimits.Cut(detail),
        };

    public static EventStatus StatusOf(TableEntity row) =>
        Enum.TryParse<EventStatus>(row.GetString(Status), out var parsed) ? parsed : EventStatus.Accepted;

    public static bool IsStep(ITableEntity row) => row.RowKey.StartsWith(StepRowPrefix, StringComparison.Ordinal);

    public static bool IsHistory(ITableEntity row) => row.RowKey.StartsWith(HistoryRowPrefix, StringComparison.Ordinal);

    /// <summary>Row keys may not hold '/', '\', '#' or '?': names are escaped.</summary>
    public static string StepRowKey(string automation, string stepId) =>
        $"{StepRowPrefix}{Uri.EscapeDataString(automation)}|{Uri.EscapeDataString(stepId)}";

    /// <param name="step">The step, its results as they may be stored in plain (credentials already replaced).</param>
    /// <param name="sealedSecrets">Its credential results, encrypted; null when it has none.</param>
    public static TableEntity Step(string eventId, StepRecord step, string? sealedSecrets)
    {
        ArgumentNullException.ThrowIfNull(step);
        var row = new TableEntity(eventId, StepRowKey(step.Automation, step.StepId))
        {
            [Automation] = step.Automation,
            [StepId] = step.StepId,
            [Action] = step.Action,
            [State] = step.State.ToString(),
            [At] = step.At,
            [Outputs] = SerializeOutputs(step),
            [Calls] = StorageLimits.Cut(JsonSerializer.Serialize(step.Calls, ProcessingJsonContext.Default.IReadOnlyListSoftrCallRecord)),
        };
        if (step.DurationMs is { } duration)
        {
            row[DurationMs] = duration;
        }
        if (sealedSecrets is not null)
        {
            row[Secrets] = sealedSecrets;
        }
        return row;
    }

    /// <summary>A step row's encrypted credential results, for processing to open; null when it has none.</summary>
    public static string? SealedSecrets(TableEntity row) => row.GetString(Secrets);

    /// <summary>A step as stored: credential results show as <c>[redacted]</c> (processing opens them with <see cref="SealedSecrets"/>).</summary>
    public static StepRecord ReadStep(TableEntity row) => new(
        row.GetString(Automation) ?? "",
        row.GetString(StepId) ?? "",
        row.GetString(Action) ?? "",
        Enum.TryParse<StepState>(row.GetString(State), out var state) ? state : StepState.Started,
        row.GetDateTimeOffset(At) ?? DateTimeOffset.MinValue,
        JsonSerializer.Deserialize(row.GetString(Outputs) ?? "{}", ProcessingJsonContext.Default.IReadOnlyDictionaryStringString)
            ?? new Dictionary<string, string?>())
    {
        DurationMs = row.GetInt64(DurationMs),
        Calls = ReadCalls(row.GetString(Calls)),
    };

    private static IReadOnlyList<SoftrCallRecord> ReadCalls(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return [];
        }
        try
        {
            return JsonSerializer.Deserialize(json, ProcessingJsonContext.Default.IReadOnlyListSoftrCallRecord) ?? [];
        }
        catch (JsonException)
        {
            return []; // cut to fit the row: the calls are a record for people, not for processing
        }
    }

    public static EventHistoryEntry ReadHistory(TableEntity row) =>
        new(row.GetDateTimeOffset(At) ?? DateTimeOffset.MinValue, StatusOf(row), row.GetString(Detail));

    /// <summary>A step's results, whole or not at all: a cut value would be a wrong value for the steps after it.</summary>
    private static string SerializeOutputs(StepRecord step)
    {
        var json = JsonSerializer.Serialize(step.Outputs, ProcessingJsonContext.Default.IReadOnlyDictionaryStringString);
        return json.Length <= StorageLimits.MaxOutputsChars
            ? json
            : throw new PermanentFailureException(FailureCauses.TooLarge,
                $"step '{step.StepId}' ({step.Action}) gave results of {json.Length} characters; at most {StorageLimits.MaxOutputsChars} can be kept for the steps after it.");
    }
}
