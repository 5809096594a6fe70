using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Softr.Http;

namespace Softr.Resilience;

/// <summary>
/// Softr's budget, per token and per kind of call: reads (GET and search) and writes have separate
/// limits. One instance serves every Softr client in the process, so the Users and Database clients
/// draw from the same budget when they share a token, as they do at Softr.
/// <para>
/// This holds the rate within one process only. Several instances of the app sharing a token each
/// get the whole budget from this class; sharing it across instances is the processing layer's job.
/// </para>
/// <para>
/// Why not System.Threading.RateLimiting's token bucket: inside a partitioned limiter its buckets are
/// refilled on a 100 ms heartbeat, and a heartbeat that fires a little early skips a refill. Measured
/// here with 50/s configured: 29-32/s under a test host, 48/s in a quiet process. A limiter that is
/// this far under budget wastes Softr capacity, so the budget is paced here instead (see
/// <see cref="PacedBudget"/>), on the injected <see cref="TimeProvider"/>.
/// </para>
/// </summary>
public sealed class SoftrRateLimiter(IOptions<SoftrClientOptions> options, TimeProvider timeProvider) : IDisposable
{
    private readonly ConcurrentDictionary<BudgetKey, PacedBudget> _budgets = new();

    /// <summary>Waits for budget for <paramref name="request"/>; the lease says whether it was granted.</summary>
    public async ValueTask<RateLimitLease> AcquireAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var key = KeyOf(request);
        var budget = _budgets.GetOrAdd(key, static (key, state) => new PacedBudget(
            key.Kind == SoftrCallKind.Read ? state.Settings.ReadsPerSecond : state.Settings.WritesPerSecond,
            state.Settings.MaxQueuedCalls,
            state.Time), (Settings: options.Value, Time: timeProvider));

        return await budget.WaitAsync(cancellationToken).ConfigureAwait(false) ? Lease.Granted : Lease.Refused;
    }

    public void Dispose()
    {
        foreach (var budget in _budgets.Values)
        {
            budget.Dispose();
        }
    }

    private static BudgetKey KeyOf(HttpRequestMessage request)
    {
        var kind = request.Options.TryGetValue(SoftrOperation.OptionsKey, out var operation)
            ? operation.Kind
            : request.Method == HttpMethod.Get ? SoftrCallKind.Read : SoftrCallKind.Write;
        var token = request.Headers.TryGetValues(SoftrHeaders.ApiKey, out var values) ? values.FirstOrDefault() ?? "" : "";
        return new BudgetKey(Fingerprint(token), kind);
    }

    // The key outlives the request; keep a fingerprint of the token, not the token.
    private static string Fingerprint(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)), 0, 8);

    private readonly record struct BudgetKey(string TokenFingerprint, SoftrCallKind Kind);

    private sealed class Lease(bool acquired) : RateLimitLease
    {
        public static Lease Granted { get; } = new(true);

        public static Lease Refused { get; } = new(false);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
