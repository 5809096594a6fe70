using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Softr.Functions.Events;
using Softr.Functions.Storage;

namespace Softr.Functions.Processing;

/// <summary>Where a step is: its call went out (outcome not yet known), or it succeeded with its results.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<StepState>))]
public enum StepState
{
    Started,
    Succeeded,
}

/// <summary>One step of one automation for one event, as recorded before the next step starts.</summary>
public sealed record StepRecord(
    [property: JsonPropertyName("automation")] string Automation,
    [property: JsonPropertyName("step")] string StepId,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("state")] StepState State,
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("outputs")] IReadOnlyDictionary<string, string?> Outputs);

/// <summary>An event's processing state as one read of its partition gives it.</summary>
public sealed record EventProgress(EventStatus? Status, ETag ETag, string? LeaseHolder, DateTimeOffset? LeaseUntil, IReadOnlyList<StepRecord> Steps)
{
    /// <summary>What the last status write said (an attempt's start, its failure, its outcome).</summary>
    public string? Detail { get; init; }

    public StepRecord? Step(string automation, string stepId) =>
        Steps.FirstOrDefault(step => step.Automation == automation && step.StepId == stepId);
}

/// <summary>
/// Processing's side of the events table (<see cref="TableEventStore"/> is ingestion's and the reader's):
/// the attempt lease and status on the <c>summary</c> row, and one row per step (<c>s|{automation}|{step}</c>)
/// written before the next step starts, so that a retry or a replay resumes at the step that failed.
/// Status changes go in one transaction with their history row, so the two never disagree.
/// </summary>
public sealed class EventProgressStore(TableServiceClient tables, IOptions<ProcessingOptions> options, TimeProvider timeProvider)
{
    internal const string StepRowPrefix = "s|";
    internal const string LeaseHolder = "LeaseHolder";
    internal const string LeaseUntil = "LeaseUntil";
    internal const string Cause = "Cause";
    internal const string Detail = "Detail";
    private const string Outputs = "Outputs";

    private readonly ReadyTable _ready = new(tables, TableNames.Events);

    public async Task<EventProgress> ReadAsync(string eventId, CancellationToken cancellationToken)
    {
        await _ready.GetAsync(cancellationToken).ConfigureAwait(false);
        TableEntity? summary = null;
        var steps = new List<StepRecord>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {eventId} and (RowKey eq {TableEventStore.SummaryRow} or (RowKey ge {StepRowPrefix} and RowKey lt {"s}"}))");
        await foreach (var row in _ready.Client.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (row.RowKey == TableEventStore.SummaryRow)
            {
                summary = row;
            }
            else
            {
                steps.Add(ReadStep(row));
            }
        }
        return summary is null
            ? new EventProgress(null, default, null, null, steps)
            : new EventProgress(TableEventStore.StatusOf(summary), summary.ETag, NullIfEmpty(summary.GetString(LeaseHolder)),
                summary.GetDateTimeOffset(LeaseUntil), steps) { Detail = NullIfEmpty(summary.GetString(Detail)) };
    }

