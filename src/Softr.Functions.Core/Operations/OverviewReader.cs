using Azure.Storage.Queues;
using Microsoft.Extensions.Options;
using Softr.Functions.Processing;
using Softr.Functions.Events;
using Softr.Functions.Webhooks;

namespace Softr.Functions.Operations;

/// <summary>Puts the <see cref="Overview"/> together: the activity rows summed, the queues read now, the dead letters counted by cause.</summary>
public sealed class OverviewReader(ActivityStore activity, DeadLetterStore deadLetters, QueueServiceClient queues, IOptions<WebhooksOptions> hooks,
    IOptions<SoftrClientOptions> softr, SoftrConnections connections, TimeProvider time)
{
    /// <summary>The outcomes the per-minute plot shows, in its order.</summary>
    public static readonly IReadOnlyList<string> PlottedOutcomes = ["accepted", "refused", "duplicate", "succeeded", "retried", "dead-lettered"];

    public async Task<Overview> ReadAsync(TimeSpan window, CancellationToken cancellationToken)
    {
        var to = ActivityTally.MinuteOf(time.GetUtcNow()).AddMinutes(1);
        var from = to - window;
        var minutes = await activity.ReadAsync(from, to, cancellationToken).ConfigureAwait(false);
        var queueNames = EventLane.All.SelectMany(lane => lane.TriggerQueues.Concat(lane.PoisonQueues)).ToList();
        var snapshots = await Task.WhenAll(queueNames.Select(name => QueueSnapshot.TakeAsync(queues.GetQueueClient(name), time.GetUtcNow(), cancellationToken))).ConfigureAwait(false);
        var causes = await deadLetters.CountByCauseAsync(new DeadLetterFilter(From: from), cancellationToken).ConfigureAwait(false);
        return new Overview(from, to, Hooks(minutes, hooks.Value.Hooks.Keys), Series(minutes, from, to), snapshots,
            LaneSnapshot.Of(snapshots, softr.Value.WritesPerSecond), Softr(minutes, connections.All), causes);
    }

    /// <summary>Every configured hook (a quiet one shows zeros), and any other name deliveries came to (an unknown hook, refused).</summary>
    private static List<HookActivity> Hooks(IReadOnlyList<ActivityMinute> minutes, IEnumerable<string> configured)
    {
        var totals = new SortedDictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        foreach (var hook in configured)
        {
            totals[hook] = [];
        }
        foreach (var (hook, counters) in minutes.SelectMany(minute => minute.Counts).Where(hook => hook.Key != ActivityCounters.AppWide))
        {
            ActivityCounters.AddInto(totals, hook, counters);
        }
        return [.. totals.Select(hook => new HookActivity(hook.Key,
            hook.Value.GetValueOrDefault(ActivityCounters.Received),
            hook.Value.GetValueOrDefault(ActivityCounters.Accepted),
            hook.Value.GetValueOrDefault(ActivityCounters.Duplicate),
            hook.Value.GetValueOrDefault(ActivityCounters.Ignored),
            hook.Value.Where(counter => counter.Key.StartsWith(ActivityCounters.RefusedPrefix, StringComparison.Ordinal))
                .ToDictionary(counter => counter.Key[ActivityCounters.RefusedPrefix.Length..], counter => counter.Value, StringComparer.Ordinal),
            hook.Value.GetValueOrDefault(ActivityCounters.Succeeded),
            hook.Value.GetValueOrDefault(ActivityCounters.Retried),
            hook.Value.GetValueOrDefault(ActivityCounters.Deferred),
            hook.Value.GetValueOrDefault(ActivityCounters.DeadLettered)))];
    }

    private static MinuteSeries Series(IReadOnlyList<ActivityMinute> minutes, DateTimeOffset from, DateTimeOffset to)
    {
        var count = (int)((to - from).Ticks / TimeSpan.TicksPerMinute);
        var axis = Enumerable.Range(0, count).Select(i => from.AddMinutes(i)).ToList();
        var series = PlottedOutcomes.ToDictionary(outcome => outcome, _ => new long[count], StringComparer.Ordinal);
        foreach (var minute in minutes)
        {
            var i = (int)((minute.Minute - from).Ticks / TimeSpan.TicksPerMinute);
            if (i < 0 || i >= count)
            {
                continue;
            }
            foreach (var (counter, value) in minute.Counts.Where(hook => hook.Key != ActivityCounters.AppWide).SelectMany(hook => hook.Value))
            {
                var outcome = counter.StartsWith(ActivityCounters.RefusedPrefix, StringComparison.Ordinal) ? "refused" : counter;
                if (series.TryGetValue(outcome, out var values))
                {
                    values[i] += value;
                }
            }
        }
        return new MinuteSeries(axis, series.ToDictionary(entry => entry.Key, entry => (IReadOnlyList<long>)entry.Value, StringComparer.Ordinal));
    }

    private static SoftrActivity Softr(IReadOnlyList<ActivityMinute> minutes, IReadOnlyList<SoftrConnection> connections)
    {
        var app = minutes.Select(minute => minute.Counts.GetValueOrDefault(ActivityCounters.AppWide)).OfType<IReadOnlyDictionary<string, long>>().ToList();
        long Sum(string counter) => app.Sum(counters => counters.GetValueOrDefault(counter));
        static double Share(long part, long whole) => whole == 0 ? 0 : Math.Round((double)part / whole, 4);
        var calls = Sum(ActivityCounters.SoftrCalls);
        var throttled = Sum(ActivityCounters.SoftrThrottled);
        return new SoftrActivity(calls, throttled, Share(throttled, calls),
            Sum(ActivityCounters.BudgetWaits), Math.Round(Sum(ActivityCounters.BudgetWaitMilliseconds) / 1000.0, 1))
        {
            Connections = [.. connections.Select(connection =>
            {
                var (ownCalls, ownThrottled) = (Sum(ActivityCounters.Of(ActivityCounters.SoftrCalls, connection.Name)), Sum(ActivityCounters.Of(ActivityCounters.SoftrThrottled, connection.Name)));
                var token = ActivityCounters.Token(connection.TokenFingerprint);
                return new ConnectionActivity(connection.Name, connection.Domain, ownCalls, ownThrottled, Share(ownThrottled, ownCalls),
                    Sum(ActivityCounters.Of(ActivityCounters.BudgetWaits, token)), Math.Round(Sum(ActivityCounters.Of(ActivityCounters.BudgetWaitMilliseconds, token)) / 1000.0, 1),
                    [.. connections.Where(other => other != connection && other.TokenFingerprint == connection.TokenFingerprint).Select(other => other.Name)]);
            })],
        };
    }
}
