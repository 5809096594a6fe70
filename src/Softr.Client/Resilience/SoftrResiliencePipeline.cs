using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Timeout;
using Softr.Http;

namespace Softr.Resilience;

/// <summary>
/// How every Softr call is sent, from the outside in:
/// <list type="number">
/// <item>a total timeout over everything below;</item>
/// <item>retries with jittered exponential backoff (a <c>Retry-After</c> header wins), only for
/// failures a retry can fix and only when repeating the call is safe (see <see cref="RetrySafety"/>);</item>
/// <item>a circuit breaker that stops calling a Softr host that keeps failing (429s do not count:
/// they mean "slower", not "broken");</item>
/// <item>the per-token rate limiter, per attempt, so retries spend budget too;</item>
/// <item>a per-attempt timeout.</item>
/// </list>
/// Time comes from the <see cref="TimeProvider"/> registered in DI, so tests run retries instantly.
/// </summary>
public static class SoftrResiliencePipeline
{
    /// <summary>Adds the strategies described above to <paramref name="pipeline"/>, outermost first.</summary>
    /// <param name="pipeline">The HTTP client's resilience pipeline.</param>
    /// <param name="options">Budgets, retries and timeouts.</param>
    /// <param name="rateLimiter">The per-token limiter every Softr client in the process shares.</param>
    /// <param name="random">The jitter's source: Polly's own when null; a simulation passes a seeded one, so that a seed replays the same waits.</param>
    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, SoftrClientOptions options, SoftrRateLimiter rateLimiter, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(rateLimiter);

        pipeline.AddTimeout(new HttpTimeoutStrategyOptions { Name = "total", Timeout = options.TotalTimeout });

        // Polly refuses zero retries; "no retries" is simply no retry strategy.
        if (options.MaxRetries > 0)
        {
            var retry = new HttpRetryStrategyOptions
            {
                Name = "retry",
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldRetryAfterHeader = true,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Context, args.Outcome)),
            };
            if (random is not null)
            {
                retry.Randomizer = random.NextDouble;
            }
            pipeline.AddRetry(retry);
        }

        pipeline
            .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                Name = "circuit",
                FailureRatio = 0.5,
                MinimumThroughput = 10,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = options.CircuitBreakDuration,
                ShouldHandle = args => ValueTask.FromResult(IsHostFailure(args.Outcome)),
            })
            .AddRateLimiter(new HttpRateLimiterStrategyOptions
            {
                Name = "budget",
                RateLimiter = args => rateLimiter.AcquireAsync(RequestOf(args.Context), args.Context.CancellationToken),
            })
            .AddTimeout(new HttpTimeoutStrategyOptions { Name = "attempt", Timeout = options.AttemptTimeout });
    }

    /// <summary>
    /// 429 is always retried: Softr refused before acting. Other failures are retried only when the
    /// call is safe to repeat, except a connection that was never made, which cannot have acted.
    /// </summary>
    internal static bool ShouldRetry(ResilienceContext context, Outcome<HttpResponseMessage> outcome)
    {
        var safety = OperationOf(context)?.RetrySafety ?? RetrySafety.OnlyIfNotReceived;
        if (outcome.Result is { } response)
        {
            return response.StatusCode == HttpStatusCode.TooManyRequests
                || (safety == RetrySafety.SafeToRepeat && IsTransientStatus(response.StatusCode));
        }
        return outcome.Exception switch
        {
            HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } => true,
            HttpRequestException or TimeoutRejectedException => safety == RetrySafety.SafeToRepeat,
            _ => false,
        };
    }

    internal static bool IsHostFailure(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Result: { } response } => response.StatusCode != HttpStatusCode.TooManyRequests && IsTransientStatus(response.StatusCode),
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        _ => false,
    };

    private static bool IsTransientStatus(HttpStatusCode status) => status == HttpStatusCode.RequestTimeout || (int)status >= 500;

    private static SoftrOperation? OperationOf(ResilienceContext context) =>
        context.GetRequestMessage() is { } request && request.Options.TryGetValue(SoftrOperation.OptionsKey, out var operation) ? operation : null;

    private static HttpRequestMessage RequestOf(ResilienceContext context) =>
        context.GetRequestMessage() ?? throw new InvalidOperationException("The Softr pipeline runs only inside an HttpClient handler.");
}
