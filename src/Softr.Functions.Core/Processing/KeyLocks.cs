using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Softr.Functions.Storage;

namespace Softr.Functions.Processing;

/// <summary>
/// Short leases on one key of one Softr table, shared by every instance through Table storage: an
/// upsert holds its key's lock from its search to its write, so two events with the same key (a
/// payment and its refund at once, a sender's burst) never both find nothing and both create.
/// <list type="bullet">
/// <item>a lock is one row, keyed by a hash of the key (the key value is often an e-mail, which is not stored);</item>
/// <item>its lease lasts <see cref="Lease"/> and is renewed every third of that while held, so a holder that
/// dies blocks the key for at most <see cref="Lease"/>, and a slow Softr call does not lose it;</item>
/// <item>a taker waits up to <see cref="MaxWait"/>, then gives up with <see cref="KeyBusyException"/>, a
/// transient failure: the event is tried again later.</item>
/// </list>
/// </summary>
public sealed partial class KeyLocks(TableServiceClient tables, TimeProvider time, Random random, ILogger<KeyLocks> logger)
{
    internal static readonly TimeSpan Lease = TimeSpan.FromSeconds(15);
    internal static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    private const string Row = "lock";
    private const string Holder = "Holder";
    private const string Until = "Until";

    private readonly ReadyTable _ready = new(tables, TableNames.KeyLocks);
    private readonly TimeProvider _time = time;

    /// <summary>Takes the lock on <paramref name="key"/>; dispose the result to release it.</summary>
    /// <param name="key">What identifies the key: its database, table, field and value.</param>
    /// <exception cref="KeyBusyException">Another holder kept it for longer than <see cref="MaxWait"/>.</exception>
    public async Task<IAsyncDisposable> AcquireAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var table = await _ready.GetAsync(cancellationToken).ConfigureAwait(false);
        var partition = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        var holder = Guid.NewGuid().ToString("N");
        var started = _time.GetTimestamp();
        var wait = Poll;
        while (true)
        {
            if (await TryTakeAsync(table, partition, holder, cancellationToken).ConfigureAwait(false) is { } etag)
            {
                return new Held(this, table, partition, holder, etag);
            }
            if (_time.GetElapsedTime(started) >= MaxWait)
            {
                throw new KeyBusyException($"another event held the same key for more than {MaxWait.TotalSeconds:0} s");
            }
            // Waits grow to a quarter second: a burst of one key's events takes turns without hammering storage.
            await Task.Delay(wait * (0.5 + random.NextDouble()), _time, cancellationToken).ConfigureAwait(false);
            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, TimeSpan.FromMilliseconds(250).Ticks));
        }
    }

    /// <summary>The lock's new ETag, or null while someone else's lease runs.</summary>
    private async Task<ETag?> TryTakeAsync(TableClient table, string partition, string holder, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var row = new TableEntity(partition, Row) { [Holder] = holder, [Until] = now + Lease };
        try
        {
            return (await table.AddEntityAsync(row, cancellationToken).ConfigureAwait(false)).Headers.ETag;
        }
        catch (RequestFailedException taken) when (taken.Status == 409)
        {
            var current = await table.GetEntityIfExistsAsync<TableEntity>(partition, Row, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!current.HasValue)
            {
                return null; // released between the two calls: take it on the next try
            }
            if (current.Value!.GetDateTimeOffset(Until) > now)
            {
                return null;
            }
            try
            {
                // Its holder died (or stalled past its lease): take it over, conditional on no one else doing so first.
                return (await table.UpdateEntityAsync(row, current.Value.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false)).Headers.ETag;
            }
            catch (RequestFailedException lost) when (lost.Status is 412 or 404)
            {
                return null;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A key lock could not be renewed ({Reason}); another event may take the key once its lease ends")]
    private partial void LogRenewFailed(string reason);

    /// <summary>A held lock: renewed in the background until disposed, then deleted if still ours.</summary>
    private sealed class Held : IAsyncDisposable
    {
        private readonly KeyLocks _owner;
        private readonly TableClient _table;
        private readonly string _partition;
        private readonly string _holder;
        // Set once, on release. Not a cancellation token: a cancelled Task.Delay resumes its awaiter on the thread pool, a
        // completed source resumes it here, inline; the release then goes on in the same flow (the deterministic simulation
        // drives every flow on one thread and reports any hop off it).
        private readonly TaskCompletionSource _stop = new();
        private readonly Task _renewing;
        private ETag _etag;

        public Held(KeyLocks owner, TableClient table, string partition, string holder, ETag etag)
        {
            (_owner, _table, _partition, _holder, _etag) = (owner, table, partition, holder, etag);
            _renewing = RenewAsync();
        }

        public async ValueTask DisposeAsync()
        {
            _stop.TrySetResult();
            await _renewing.ConfigureAwait(false);
            try
            {
                await _table.DeleteEntityAsync(_partition, Row, _etag).ConfigureAwait(false);
            }
            catch (RequestFailedException gone) when (gone.Status is 404 or 412)
            {
                // Taken over after our lease ended: the row is the new holder's.
            }
        }

        private async Task RenewAsync()
        {
            while (true)
            {
                try
                {
                    // The timer of a wait cut short by the release runs out on its own, touching nothing.
                    if (await Task.WhenAny(Task.Delay(Lease / 3, _owner._time), _stop.Task).ConfigureAwait(false) == _stop.Task)
                    {
                        return;
                    }
                    var row = new TableEntity(_partition, Row) { [Holder] = _holder, [Until] = _owner._time.GetUtcNow() + Lease };
                    _etag = (await _table.UpdateEntityAsync(row, _etag, TableUpdateMode.Replace, CancellationToken.None).ConfigureAwait(false)).Headers.ETag ?? _etag;
                }
                catch (RequestFailedException failed) when (failed.Status is 404 or 412)
                {
                    _owner.LogRenewFailed($"{failed.Status} {failed.ErrorCode}");
                    return; // no longer ours
                }
                catch (Exception failed)
                {
                    // Storage unreachable for a moment: try again at the next third of the lease.
                    _owner.LogRenewFailed(failed.GetType().Name);
                }
            }
        }
    }
}
