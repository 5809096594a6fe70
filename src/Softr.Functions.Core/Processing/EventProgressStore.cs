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

    /// <summary>Its call was marked as it left, then certainly not acted on (a 429, no connection): as good as never started.</summary>
    NotSent,
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

    /// <summary>
    /// The step's credential results as stored, encrypted (<see cref="Privacy.StepSecrets"/>): opened only
    /// when a later step needs them, so a lost key ring fails that step, with its cause, rather than every read.
    /// </summary>
    [JsonIgnore]
    public string? SealedSecrets { get; init; }
}

/// <summary>An event's processing state as one read of its partition gives it.</summary>
public sealed record EventProgress(EventStatus? Status, ETag ETag, string? LeaseHolder, DateTimeOffset? LeaseUntil, IReadOnlyList<StepRecord> Steps)
{
    /// <summary>What the last status write said (an attempt's start, its failure, its outcome).</summary>
    public string? Detail { get; init; }

    /// <summary>How many attempts at the event failed, whichever copy of its message made them.</summary>
    public int Failures { get; init; }

    /// <summary>The keys of the people its payload names, once indexed (empty: none); null until the event is indexed.</summary>
    public string? People { get; init; }

    /// <summary><see cref="People"/> as a list: the keys the event was indexed under.</summary>
    public IReadOnlyList<string> PersonKeys => string.IsNullOrEmpty(People) ? [] : People.Split(',');

    /// <summary>A retention sweep is deleting the event: it is leaving, and a replay refuses it.</summary>
    public bool Sweeping { get; init; }

    /// <summary>When the event was first received, as its first attempt wrote it; a later copy of its message carries its own, later, time.</summary>
    public DateTimeOffset? ReceivedAt { get; init; }

    public StepRecord? Step(string automation, string stepId) =>
        Steps.FirstOrDefault(step => step.Automation == automation && step.StepId == stepId);
}

/// <summary>
/// Processing's side of the events table (<see cref="EventRows"/> has its layout): the attempt's
/// lease and the status on the summary row, and one row per step written before the next step starts,
/// so that a retry or a replay resumes at the step that failed. Status changes go in one transaction
/// with their history row, so the two never disagree. Every write is conditional: on the attempt's
/// <see cref="EventLease"/>, or on the summary as it was read. None can bring back an event that was
/// erased meanwhile (its summary replaced by a tombstone, <see cref="EventRows.Tombstone"/>), nor
/// overwrite an outcome another attempt wrote.
/// </summary>
public sealed class EventProgressStore(TableServiceClient tables, IOptions<ProcessingOptions> options, TimeProvider timeProvider, EventIndex index)
{
    private readonly ReadyTable _ready = new(tables, TableNames.Events);

