using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Softr.Functions.Events;
using Softr.Functions.Privacy;
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
    [property: JsonPropertyName("outputs")] IReadOnlyDictionary<string, string?> Outputs)
{
    /// <summary>How long the step took, from its first read to its last answer (null while it has not finished).</summary>
    [JsonPropertyName("durationMs")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? DurationMs { get; init; }

    /// <summary>Every Softr call the step made (each try), with its status and duration.</summary>
    [JsonPropertyName("calls")]
    public IReadOnlyList<SoftrCallRecord> Calls { get; init; } = [];
}

/// <summary>An event's processing state as one read of its partition gives it.</summary>
public sealed record EventProgress(EventStatus? Status, ETag ETag, string? LeaseHolder, DateTimeOffset? LeaseUntil, IReadOnlyList<StepRecord> Steps)
{
    /// <summary>What the last status write said (an attempt's start, its failure, its outcome).</summary>
    public string? Detail { get; init; }

    /// <summary>How many attempts at the event failed, whichever copy of its message made them.</summary>
    public int Failures { get; init; }

    public StepRecord? Step(string automation, string stepId) =>
        Steps.FirstOrDefault(step => step.Automation == automation && step.StepId == stepId);
}

/// <summary>
/// Processing's side of the events table (<see cref="EventRows"/> has its layout): the attempt's
/// lease and the status on the summary row, and one row per step written before the next step starts,
/// so that a retry or a replay resumes at the step that failed. Status changes go in one transaction
/// with their history row, so the two never disagree. While an attempt runs, every write that depends
/// on holding the event is conditional on its <see cref="EventLease"/>.
/// </summary>
public sealed class EventProgressStore(TableServiceClient tables, IOptions<ProcessingOptions> options, TimeProvider timeProvider, StepSecrets secrets,
    EventIndex? index = null)
{
    private readonly ReadyTable _ready = new(tables, TableNames.Events);

    public async Task<EventProgress> ReadAsync(string eventId, CancellationToken cancellationToken)
    {
        await _ready.GetAsync(cancellationToken).ConfigureAwait(false);
        TableEntity? summary = null;
        var steps = new List<StepRecord>();
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {eventId} and (RowKey eq {EventRows.SummaryRow} or (RowKey ge {EventRows.StepRowPrefix} and RowKey lt {EventRows.StepRowsEnd}))");
        await foreach (var row in _ready.Client.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (row.RowKey == EventRows.SummaryRow)
            {
                summary = row;
            }
            else
            {
                var step = EventRows.ReadStep(row);
                steps.Add(step with { Outputs = secrets.Open(step.Outputs, EventRows.SealedSecrets(row)) });
            }
        }
        return summary is null
            ? new EventProgress(null, default, null, null, steps)
            : new EventProgress(EventRows.StatusOf(summary), summary.ETag, NullIfEmpty(summary.GetString(EventRows.LeaseHolder)),
                summary.GetDateTimeOffset(EventRows.LeaseUntil), steps)
            {
                Detail = NullIfEmpty(summary.GetString(EventRows.Detail)),
                Failures = summary.GetInt32(EventRows.Failures) ?? 0,
            };
    }

    /// <summary>
    /// Takes the event for this attempt, conditional on the summary being as <paramref name="progress"/>
    /// read it. Null when something changed it in between (another copy of the message got there first).
    /// </summary>
    public async Task<EventLease?> BeginAttemptAsync(EventEnvelope envelope, EventProgress progress, string messageId, string detail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(progress);
        var holder = EventLease.NewHolder(messageId);
        var now = timeProvider.GetUtcNow();
        var summary = EventRows.Summary(envelope, EventStatus.Processing, now);
        summary[EventRows.LeaseHolder] = holder;
        summary[EventRows.LeaseUntil] = now + options.Value.LeaseDuration;
        summary[EventRows.Detail] = StorageLimits.Cut(detail);
        summary[EventRows.Cause] = "";
        // No summary yet (the first attempt: the door writes none, D28): insert, which only one copy of the message wins.
        var write = progress.Status is null
            ? new TableTransactionAction(TableTransactionActionType.Add, summary)
            : new TableTransactionAction(TableTransactionActionType.UpdateMerge, summary, progress.ETag);
        try
        {
            var response = await _ready.Client.SubmitTransactionAsync([write, History(envelope.EventId, EventStatus.Processing, detail, now)], cancellationToken)
                .ConfigureAwait(false);
            return new EventLease(envelope.EventId, holder, response.Value[0].Headers.ETag ?? ETag.All);
        }
        catch (RequestFailedException conflict) when (conflict.Status is 409 or 412)
        {
            return await StillHeldAsync(envelope.EventId, holder, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Extends the lease, on the condition that this attempt still holds it; with <paramref name="started"/>
    /// (a step's started mark) in the same transaction, so a call that must not be repeated never goes
    /// out from an attempt that lost the event.
    /// </summary>
    /// <exception cref="LeaseLostException">Another attempt holds the event now.</exception>
    public async Task RenewAsync(EventLease lease, StepRecord? started, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var renewal = new TableEntity(lease.EventId, EventRows.SummaryRow)
        {
            [EventRows.LeaseHolder] = lease.Holder,
            [EventRows.LeaseUntil] = timeProvider.GetUtcNow() + options.Value.LeaseDuration,
        };
        List<TableTransactionAction> actions = [new(TableTransactionActionType.UpdateMerge, renewal, lease.ETag)];
        if (started is not null)
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, StepRow(lease.EventId, started)));
        }
        await SubmitHeldAsync(lease, actions, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A step's record, unconditionally: what Softr did is a fact, to be known by whichever attempt runs
    /// next, even one that took the event over from this one.
    /// </summary>
    public async Task RecordStepAsync(string eventId, StepRecord step, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(step);
        await _ready.Client.UpsertEntityAsync(StepRow(eventId, step), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes a step's record: its call was marked started but certainly never reached Softr.</summary>
    public async Task ForgetStepAsync(string eventId, string automation, string stepId, CancellationToken cancellationToken) =>
        await _ready.Client.DeleteEntityAsync(eventId, EventRows.StepRowKey(automation, stepId), ETag.All, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Ends the attempt: the new status, why, and the lease released; with <paramref name="lastStep"/>'s
    /// record in the same transaction. With a <paramref name="lease"/>, only while it is still held.
    /// </summary>
    /// <exception cref="LeaseLostException">Another attempt holds the event now; nothing was written.</exception>
    public async Task FinishAttemptAsync(EventEnvelope envelope, EventStatus status, string? cause, string detail, EventLease? lease,
        CancellationToken cancellationToken, StepRecord? lastStep = null)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var now = timeProvider.GetUtcNow();
        var summary = EventRows.Summary(envelope, status, now);
        summary[EventRows.LeaseHolder] = "";
        summary[EventRows.Cause] = cause ?? "";
        summary[EventRows.Detail] = StorageLimits.Cut(detail);
        List<TableTransactionAction> actions =
        [
            lease is null
                ? new(TableTransactionActionType.UpsertMerge, summary)
                : new(TableTransactionActionType.UpdateMerge, summary, lease.ETag),
            History(envelope.EventId, status, cause is null ? detail : $"{cause}: {detail}", now),
        ];
        if (lastStep is not null)
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, StepRow(envelope.EventId, lastStep)));
        }
        if (lease is null)
        {
            await _ready.Client.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            try
            {
                await SubmitHeldAsync(lease, actions, cancellationToken).ConfigureAwait(false);
            }
            catch (LeaseLostException) when (lastStep is not null)
            {
                // The status is the other attempt's to write, but the step did happen: it must be known.
                await RecordStepAsync(envelope.EventId, lastStep, cancellationToken).ConfigureAwait(false);
                throw;
            }
        }
        // After the status (which is the truth): the listing's row follows it.
        if (index is not null)
        {
            await index.RecordAsync(envelope, status, cause, now, cancellationToken, lease?.Plan).ConfigureAwait(false);
        }
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
        await FinishAttemptAsync(envelope, EventStatus.Accepted, null, detail, lease: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A transaction whose first action is the conditional summary write; the lease takes its new ETag.
    /// A conflict is not always a lost lease. The storage client retries a request that timed out, and
    /// the retry of a transaction that landed conflicts with it: its history row (a unique key) is then
    /// there. And a write that changed the ETag without taking the event (a replay's reset racing an
    /// attempt's end) leaves the summary naming this attempt: the write is made again on the new ETag.
    /// </summary>
    private async Task SubmitHeldAsync(EventLease lease, List<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        const int MaxTries = 3;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var response = await _ready.Client.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
                lease.ETag = response.Value[0].Headers.ETag ?? ETag.All;
                return;
            }
            catch (RequestFailedException conflict) when (conflict.Status == 412)
            {
                var history = actions.Skip(1).Select(action => action.Entity).FirstOrDefault(EventRows.IsHistory);
                if (history is not null && (await _ready.Client.GetEntityIfExistsAsync<TableEntity>(lease.EventId, history.RowKey, cancellationToken: cancellationToken)
                    .ConfigureAwait(false)).HasValue)
                {
                    return; // it landed; the lease was released with it
                }
                if (attempt == MaxTries || await StillHeldAsync(lease.EventId, lease.Holder, cancellationToken).ConfigureAwait(false) is not { } current)
                {
                    throw new LeaseLostException(lease.EventId);
                }
                lease.ETag = current.ETag;
                actions[0] = new TableTransactionAction(actions[0].ActionType, actions[0].Entity, current.ETag);
            }
        }
    }

    /// <summary>The event as it is now, if this attempt still holds it (after a conditional write conflicted).</summary>
    private async Task<EventLease?> StillHeldAsync(string eventId, string holder, CancellationToken cancellationToken)
    {
        var current = await ReadAsync(eventId, cancellationToken).ConfigureAwait(false);
        return current.Status == EventStatus.Processing && current.LeaseHolder == holder ? new EventLease(eventId, holder, current.ETag) : null;
    }

    // An upsert, though the key is new: if the storage client retries a transaction that landed, the
    // retry must not fail on the history row the first try wrote.
    private static TableTransactionAction History(string eventId, EventStatus status, string? detail, DateTimeOffset now) =>
        new(TableTransactionActionType.UpsertReplace, EventRows.History(eventId, status, detail, now));

    /// <summary>A step's row, its credential results encrypted.</summary>
    private TableEntity StepRow(string eventId, StepRecord step)
    {
        var (shown, sealedSecrets) = secrets.Seal(step);
        return EventRows.Step(eventId, step with { Outputs = shown }, sealedSecrets);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

[JsonSerializable(typeof(IReadOnlyDictionary<string, string?>))]
[JsonSerializable(typeof(IReadOnlyList<SoftrCallRecord>))]
[JsonSerializable(typeof(string))]
internal sealed partial class ProcessingJsonContext : JsonSerializerContext;
