using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using Softr.Functions.Storage;

namespace Softr.Functions.Operations;

/// <summary>
/// The activity counts every process writes (<see cref="ActivityFlusher"/>) and the overview sums:
/// table <see cref="TableNames.Activity"/>, one partition per UTC day (<c>yyyyMMdd</c>), one row per
/// minute per process (<c>HHmm|{process}</c>) holding that minute's counts as JSON. Each process writes
/// only its own rows and writes them whole, so writes never conflict and a repeated write is harmless.
/// </summary>
public sealed class ActivityStore(TableServiceClient tables)
{
    /// <summary>How long rows are kept: the overview looks back a day at most.</summary>
    public static readonly TimeSpan Kept = TimeSpan.FromDays(2);

    private const string CountsColumn = "Counts";

    private readonly ReadyTable _ready = new(tables, TableNames.Activity);

    public async Task WriteAsync(string process, IReadOnlyList<ActivityMinute> minutes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(minutes);
        await _ready.GetAsync(cancellationToken).ConfigureAwait(false);
        // One transaction per day: a batch is one partition's.
        foreach (var day in minutes.GroupBy(minute => Day(minute.Minute)))
        {
            var actions = day.Select(minute => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                new TableEntity(day.Key, $"{minute.Minute.ToString("HHmm", CultureInfo.InvariantCulture)}|{process}")
                {
                    [CountsColumn] = JsonSerializer.Serialize(minute.Counts, OperationsJsonContext.Default.IReadOnlyDictionaryStringIReadOnlyDictionaryStringInt64),
                })).ToList();
            foreach (var chunk in actions.Chunk(100))
            {
                await _ready.Client.SubmitTransactionAsync(chunk, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Every process's counts for the minutes in [<paramref name="from"/>, <paramref name="to"/>), summed per minute.</summary>
    public async Task<IReadOnlyList<ActivityMinute>> ReadAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await _ready.GetAsync(cancellationToken).ConfigureAwait(false);
        var sums = new SortedDictionary<DateTimeOffset, Dictionary<string, Dictionary<string, long>>>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {Day(from)} and PartitionKey le {Day(to)}");
        await foreach (var row in _ready.Client.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (MinuteOf(row) is not { } minute || minute < ActivityTally.MinuteOf(from) || minute >= to)
            {
                continue;
            }
            var counts = JsonSerializer.Deserialize(row.GetString(CountsColumn) ?? "{}", OperationsJsonContext.Default.IReadOnlyDictionaryStringIReadOnlyDictionaryStringInt64);
            if (!sums.TryGetValue(minute, out var hooks))
            {
                sums[minute] = hooks = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
            }
            foreach (var (hook, counters) in counts ?? new Dictionary<string, IReadOnlyDictionary<string, long>>())
            {
                ActivityCounters.AddInto(hooks, hook, counters);
            }
        }
        return [.. sums.Select(minute => new ActivityMinute(minute.Key,
            minute.Value.ToDictionary(hook => hook.Key, hook => (IReadOnlyDictionary<string, long>)hook.Value, StringComparer.Ordinal)))];
    }

    /// <summary>Removes the days wholly before <paramref name="cutoff"/>; returns how many rows went.</summary>
    public async Task<int> RemoveOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await _ready.GetAsync(cancellationToken).ConfigureAwait(false);
        var old = new List<TableEntity>();
        await foreach (var row in _ready.Client.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey lt {Day(cutoff)}"), select: ["PartitionKey", "RowKey"],
            cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            old.Add(row);
        }
        // A sweep run by hand beside the timer's deletes the same rows: one gone already is no failure.
        await TableRowDeletion.DeleteAsync(_ready.Client, old, cancellationToken).ConfigureAwait(false);
        return old.Count;
    }

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private static DateTimeOffset? MinuteOf(TableEntity row) =>
        DateTimeOffset.TryParseExact(row.PartitionKey + row.RowKey[..Math.Min(4, row.RowKey.Length)], "yyyyMMddHHmm", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var minute) ? minute : null;
}
