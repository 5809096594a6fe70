using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Softr.Functions.Storage;
using Softr.Resilience;

namespace Softr.Functions.Processing;

/// <summary>
/// Softr's per-token budget shared by every instance of the app: a token bucket per Softr token and
/// kind of call, kept in one Table storage row and changed only by ETag-conditional writes, so that
/// instances never grant the same tokens twice. An instance takes a chunk of the tokens that have
/// accrued (about a twentieth of a second's budget) in one write and spends them locally, so storage
/// sees a few writes per second per instance, not one per Softr call.
/// <para>
/// Limits, stated plainly: the bucket is refilled from each writer's clock, so instances whose clocks
/// disagree by d seconds can together exceed the rate by about d x rate once; tokens an instance took
/// and did not use within a second are dropped (never spent late, so never a burst); and storage
/// latency bounds how often one instance can take a chunk. A process that dies holding a chunk only
/// leaves budget unused. When the row cannot be read or written, calls wait as they would for budget.
/// </para>
/// </summary>
public sealed class TableRateBudget(TableServiceClient tables, IOptions<ProcessingOptions> options, TimeProvider time) : ISharedRateBudget, IDisposable
{
    private const string Partition = "budget";
    private const string TokensColumn = "Tokens";
    private const string StampColumn = "Stamp";

    /// <summary>Tokens taken from the row and not yet spent are dropped after this long.</summary>
    private static readonly TimeSpan LocalTokenLifetime = TimeSpan.FromSeconds(1);

    private readonly TableClient _table = tables.GetTableClient(TableNames.SoftrBudget);
    private readonly ConcurrentDictionary<SoftrBudgetKey, Bucket> _buckets = new();
    private volatile bool _tableReady;

    public async ValueTask<bool> AcquireAsync(SoftrBudgetKey key, int perSecond, CancellationToken cancellationToken)
    {
        if (!options.Value.SharedBudget)
        {
            return true; // each instance paces itself only (Processing:SharedBudget = false)
        }
        var bucket = _buckets.GetOrAdd(key, static (key, perSecond) => new Bucket(key, perSecond), perSecond);
        var deadline = time.GetUtcNow() + options.Value.MaxBudgetWait;
        // One caller at a time per bucket takes from the row; the others wait their turn in order.
        await bucket.Turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                var now = time.GetUtcNow();
                if (bucket.LocalTokens >= 1 && now < bucket.LocalExpiry)
                {
                    bucket.LocalTokens--;
                    return true;
                }
                var (taken, wait) = await TakeAsync(bucket, cancellationToken).ConfigureAwait(false);
                if (taken > 0)
                {
                    bucket.LocalTokens = taken;
                    bucket.LocalExpiry = time.GetUtcNow() + LocalTokenLifetime;
                    continue;
                }
                if (time.GetUtcNow() + wait > deadline)
                {
                    return false;
                }
                await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            bucket.Turn.Release();
        }
    }

    public void Dispose()
    {
        foreach (var bucket in _buckets.Values)
        {
            bucket.Turn.Dispose();
        }
    }

    /// <summary>Takes up to a chunk of accrued tokens from the row; when none has accrued, how long until a chunk will have.</summary>
    private async Task<(int Taken, TimeSpan Wait)> TakeAsync(Bucket bucket, CancellationToken cancellationToken)
    {
        try
        {
            await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
            // A conflict means another instance took tokens between our read and write: read again.
            for (var conflicts = 0; conflicts < 10; conflicts++)
            {
                var row = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, bucket.RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
                var now = time.GetUtcNow();
                var available = bucket.Capacity;
                if (row.HasValue)
                {
                    var elapsed = now - (row.Value!.GetDateTimeOffset(StampColumn) ?? now);
                    available = Math.Min(bucket.Capacity, (row.Value.GetDouble(TokensColumn) ?? 0) + (Math.Max(0, elapsed.TotalSeconds) * bucket.PerSecond));
                }
                if (available < 1)
                {
                    return (0, TimeSpan.FromSeconds((bucket.Chunk - available) / bucket.PerSecond));
                }
                var taken = (int)Math.Min(bucket.Chunk, Math.Floor(available));
                var update = new TableEntity(Partition, bucket.RowKey) { [TokensColumn] = available - taken, [StampColumn] = now };
                try
                {
                    if (row.HasValue)
                    {
                        await _table.UpdateEntityAsync(update, row.Value!.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await _table.AddEntityAsync(update, cancellationToken).ConfigureAwait(false);
                    }
                    return (taken, TimeSpan.Zero);
                }
                catch (RequestFailedException conflict) when (conflict.Status is 409 or 412)
                {
                }
            }
            return (0, TimeSpan.FromMilliseconds(Random.Shared.Next(5, 25)));
        }
        catch (RequestFailedException)
        {
            // Storage trouble: no budget can be proven, so none is spent. Try again shortly.
            return (0, TimeSpan.FromMilliseconds(500));
        }
    }

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (!_tableReady)
        {
            await _table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
            _tableReady = true;
        }
    }

    private sealed class Bucket(SoftrBudgetKey key, int perSecond)
    {
        public SemaphoreSlim Turn { get; } = new(1, 1);

        public string RowKey { get; } = $"{key.TokenFingerprint}-{key.Kind}";

        public double PerSecond { get; } = perSecond;

        /// <summary>About a twentieth of a second's budget per write: at 30/s that is one token, at 300/s fifteen.</summary>
        public int Chunk { get; } = Math.Max(1, perSecond / 20);

        /// <summary>What accrues while nobody calls; kept to one chunk so that a quiet spell never lets a burst through.</summary>
        public double Capacity => Chunk;

        public double LocalTokens { get; set; }

        public DateTimeOffset LocalExpiry { get; set; }
    }
}