    /// <summary>
    /// Takes the event for this attempt, conditional on the summary being as <paramref name="progress"/>
    /// read it. False when something changed it in between (another copy of the message got there first).
    /// </summary>
    public async Task<bool> BeginAttemptAsync(EventEnvelope envelope, EventProgress progress, string holder, string detail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(progress);
        var now = timeProvider.GetUtcNow();
        var summary = TableEventStore.Summary(envelope, EventStatus.Processing, now);
        summary[LeaseHolder] = holder;
        summary[LeaseUntil] = now + options.Value.LeaseDuration;
        summary[Detail] = StorageLimits.Cut(detail);
        summary[Cause] = "";
        // No summary at all (a message that did not come through ingestion): insert, which also only one copy wins.
        var write = progress.Status is null
            ? new TableTransactionAction(TableTransactionActionType.Add, summary)
            : new TableTransactionAction(TableTransactionActionType.UpdateMerge, summary, progress.ETag);
        try
        {
            await _ready.Client.SubmitTransactionAsync([write, History(envelope.EventId, EventStatus.Processing, detail, now)], cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException conflict) when (conflict.Status is 409 or 412)
        {
            // Someone else's write, or our own: the storage client retries a request that timed out, and
            // the retry of a write that did land conflicts with it. The lease tells which.
            var current = await ReadAsync(envelope.EventId, cancellationToken).ConfigureAwait(false);
            return current.Status == EventStatus.Processing && current.LeaseHolder == holder;
        }
    }

    public async Task RecordStepAsync(string eventId, StepRecord step, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(step);
        await _ready.Client.UpsertEntityAsync(StepRow(eventId, step), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    private static TableEntity StepRow(string eventId, StepRecord step) =>
        new(eventId, StepRowKey(step.Automation, step.StepId))
        {
            [nameof(StepRecord.Automation)] = step.Automation,
            [nameof(StepRecord.StepId)] = step.StepId,
            [nameof(StepRecord.Action)] = step.Action,
            [nameof(StepRecord.State)] = step.State.ToString(),
            [nameof(StepRecord.At)] = step.At,
            [Outputs] = SerializeOutputs(step),
        };

    /// <summary>Removes a step's record: its call was marked started but certainly never reached Softr.</summary>
    public async Task ForgetStepAsync(string eventId, string automation, string stepId, CancellationToken cancellationToken) =>
        await _ready.Client.DeleteEntityAsync(eventId, StepRowKey(automation, stepId), ETag.All, cancellationToken).ConfigureAwait(false);

    /// <summary>Ends the attempt: the new status, why, and the lease released; with <paramref name="lastStep"/>'s record in the same transaction.</summary>
    public async Task FinishAttemptAsync(EventEnvelope envelope, EventStatus status, string? cause, string detail, CancellationToken cancellationToken,
        StepRecord? lastStep = null)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var now = timeProvider.GetUtcNow();
        var summary = TableEventStore.Summary(envelope, status, now);
        summary[LeaseHolder] = "";
        summary[Cause] = cause ?? "";
        summary[Detail] = StorageLimits.Cut(detail);
        List<TableTransactionAction> actions =
        [
            new(TableTransactionActionType.UpsertMerge, summary),
            History(envelope.EventId, status, cause is null ? detail : $"{cause}: {detail}", now),
        ];
        if (lastStep is not null)
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, StepRow(envelope.EventId, lastStep)));
        }
        await _ready.Client.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Before a replay: forgets the steps that did not succeed (so that an unknown outcome the operator
    /// has checked runs again) and keeps those that did (so they are not done twice).
    /// </summary>
    public async Task ResetForReplayAsync(EventEnvelope envelope, string detail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var progress = await ReadAsync(envelope.EventId, cancellationToken).ConfigureAwait(false);
        foreach (var step in progress.Steps.Where(step => step.State != StepState.Succeeded))
        {
            await ForgetStepAsync(envelope.EventId, step.Automation, step.StepId, cancellationToken).ConfigureAwait(false);
        }
        await FinishAttemptAsync(envelope, EventStatus.Accepted, null, detail, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A step's results, whole or not at all: a cut value would be a wrong value for the steps after it.</summary>
    private static string SerializeOutputs(StepRecord step)
    {
        var json = JsonSerializer.Serialize(step.Outputs, ProcessingJsonContext.Default.IReadOnlyDictionaryStringString);
        return json.Length <= StorageLimits.MaxOutputsChars
            ? json
            : throw new PermanentFailureException(FailureCauses.TooLarge,
                $"step '{step.StepId}' ({step.Action}) gave results of {json.Length} characters; at most {StorageLimits.MaxOutputsChars} can be kept for the steps after it.");
    }

    internal static StepRecord ReadStep(TableEntity row) => new(
        row.GetString(nameof(StepRecord.Automation)) ?? "",
        row.GetString(nameof(StepRecord.StepId)) ?? "",
        row.GetString(nameof(StepRecord.Action)) ?? "",
        Enum.TryParse<StepState>(row.GetString(nameof(StepRecord.State)), out var state) ? state : StepState.Started,
        row.GetDateTimeOffset(nameof(StepRecord.At)) ?? DateTimeOffset.MinValue,
        JsonSerializer.Deserialize(row.GetString(Outputs) ?? "{}", ProcessingJsonContext.Default.IReadOnlyDictionaryStringString)
            ?? new Dictionary<string, string?>());

    /// <summary>Row keys may not hold '/', '\', '#' or '?': names are escaped.</summary>
    private static string StepRowKey(string automation, string stepId) =>
        $"{StepRowPrefix}{Uri.EscapeDataString(automation)}|{Uri.EscapeDataString(stepId)}";

    // An upsert, though the key is new: if the storage client retries a transaction that landed, the
    // retry must not fail on the history row the first try wrote.
    private static TableTransactionAction History(string eventId, EventStatus status, string? detail, DateTimeOffset now) =>
        new(TableTransactionActionType.UpsertReplace, TableEventStore.History(eventId, status, detail, now));

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

}

[JsonSerializable(typeof(IReadOnlyDictionary<string, string?>))]
internal sealed partial class ProcessingJsonContext : JsonSerializerContext;
