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
/// </summary>
public sealed class SoftrRateLimiter : IAsyncDisposable
{
    private readonly PartitionedRateLimiter<HttpRequestMessage> _limiter;

    public SoftrRateLimiter(IOptions<SoftrClientOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        _limiter = PartitionedRateLimiter.Create<HttpRequestMessage, BudgetKey>(request =>
        {
            var key = KeyOf(request);
            var perSecond = key.Kind == SoftrCallKind.Read ? settings.ReadsPerSecond : settings.WritesPerSecond;
            return RateLimitPartition.GetTokenBucketLimiter(key, _ => BucketFor(perSecond, settings.MaxQueuedCalls));
        });
    }

    /// <summary>Waits for budget for <paramref name="request"/>; the lease says whether it was granted.</summary>
    public ValueTask<RateLimitLease> AcquireAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        _limiter.AcquireAsync(request, 1, cancellationToken);

    public ValueTask DisposeAsync() => _limiter.DisposeAsync();

    /// <summary>
    /// A bucket that refills in small steps (about every 50 ms) with a burst of one step, so that no
    /// one-second window sees more than the limit plus one step, whatever the window's phase.
    /// </summary>
    internal static TokenBucketRateLimiterOptions BucketFor(int perSecond, int queueLimit)
    {
        var tokensPerStep = Math.Max(1, (int)Math.Ceiling(perSecond / 20.0));
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = tokensPerStep,
            TokensPerPeriod = tokensPerStep,
            ReplenishmentPeriod = TimeSpan.FromSeconds(tokensPerStep / (double)perSecond),
            QueueLimit = queueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        };
    }

    private static BudgetKey KeyOf(HttpRequestMessage request)
    {
        var kind = request.Options.TryGetValue(SoftrOperation.OptionsKey, out var operation)
            ? operation.Kind
            : request.Method == HttpMethod.Get ? SoftrCallKind.Read : SoftrCallKind.Write;
        var token = request.Headers.TryGetValues(SoftrHeaders.ApiKey, out var values) ? values.FirstOrDefault() ?? "" : "";
        return new BudgetKey(Fingerprint(token), kind);
    }

    // The partition key outlives the request; keep a fingerprint of the token, not the token.
    private static string Fingerprint(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)), 0, 8);

    private readonly record struct BudgetKey(string TokenFingerprint, SoftrCallKind Kind);
}
