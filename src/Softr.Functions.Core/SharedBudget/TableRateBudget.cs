using System.Collections.Concurrent;
using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Softr.Functions.Processing;
using Softr.Functions.Storage;
using Softr.Resilience;

namespace Softr.Functions.SharedBudget;

/// <summary>
/// Softr's per-token budget shared by every instance of the app, as leased seats (the Azure
/// Architecture Center's rate-limiting pattern with a fair share on top). Each budget (a token and a
/// kind of call) is cut into <see cref="ProcessingOptions.BudgetSeats"/> seats of equal rate, kept as
/// rows in Table storage. Once a second, each instance with work to do:
/// <list type="number">
/// <item>says it is alive, and what waits there (a member row with its weight), and reads the partition;</item>
/// <item>works out what it should hold (<see cref="SeatPlanner"/>: a seat each, the rest by weight, adding up to the seats, home seats first);</item>
/// <item>renews the seats it keeps and frees the rest, in transactions of at most 100 operations;</item>
/// <item>claims free or expired seats up to its share, by ETag, so a seat has one holder at a time.</item>
/// </list>
/// Between ticks it paces its calls locally at (seats held x seat rate): no storage call per Softr
/// call, three storage operations per instance per second per budget.
/// <para>
/// Limits: a seat's lease lasts ten seconds and its holder stops using it three seconds before that,
/// so clocks may disagree by up to three seconds before two instances could use one seat at once.
/// An instance that dies holds its seats until their lease ends (the budget runs short for at most ten
/// seconds). With more live instances than seats, some hold none and put their events back on the
/// queue until a seat frees (<see cref="ProcessingOptions.BudgetSeats"/> should be at least the
/// maximum instance count). Instances reading different rates for one token each use their own.
/// </para>
/// </summary>
public sealed partial class TableRateBudget(TableServiceClient tables, IOptions<ProcessingOptions> options, TimeProvider time, ILogger<TableRateBudget> logger)
    : ISharedRateBudget, IAsyncDisposable, IDisposable
{
    internal static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    internal static readonly TimeSpan Lease = TimeSpan.FromSeconds(10);
    internal static readonly TimeSpan UseMargin = TimeSpan.FromSeconds(3);
    internal static readonly TimeSpan MemberExpiry = TimeSpan.FromSeconds(5);
    internal static readonly TimeSpan IdleAfter = TimeSpan.FromSeconds(10);

    /// <summary>How long an instance keeps saying a weight it no longer sees, before the lower one (see Share.HeldWeight).</summary>
    internal static readonly TimeSpan WeightHold = TimeSpan.FromSeconds(10);

    /// <summary>How long after expiry a member row of a gone instance is deleted.</summary>
    internal static readonly TimeSpan MemberRemovalAfter = TimeSpan.FromMinutes(1);

    private readonly ReadyTable _ready = new(tables, TableNames.SoftrBudget);
    private readonly TimeProvider _time = time;
    // Lazy: GetOrAdd may run its factory twice under a race, and a second share would run a second
    // seat loop for the same instance, each renewing with the other's stale ETags.
    private readonly ConcurrentDictionary<SoftrBudgetKey, Lazy<Share>> _shares = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly string _instance = Guid.NewGuid().ToString("N");

    public async ValueTask<bool> AcquireAsync(SoftrBudgetKey key, int perSecond, CallOrder order, CancellationToken cancellationToken)
    {
        if (!options.Value.SharedBudget)
        {
            return true; // each instance paces itself only (Processing:SharedBudget = false)
        }
        var share = _shares.GetOrAdd(key, static (key, state) => new Lazy<Share>(() => state.Budget.Start(key, state.PerSecond)), (Budget: this, PerSecond: perSecond)).Value;
        var started = _time.GetTimestamp();
        var granted = await share.WaitAsync(order, _time.GetUtcNow() + options.Value.MaxBudgetWait, cancellationToken).ConfigureAwait(false);
        Telemetry.SoftrTelemetry.BudgetWait.Record(_time.GetElapsedTime(started).TotalSeconds,
            new KeyValuePair<string, object?>("kind", key.Kind.ToString()), new KeyValuePair<string, object?>("granted", granted),
            new KeyValuePair<string, object?>("priority", order.Priority.ToString().ToLowerInvariant()),
            new KeyValuePair<string, object?>(Telemetry.SoftrTelemetry.TokenTag, key.TokenFingerprint));
        return granted;
    }

    /// <summary>The seats this instance holds for <paramref name="key"/> now (for tests and telemetry).</summary>
    public int SeatsHeld(SoftrBudgetKey key) => _shares.TryGetValue(key, out var share) && share.IsValueCreated ? share.Value.Held : 0;

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var share in _shares.Values.Where(share => share.IsValueCreated))
        {
            await share.Value.StopAsync().ConfigureAwait(false);
        }
        _stopping.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private Share Start(SoftrBudgetKey key, int perSecond)
    {
        var share = new Share(this, $"{key.TokenFingerprint}-{key.Kind}", perSecond, Math.Max(1, options.Value.BudgetSeats));
        share.Run = Task.Run(() => share.LoopAsync(_stopping.Token));
        return share;
    }


    [LoggerMessage(Level = LogLevel.Warning, Message = "Shared Softr budget {Budget}: could not renew or claim seats ({Reason}); pacing on the seats still valid")]
    private partial void LogTickFailed(string budget, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Shared Softr budget {Budget}: {Held} of {Seats} seats, {Members} live instance(s)")]
    private partial void LogSeats(string budget, int held, int seats, int members);

    /// <summary>This instance's part of one budget: the seats it holds, and its local pacing at their rate.</summary>
    private sealed class Share(TableRateBudget owner, string partition, int perSecond, int seats)
    {
        private const string SeatPrefix = "seat-";
        private const string MemberPrefix = "member-";
        private const string Holder = "Holder";
        private const string Until = "Until";
        private const string Since = "Since";
        private const string Weight = "Weight";

        private readonly PriorityTurns _turns = new();
        private readonly SeatPacing _pacing = new(perSecond / (double)seats, owner._time.GetUtcNow());
        private DateTimeOffset _lastDemand = owner._time.GetUtcNow();
        private volatile int _held;
        private DateTimeOffset _usableUntil;
        // When this instance first said it was alive: the longest-waiting get a seat first when seats are short.
        private DateTimeOffset? _since;
        // The weight it says, and when it last saw that much wait (HeldWeight).
        private int _weight = SeatPlanner.BulkWeight;
        private DateTimeOffset _weightSeen;

        public Task Run { get; set; } = Task.CompletedTask;

        public int Held => owner._time.GetUtcNow() < _usableUntil ? _held : 0;

        /// <summary>
        /// Takes one call's worth of the seats' rate, waiting for it until <paramref name="deadline"/>; waiting calls
        /// go in <paramref name="order"/>'s line (<see cref="PriorityTurns"/>: priority, a floor for bulk, hooks in turn).
        /// </summary>
        public async Task<bool> WaitAsync(CallOrder order, DateTimeOffset deadline, CancellationToken cancellationToken)
        {
            _lastDemand = owner._time.GetUtcNow();
            // The wait for the turn has the deadline too: behind high calls, or at bulk's tenth, a turn can be long in
            // coming, and a call that waits past it is put back on the queue (a deferral), not timed out as a failure.
            using var late = new CancellationTokenSource(Max(deadline - _lastDemand, TimeSpan.Zero), owner._time);
            using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, late.Token);
            try
            {
                await _turns.TakeAsync(order, giveUp.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return false;
            }
            // Not held while it waits to have the turn back after being overtaken (see PacedBudget).
            var holding = true;
            try
            {
                while (true)
                {
                    var now = owner._time.GetUtcNow();
                    if (_pacing.Room(now, Held) is not { } wait)
                    {
                        holding = false;
                        bool overtaken;
                        try
                        {
                            overtaken = await _turns.OvertakenAsync(order, giveUp.Token).ConfigureAwait(false);
                        }
                        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                        {
                            return false;
                        }
                        holding = true;
                        if (overtaken)
                        {
                            continue;
                        }
                        _pacing.Spend();
                        return true;
                    }
                    if (now >= deadline)
                    {
                        return false;
                    }
                    await Task.Delay(wait, owner._time, cancellationToken).ConfigureAwait(false);
                    _lastDemand = owner._time.GetUtcNow();
                }
            }
            finally
            {
                if (holding)
                {
                    _turns.Release();
                }
            }
        }

        private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

        /// <summary>
        /// The weight to say: a higher one at once, a lower one only once the higher has not been seen for
        /// <see cref="WeightHold"/>. A lane that waits, is served, and waits again (a high event every few seconds) keeps
        /// its seats rather than moving them at every tick.
        /// </summary>
        private int HeldWeight(DateTimeOffset now, int current)
        {
            if (current >= _weight || now - _weightSeen > WeightHold)
            {
                _weight = current;
            }
            if (current >= _weight)
            {
                _weightSeen = now;
            }
            return _weight;
        }

        public async Task LoopAsync(CancellationToken stopping)
        {
            while (!stopping.IsCancellationRequested)
            {
                try
                {
                    await TickAsync(stopping).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !stopping.IsCancellationRequested)
                {
                    // Whatever storage threw (an AggregateException of timeouts after its retries, too): the seats
                    // still valid pace calls meanwhile, and the next tick tries again. This loop never ends but with the app.
                    owner.LogTickFailed(partition, exception.GetType().Name);
                }
                try
                {
                    await Task.Delay(Tick, owner._time, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        public async Task StopAsync()
        {
            try
            {
                await Run.ConfigureAwait(false);
                await ReleaseAllAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is RequestFailedException or AggregateException or HttpRequestException or OperationCanceledException)
            {
                // Best effort: seats not released expire with their lease.
            }
        }

        private async Task TickAsync(CancellationToken cancellationToken)
        {
            var now = owner._time.GetUtcNow();
            if (now - _lastDemand > IdleAfter)
            {
                if (_held > 0)
                {
                    await ReleaseAllAsync(cancellationToken).ConfigureAwait(false);
                }
                return;
            }
            await owner._ready.GetAsync(cancellationToken).ConfigureAwait(false);
            _since ??= now;
            // What waits here, so that every instance splits the seats by it: a paying customer's call outweighs an import.
            var weight = HeldWeight(now, SeatPlanner.WeightOf(_turns.WaitingOf(CallPriority.Normal),
                _turns.WaitingOf(CallPriority.High)));
            await owner._ready.Client.UpsertEntityAsync(
                new TableEntity(partition, MemberPrefix + owner._instance) { [Until] = now + MemberExpiry, [Since] = _since, [Weight] = weight },
                TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);

            var (rows, members, seatRows, plan) = await ReadAndPlanAsync(now, weight, cancellationToken).ConfigureAwait(false);

            // Keep the plan's seats, free the rest of ours: every write conditional on the seat being as read.
            var until = now + Lease;
            var renewals = plan.Renew.Select(seat => (Action: new TableTransactionAction(TableTransactionActionType.UpdateReplace, SeatRow(SeatKey(seat), owner._instance, until), seatRows[seat]!.ETag), Keeps: true))
                .Concat(plan.Free.Select(seat => (Action: new TableTransactionAction(TableTransactionActionType.UpdateReplace, SeatRow(SeatKey(seat), "", now), seatRows[seat]!.ETag), Keeps: false)))
                .ToList();
            var kept = await SubmitAsync(renewals, cancellationToken).ConfigureAwait(false);
            var claimed = await ClaimAsync(plan, seatRows, until, cancellationToken).ConfigureAwait(false);
            var held = kept.Count(keeps => keeps) + claimed;
            if (claimed < plan.Claim.Count)
            {
                // A claim lost a race (instances joining at once): read again and claim once more, rather than wait a tick.
                var (_, _, freshRows, fresh) = await ReadAndPlanAsync(now, weight, cancellationToken).ConfigureAwait(false);
                held += await ClaimAsync(fresh, freshRows, until, cancellationToken).ConfigureAwait(false);
            }
            await RemoveExpiredMembersAsync(rows, now, cancellationToken).ConfigureAwait(false);
            _held = held;
            _usableUntil = now + Lease - UseMargin;
            owner.LogSeats(partition, held, seats, members.Count);
        }

        /// <summary>The partition as it is now, and what <see cref="SeatPlanner"/> says this instance should hold.</summary>
        private async Task<(List<TableEntity> Rows, List<SeatMember> Members, List<TableEntity?> SeatRows, SeatPlan Plan)> ReadAndPlanAsync(DateTimeOffset now,
            int weight, CancellationToken cancellationToken)
        {
            var rows = new List<TableEntity>();
            await foreach (var row in owner._ready.Client.QueryAsync<TableEntity>(entity => entity.PartitionKey == partition, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                rows.Add(row);
            }
            var members = rows.Where(row => row.RowKey.StartsWith(MemberPrefix, StringComparison.Ordinal) && row.GetDateTimeOffset(Until) > now)
                .Select(row => new SeatMember(row.RowKey[MemberPrefix.Length..], row.GetDateTimeOffset(Since) ?? now, row.GetInt32(Weight) ?? 1)).ToList();
            var byKey = rows.ToDictionary(row => row.RowKey, StringComparer.Ordinal);
            var seatRows = Enumerable.Range(0, seats).Select(seat => byKey.GetValueOrDefault(SeatKey(seat))).ToList();
            var plan = SeatPlanner.Plan(seats, [.. seatRows.Select((row, seat) => new SeatView(seat, row?.GetString(Holder), row?.GetDateTimeOffset(Until)))],
                members, new SeatMember(owner._instance, _since ?? now, weight), now);
            return (rows, members, seatRows, plan);
        }

        /// <summary>Claims the plan's free seats, each conditional on being as read; returns how many it got.</summary>
        private async Task<int> ClaimAsync(SeatPlan plan, List<TableEntity?> seatRows, DateTimeOffset until, CancellationToken cancellationToken)
        {
            var claims = plan.Claim.Select(seat => (Action: seatRows[seat] is not { } row
                ? new TableTransactionAction(TableTransactionActionType.Add, SeatRow(SeatKey(seat), owner._instance, until))
                : new TableTransactionAction(TableTransactionActionType.UpdateReplace, SeatRow(SeatKey(seat), owner._instance, until), row.ETag), Keeps: true)).ToList();
            return (await SubmitAsync(claims, cancellationToken).ConfigureAwait(false)).Count;
        }

        /// <summary>
        /// The writes in transactions of at most 100 operations. A write whose seat changed since it was read
        /// fails its whole transaction; it is dropped and the rest sent again, so one lost race costs one
        /// seat, not a hundred. Returns what each landed write was for.
        /// </summary>
        private async Task<List<bool>> SubmitAsync(List<(TableTransactionAction Action, bool Keeps)> writes, CancellationToken cancellationToken)
        {
            var landed = new List<bool>(writes.Count);
            foreach (var chunk in writes.Chunk(Storage.TableRowDeletion.MaxTransaction))
            {
                var batch = chunk.ToList();
                while (batch.Count > 0)
                {
                    try
                    {
                        await owner._ready.Client.SubmitTransactionAsync(batch.Select(write => write.Action), cancellationToken).ConfigureAwait(false);
                        landed.AddRange(batch.Select(write => write.Keeps));
                        break;
                    }
                    catch (TableTransactionFailedException failed) when (failed.FailedTransactionActionIndex is { } index && index < batch.Count)
                    {
                        batch.RemoveAt(index);
                    }
                    catch (TableTransactionFailedException failed)
                    {
                        // Which write failed is not known: this batch's seats are tried afresh next tick.
                        owner.LogTickFailed(partition, $"{failed.Status} {failed.ErrorCode}");
                        break;
                    }
                }
            }
            return landed;
        }

        private async Task ReleaseAllAsync(CancellationToken cancellationToken)
        {
            _held = 0;
            _since = null; // back in line when it has work again
            var now = owner._time.GetUtcNow();
            var releases = new List<TableTransactionAction>();
            await foreach (var row in owner._ready.Client.QueryAsync<TableEntity>(entity => entity.PartitionKey == partition, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if (row.RowKey.StartsWith(SeatPrefix, StringComparison.Ordinal) && row.GetString(Holder) == owner._instance)
                {
                    releases.Add(new TableTransactionAction(TableTransactionActionType.UpdateReplace, SeatRow(row.RowKey, "", now), row.ETag));
                }
                else if (row.RowKey == MemberPrefix + owner._instance)
                {
                    releases.Add(new TableTransactionAction(TableTransactionActionType.Delete, row, row.ETag));
                }
            }
            foreach (var batch in releases.Chunk(Storage.TableRowDeletion.MaxTransaction))
            {
                await owner._ready.Client.SubmitTransactionAsync(batch, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// Member rows of instances that stopped renewing (killed, scaled in) are deleted once they are
        /// well past expiry, so the partition every instance reads each second does not grow for ever.
        /// Any instance may do it; a row renewed meanwhile keeps its new ETag and is left alone.
        /// </summary>
        private async Task RemoveExpiredMembersAsync(List<TableEntity> rows, DateTimeOffset now, CancellationToken cancellationToken)
        {
            var expired = rows.Where(row => row.RowKey.StartsWith(MemberPrefix, StringComparison.Ordinal) && row.GetDateTimeOffset(Until) < now - MemberRemovalAfter)
                .Select(row => new TableTransactionAction(TableTransactionActionType.Delete, row, row.ETag)).ToList();
            foreach (var batch in expired.Chunk(Storage.TableRowDeletion.MaxTransaction))
            {
                try
                {
                    await owner._ready.Client.SubmitTransactionAsync(batch, cancellationToken).ConfigureAwait(false);
                }
                catch (TableTransactionFailedException)
                {
                    // Another instance removed (or the member renewed) one of them first: fine.
                }
            }
        }

        private TableEntity SeatRow(string key, string holder, DateTimeOffset until) => new(partition, key) { [Holder] = holder, [Until] = until };

        private static string SeatKey(int seat) => SeatPrefix + seat.ToString("D3", CultureInfo.InvariantCulture);
    }
}
