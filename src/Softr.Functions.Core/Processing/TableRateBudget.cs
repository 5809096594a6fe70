using System.Collections.Concurrent;
using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Softr.Functions.Storage;
using Softr.Resilience;

namespace Softr.Functions.Processing;

/// <summary>
/// Softr's per-token budget shared by every instance of the app, as leased seats (the Azure
/// Architecture Center's rate-limiting pattern with a fair share on top). Each budget (a token and a
/// kind of call) is cut into <see cref="ProcessingOptions.BudgetSeats"/> seats of equal rate, kept as
/// rows in Table storage. Once a second, each instance with work to do:
/// <list type="number">
/// <item>says it is alive (a member row), and reads the partition;</item>
/// <item>works out its fair share, seats / live members, rounded up;</item>
/// <item>renews the seats it holds up to that share and frees the rest, in transactions of at most 100 operations;</item>
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

    /// <summary>How long after expiry a member row of a gone instance is deleted.</summary>
    internal static readonly TimeSpan MemberRemovalAfter = TimeSpan.FromMinutes(1);

    /// <summary>Table storage's limit on operations in one transaction.</summary>
    internal const int MaxTransaction = 100;

    private readonly ReadyTable _ready = new(tables, TableNames.SoftrBudget);
    private readonly TimeProvider _time = time;
    // Lazy: GetOrAdd may run its factory twice under a race, and a second share would run a second
    // seat loop for the same instance, each renewing with the other's stale ETags.
    private readonly ConcurrentDictionary<SoftrBudgetKey, Lazy<Share>> _shares = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly string _instance = Guid.NewGuid().ToString("N");

    public async ValueTask<bool> AcquireAsync(SoftrBudgetKey key, int perSecond, CancellationToken cancellationToken)
    {
        if (!options.Value.SharedBudget)
        {
            return true; // each instance paces itself only (Processing:SharedBudget = false)
        }
        var share = _shares.GetOrAdd(key, static (key, state) => new Lazy<Share>(() => state.Budget.Start(key, state.PerSecond)), (Budget: this, PerSecond: perSecond)).Value;
        var started = _time.GetTimestamp();
        var granted = await share.WaitAsync(_time.GetUtcNow() + options.Value.MaxBudgetWait, cancellationToken).ConfigureAwait(false);
        Telemetry.SoftrTelemetry.BudgetWait.Record(_time.GetElapsedTime(started).TotalSeconds,
            new KeyValuePair<string, object?>("kind", key.Kind.ToString()), new KeyValuePair<string, object?>("granted", granted));
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

        private readonly SemaphoreSlim _turn = new(1, 1);
        private readonly double _seatRate = perSecond / (double)seats;
        private double _tokens;
        private DateTimeOffset _lastRefill = owner._time.GetUtcNow();
        private DateTimeOffset _lastDemand = owner._time.GetUtcNow();
        private volatile int _held;
        private DateTimeOffset _usableUntil;

        public Task Run { get; set; } = Task.CompletedTask;

        public int Held => owner._time.GetUtcNow() < _usableUntil ? _held : 0;

        /// <summary>Takes one call's worth of the seats' rate, waiting for it until <paramref name="deadline"/>.</summary>
        public async Task<bool> WaitAsync(DateTimeOffset deadline, CancellationToken cancellationToken)
        {
            _lastDemand = owner._time.GetUtcNow();
            await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                while (true)
                {
                    var now = owner._time.GetUtcNow();
                    var rate = Held * _seatRate;
                    var burst = Math.Max(1, rate / 10);
                    _tokens = rate == 0 ? 0 : Math.Min(burst, _tokens + ((now - _lastRefill).TotalSeconds * rate));
                    _lastRefill = now;
                    if (_tokens >= 1)
                    {
                        _tokens -= 1;
                        return true;
                    }
                    if (now >= deadline)
                    {
                        return false;
                    }
                    // Wait for the next token, or a tenth of a second when no seat is held yet (the rate may change).
                    var wait = rate == 0 ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromSeconds(Math.Min(0.1, (1 - _tokens) / rate));
                    await Task.Delay(wait, owner._time, cancellationToken).ConfigureAwait(false);
                    _lastDemand = owner._time.GetUtcNow();
                }
            }
            finally
            {
                _turn.Release();
            }
        }

        public async Task LoopAsync(CancellationToken stopping)
        {
            while (!stopping.IsCancellationRequested)
            {
                try
                {
                    await TickAsync(stopping).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is RequestFailedException or AggregateException or HttpRequestException)
                {
                    owner.LogTickFailed(partition, exception.Message);
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
            _turn.Dispose();
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
            await owner._ready.Client.UpsertEntityAsync(new TableEntity(partition, MemberPrefix + owner._instance) { [Until] = now + MemberExpiry }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);

            var rows = new List<TableEntity>();
            await foreach (var row in owner._ready.Client.QueryAsync<TableEntity>(entity => entity.PartitionKey == partition, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                rows.Add(row);
            }
            var members = rows.Count(row => row.RowKey.StartsWith(MemberPrefix, StringComparison.Ordinal) && row.GetDateTimeOffset(Until) > now);
            var fair = (int)Math.Ceiling(seats / (double)Math.Max(1, members));
            var seatRows = Enumerable.Range(0, seats).Select(seat => SeatKey(seat))
                .Select(key => (Key: key, Row: rows.FirstOrDefault(row => row.RowKey == key))).ToList();
            var mine = seatRows.Where(seat => seat.Row?.GetString(Holder) == owner._instance && seat.Row.GetDateTimeOffset(Until) > now).ToList();

            // Keep up to the fair share, free the rest: one transaction, all ours.
            var keep = mine.Take(fair).ToList();
            var until = now + Lease;
            var renewals = keep.Select(seat => (Action: new TableTransactionAction(TableTransactionActionType.UpdateReplace, SeatRow(seat.Key, owner._instance, until), seat.Row!.ETag), Keeps: true))
                .Concat(mine.Skip(fair).Select(seat => (Action: new TableTransactionAction(TableTransactionActionType.UpdateReplace, SeatRow(seat.Key, "", now), seat.Row!.ETag), Keeps: false)))
                .ToList();
            var held = 0;
            // A transaction takes at most 100 operations, and a budget may have up to thousands of seats.
            foreach (var batch in renewals.Chunk(MaxTransaction))
            {
                try
                {
                    await owner._ready.Client.SubmitTransactionAsync(batch.Select(renewal => renewal.Action), cancellationToken).ConfigureAwait(false);
                    held += batch.Count(renewal => renewal.Keeps);
                }
                catch (TableTransactionFailedException failed)
                {
                    // A seat changed hands under us (our lease had lapsed): this batch's seats are claimed afresh next tick.
                    owner.LogTickFailed(partition, $"renewal: {failed.Status} {failed.ErrorCode} {failed.Message}");
                }
            }

            // Claim free or expired seats up to the fair share; losing a race only means claiming next tick.
            var wanted = fair - held;
            var free = seatRows.Where(seat => seat.Row is null || !(seat.Row.GetDateTimeOffset(Until) > now)).Take(wanted).ToList();
            if (wanted > 0 && free.Count > 0)
            {
                var claims = free.Select(seat => seat.Row is null
                    ? new TableTransactionAction(TableTransactionActionType.Add, SeatRow(seat.Key, owner._instance, until))
                    : new TableTransactionAction(TableTransactionActionType.UpdateReplace, SeatRow(seat.Key, owner._instance, until), seat.Row.ETag)).ToList();
                foreach (var batch in claims.Chunk(MaxTransaction))
                {
                    try
                    {
                        await owner._ready.Client.SubmitTransactionAsync(batch, cancellationToken).ConfigureAwait(false);
                        held += batch.Length;
                    }
                    catch (TableTransactionFailedException)
                    {
                        // Another instance took one of these first: this batch is tried again next tick.
                    }
                }
            }
            await RemoveExpiredMembersAsync(rows, now, cancellationToken).ConfigureAwait(false);
            _held = held;
            _usableUntil = now + Lease - UseMargin;
            owner.LogSeats(partition, held, seats, members);
        }

        private async Task ReleaseAllAsync(CancellationToken cancellationToken)
        {
            _held = 0;
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
            foreach (var batch in releases.Chunk(MaxTransaction))
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
            foreach (var batch in expired.Chunk(MaxTransaction))
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