    /// <summary>The event's summary and step rows. Step results that are credentials stay sealed (<see cref="StepRecord.SealedSecrets"/>): they are opened only when a step needs them.</summary>
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
                steps.Add(EventRows.ReadStep(row) with { SealedSecrets = EventRows.SealedSecrets(row) });
            }
        }
        return summary is null
            ? new EventProgress(null, default, null, null, steps)
            : new EventProgress(EventRows.StatusOf(summary), summary.ETag, NullIfEmpty(summary.GetString(EventRows.LeaseHolder)),
                summary.GetDateTimeOffset(EventRows.LeaseUntil), steps)
            {
                Detail = NullIfEmpty(summary.GetString(EventRows.Detail)),
                Failures = summary.GetInt32(EventRows.Failures) ?? 0,
                People = summary.GetString(EventRows.People),
                Sweeping = summary.GetDateTimeOffset(EventRows.Sweeping) is not null,
                ReceivedAt = summary.GetDateTimeOffset(EventRows.ReceivedAt),
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
            return new EventLease(envelope.EventId, holder, response.Value[0].Headers.ETag ?? ETag.All, now);
        }
        catch (RequestFailedException conflict) when (conflict.Status is 409 or 412)
        {
            return await StillHeldAsync(envelope.EventId, holder, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Extends the lease, on the condition that this attempt still holds it; with <paramref name="started"/>
    /// (a step's started mark) in the same transaction, so a call that must not be repeated never goes
    /// out from an attempt that lost the event; with <paramref name="people"/> once the event is indexed.
    /// </summary>
    /// <exception cref="LeaseLostException">Another attempt holds the event now, or it was erased.</exception>
    public async Task RenewAsync(EventLease lease, StepRecord? started, CancellationToken cancellationToken, IReadOnlyList<string>? people = null)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var now = timeProvider.GetUtcNow();
        var renewal = new TableEntity(lease.EventId, EventRows.SummaryRow)
        {
            [EventRows.LeaseHolder] = lease.Holder,
            [EventRows.LeaseUntil] = now + options.Value.LeaseDuration,
        };
        if (people is not null)
        {
            renewal[EventRows.People] = string.Join(',', people);
        }
        List<TableTransactionAction> actions = [new(TableTransactionActionType.UpdateMerge, renewal, lease.ETag)];
        if (started is not null)
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, EventRows.Step(lease.EventId, started, sealedSecrets: null)));
        }
        await SubmitHeldAsync(lease, actions, cancellationToken).ConfigureAwait(false);
        lease.RenewedAt = now;
    }

    /// <summary>
    /// A step's record, while the attempt holds the event (the lease renewed with it). If another attempt
    /// took the event over, the record is written all the same (what Softr did is a fact the next attempt
    /// needs) unless the event was erased, and <see cref="LeaseLostException"/> is thrown.
    /// </summary>
    /// <param name="sealedSecrets">The step's credential results, encrypted (<see cref="Privacy.StepSecrets"/>); null when it has none.</param>
    /// <exception cref="LeaseLostException">Another attempt holds the event now, or it was erased.</exception>
    public async Task RecordStepAsync(EventLease lease, StepRecord step, string? sealedSecrets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(step);
        var row = EventRows.Step(lease.EventId, step, sealedSecrets);
        var renewal = new TableEntity(lease.EventId, EventRows.SummaryRow)
        {
            [EventRows.LeaseHolder] = lease.Holder,
            [EventRows.LeaseUntil] = timeProvider.GetUtcNow() + options.Value.LeaseDuration,
        };
        try
        {
            await SubmitHeldAsync(lease, [new(TableTransactionActionType.UpdateMerge, renewal, lease.ETag), new(TableTransactionActionType.UpsertReplace, row)], cancellationToken)
                .ConfigureAwait(false);
        }
        catch (LeaseLostException)
        {
            await RecordFactAsync(lease.EventId, row, cancellationToken).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Takes a step's started mark back (<see cref="StepState.NotSent"/>): its call was marked as it left,
    /// but certainly never reached Softr (a 429, no connection), so a later attempt may make it.
    /// </summary>
    /// <exception cref="LeaseLostException">Another attempt holds the event now, or it was erased.</exception>
    public async Task ForgetStartedAsync(EventLease lease, StepRecord notSent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(notSent);
        var renewal = new TableEntity(lease.EventId, EventRows.SummaryRow) { [EventRows.LeaseHolder] = lease.Holder };
        await SubmitHeldAsync(lease,
            [new(TableTransactionActionType.UpdateMerge, renewal, lease.ETag), new(TableTransactionActionType.UpsertReplace, EventRows.Step(lease.EventId, notSent, sealedSecrets: null))],
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Ends the attempt: the new status, why, and the lease released; with <paramref name="lastStep"/>'s
    /// record in the same transaction. Only while the attempt still holds the event. The listing's row
    /// (<see cref="EventIndex"/>) is written just before, so that an erasure racing the end of the attempt
    /// removes it after, or the attempt, finding the event erased, removes it itself.
    /// </summary>
    /// <exception cref="LeaseLostException">Another attempt holds the event now, or it was erased; nothing was written but, if it ran, <paramref name="lastStep"/>.</exception>
    /// <param name="plan">The attempt's plan as the event's page shows it (masked JSON), for the listing's row; null keeps the one recorded before.</param>
    public async Task FinishAttemptAsync(EventEnvelope envelope, EventStatus status, string? cause, string detail, EventLease lease, string? plan,
        CancellationToken cancellationToken, StepRecord? lastStep = null, string? lastStepSecrets = null)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(lease);
        var now = timeProvider.GetUtcNow();
        var summary = EventRows.Summary(envelope, status, now);
        summary[EventRows.LeaseHolder] = "";
        summary[EventRows.Cause] = cause ?? "";
        summary[EventRows.Detail] = StorageLimits.Cut(detail);
        List<TableTransactionAction> actions =
        [
            new(TableTransactionActionType.UpdateMerge, summary, lease.ETag),
            History(envelope.EventId, status, cause is null ? detail : $"{cause}: {detail}", now),
        ];
        TableEntity? stepRow = null;
        if (lastStep is not null)
        {
            stepRow = EventRows.Step(envelope.EventId, lastStep, lastStepSecrets);
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, stepRow));
        }
        await index.RecordAsync(envelope, status, cause, now, plan, cancellationToken).ConfigureAwait(false);
        try
        {
            await SubmitHeldAsync(lease, actions, cancellationToken).ConfigureAwait(false);
        }
        catch (LeaseLostException)
        {
            if (stepRow is not null)
            {
                await RecordFactAsync(envelope.EventId, stepRow, cancellationToken).ConfigureAwait(false);
            }
            if ((await ReadAsync(envelope.EventId, cancellationToken).ConfigureAwait(false)).Status is EventStatus.Erased or null)
            {
                await index.RemoveAsync(envelope.EventId, envelope.ReceivedAt, cancellationToken).ConfigureAwait(false);
            }
            throw;
        }
    }

    /// <summary>
    /// Before a replay: sets the event back to accepted (counts reset, cause cleared) and forgets the steps
    /// that did not succeed, in one transaction conditional on the summary as <paramref name="progress"/>
    /// read it (dead-lettered): of two replays at once, one wins, and neither can forget a step another
    /// attempt marked started meanwhile. Steps that succeeded are kept, so they are not done twice, except
    /// those listed in <paramref name="rerun"/> (their sealed results can no longer be opened, and they are safe to repeat).
    /// </summary>
    /// <returns>False when the summary changed since it was read (another replay, a sweep, an erasure): nothing was written.</returns>
    public async Task<bool> ResetForReplayAsync(EventEnvelope envelope, EventProgress progress, string detail, IReadOnlyCollection<StepRecord> rerun,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(progress);
        ArgumentNullException.ThrowIfNull(rerun);
        var now = timeProvider.GetUtcNow();
        var summary = EventRows.Summary(envelope, EventStatus.Accepted, now);
        summary[EventRows.LeaseHolder] = "";
        summary[EventRows.Cause] = "";
        summary[EventRows.Detail] = StorageLimits.Cut(detail);
        List<TableTransactionAction> actions =
        [
            new(TableTransactionActionType.UpdateMerge, summary, progress.ETag),
            History(envelope.EventId, EventStatus.Accepted, detail, now),
        ];
        foreach (var step in progress.Steps.Where(step => step.State != StepState.Succeeded || rerun.Contains(step)))
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(envelope.EventId, EventRows.StepRowKey(step.Automation, step.StepId)), ETag.All));
        }
        try
        {
            await _ready.Client.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TableTransactionFailedException changed) when (changed.Status is 412 or 404)
        {
            return false;
        }
    }

    /// <summary>
    /// Replaces the event by its tombstone (<see cref="EventRows.Tombstone"/>) and deletes its other rows.
    /// With <paramref name="lease"/> (processing dropping an event whose person was erased), only while the
    /// attempt holds it; without (an erasure), whatever holds it: that attempt's next write finds it gone.
    /// </summary>
    /// <exception cref="LeaseLostException">With a lease: another attempt holds the event now.</exception>
    /// <param name="unchangedSince">
    /// Without a lease (an erasure): the summary as the caller read it; the write fails with 412 if it changed since, and
    /// does nothing if the summary is gone (the event was swept meanwhile).
    /// </param>
    public async Task TombstoneAsync(string eventId, string hook, string type, DateTimeOffset receivedAt, string? person, EventLease? lease,
        CancellationToken cancellationToken, ETag? unchangedSince = null)
    {
        await _ready.GetAsync(cancellationToken).ConfigureAwait(false);
        var tombstone = EventRows.Tombstone(eventId, hook, type, receivedAt, person, timeProvider.GetUtcNow());
        if (lease is null && unchangedSince is { } etag)
        {
            try
            {
                await _ready.Client.UpdateEntityAsync(tombstone, etag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException gone) when (gone.Status == 404)
            {
                return; // a retention sweep took the event since it was read; it deletes the summary last, so the rest is gone too
            }
        }
        else if (lease is null)
        {
            await _ready.Client.UpsertEntityAsync(tombstone, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await SubmitHeldAsync(lease, [new(TableTransactionActionType.UpdateReplace, tombstone, lease.ETag)], cancellationToken).ConfigureAwait(false);
        }
        // A retention sweep may be deleting the same rows: one it deleted first is gone, as wanted.
        await TableRowDeletion.DeletePartitionAsync(_ready.Client, eventId, keep: EventRows.SummaryRow, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A step's record written by an attempt that lost the event: only while the event is neither erased nor
    /// being swept (the write is conditional on the summary as read, so an erasure or a sweep's mark between
    /// the read and the write wins).
    /// </summary>
    private async Task RecordFactAsync(string eventId, TableEntity stepRow, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var summary = await _ready.Client.GetEntityIfExistsAsync<TableEntity>(eventId, EventRows.SummaryRow, [EventRows.Status, EventRows.Sweeping], cancellationToken)
                .ConfigureAwait(false);
            if (!summary.HasValue || EventRows.StatusOf(summary.Value!) == EventStatus.Erased || summary.Value!.GetDateTimeOffset(EventRows.Sweeping) is not null)
            {
                // Erased, gone, or being swept (finished long ago; no attempt will come to read it): nothing of the event may come
                // back, and a row written after the sweep listed the event's rows would outlive it.
                return;
            }
            try
            {
                await _ready.Client.SubmitTransactionAsync(
                    [
                        new(TableTransactionActionType.UpdateMerge, new TableEntity(eventId, EventRows.SummaryRow), summary.Value!.ETag),
                        new(TableTransactionActionType.UpsertReplace, stepRow),
                    ], cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (TableTransactionFailedException changed) when (changed.Status is 412 or 404)
            {
                // Written meanwhile: look again.
            }
        }
    }

    /// <summary>
    /// A transaction whose first action is the conditional summary write; the lease takes its new ETag.
    /// A conflict is not always a lost lease. The storage client retries a request that timed out, and
    /// the retry of a transaction that landed conflicts with it: its history row (a unique key) is then
    /// there. And a write that changed the ETag without taking the event (a step recorded by an attempt
    /// that lost it, a replay's reset racing an attempt's end) leaves the summary naming this attempt: the
    /// write is made again on the new ETag. A summary gone or turned into a tombstone is a lost event.
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
            catch (RequestFailedException conflict) when (conflict.Status is 412 or 404)
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
        return current.Status == EventStatus.Processing && current.LeaseHolder == holder
            ? new EventLease(eventId, holder, current.ETag, timeProvider.GetUtcNow())
            : null;
    }

    // An upsert, though the key is new: if the storage client retries a transaction that landed, the
    // retry must not fail on the history row the first try wrote.
    private static TableTransactionAction History(string eventId, EventStatus status, string? detail, DateTimeOffset now) =>
        new(TableTransactionActionType.UpsertReplace, EventRows.History(eventId, status, detail, now));

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

[JsonSerializable(typeof(IReadOnlyDictionary<string, string?>))]
[JsonSerializable(typeof(IReadOnlyList<SoftrCallRecord>))]
[JsonSerializable(typeof(string))]
internal sealed partial class ProcessingJsonContext : JsonSerializerContext;
