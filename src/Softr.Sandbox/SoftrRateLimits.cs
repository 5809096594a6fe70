using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Softr.Sandbox;

/// <summary>
/// Softr's per-token limits: reads and writes counted separately in one-second windows aligned to the
/// clock's seconds, 429 beyond. Counted from the clock, not from a replenishment timer: the framework's
/// fixed-window limiter refills on a timer, and a timer that fires late stretches the window, which
/// made the sandbox stricter than its stated limit (about 47 per second at 50 under load). A benchmark
/// that measures "percent of L" needs L to be exact.
/// Runs after authentication, as the budget belongs to a valid token.
/// </summary>
public sealed class SoftrRateLimits(IOptions<SandboxOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<(string Token, bool Read), Window> _windows = new();

    public bool TryAcquire(HttpContext context)
    {
        var settings = options.Value;
        var key = (Token: context.Request.Headers[SoftrApi.ApiKeyHeader].ToString(), Read: SoftrApi.IsRead(context.Request));
        var limit = key.Read ? settings.ReadsPerSecond : settings.WritesPerSecond;
        var second = time.GetUtcNow().UtcTicks / TimeSpan.TicksPerSecond;
        var window = _windows.GetOrAdd(key, static _ => new Window());
        lock (window)
        {
            if (window.Second != second)
            {
                window.Second = second;
                window.Count = 0;
            }
            if (window.Count >= limit)
            {
                return false;
            }
            window.Count++;
            return true;
        }
    }

    private sealed class Window
    {
        public long Second { get; set; }

        public int Count { get; set; }
    }
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
