using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Softr.Sandbox;

/// <summary>
/// Softr's per-token limits: reads and writes counted separately in one-second windows, 429 beyond.
/// Runs after authentication, as the budget belongs to a valid token.
/// </summary>
public sealed class SoftrRateLimits : IAsyncDisposable
{
    private readonly PartitionedRateLimiter<HttpContext> _limiter;

    public SoftrRateLimits(IOptions<SandboxOptions> options)
    {
        var settings = options.Value;
        _limiter = PartitionedRateLimiter.Create<HttpContext, (string Token, bool Read)>(
            context => RateLimitPartition.GetFixedWindowLimiter(
                (Token: context.Request.Headers[SoftrApi.ApiKeyHeader].ToString(), Read: SoftrApi.IsRead(context.Request)),
                key => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = key.Read ? settings.ReadsPerSecond : settings.WritesPerSecond,
                    Window = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
    }

    public bool TryAcquire(HttpContext context)
    {
        using var lease = _limiter.AttemptAcquire(context);
        return lease.IsAcquired;
    }

    public ValueTask DisposeAsync() => _limiter.DisposeAsync();
}

public sealed class SoftrRateLimitMiddleware(RequestDelegate next, SoftrRateLimits limits)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (SoftrApi.IsApi(context.Request.Path) && !limits.TryAcquire(context))
        {
            await SoftrApi.Error(context, StatusCodes.Status429TooManyRequests, "TOO_MANY_REQUESTS", "Rate limit exceeded").ExecuteAsync(context);
            return;
        }
        await next(context);
    }
}
