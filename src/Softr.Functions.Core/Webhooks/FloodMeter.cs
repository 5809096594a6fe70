using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Softr.Functions.Webhooks;

/// <summary>
/// Tells a hook's flood from its trickle, at this door: a token bucket per hook at
/// <see cref="WebhooksOptions.FloodPacePerSecond"/> events a second (2) with a burst of <see cref="WebhooksOptions.FloodBurst"/> (20). A hook within that pace sends to its lane's queue; past it, to the
/// lane's overflow queue. Both queues have triggers and their calls meet at the budget, where hooks take turns, so a
/// flood is not slowed by going to the overflow: it only stops sitting in front of the other hooks' events, which
/// would otherwise wait in the queue behind all of it (a storage queue cannot be reordered). The pace is far above a
/// form's or a checkout's and far below an import's; several doors (instances) each meter what they receive, so a
/// flood spread over them overflows as long as each sees more than the pace.
/// </summary>
public sealed class FloodMeter(IOptions<WebhooksOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Bucket> _hooks = new(StringComparer.Ordinal);

    /// <summary>Counts one event of <paramref name="hook"/>; true when it is past the pace and goes to the overflow queue.</summary>
    public bool Overflows(string hook)
    {
        var bucket = _hooks.GetOrAdd(hook, static (_, state) => new Bucket(state.Now, state.Burst), (Now: time.GetTimestamp(), Burst: options.Value.FloodBurst));
        return !bucket.Take(time, options.Value.FloodPacePerSecond, options.Value.FloodBurst);
    }

    private sealed class Bucket(long start, double burst)
    {
        private readonly Lock _gate = new();
        private double _tokens = burst;
        private long _last = start;

        public bool Take(TimeProvider time, double pace, double burst)
        {
            lock (_gate)
            {
                var now = time.GetTimestamp();
                _tokens = Math.Min(burst, _tokens + (time.GetElapsedTime(_last, now).TotalSeconds * pace));
                _last = now;
                if (_tokens < 1)
                {
                    return false;
                }
                _tokens -= 1;
                return true;
            }
        }
    }
}
