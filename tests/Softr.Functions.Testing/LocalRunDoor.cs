using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Softr.Functions.Testing;

/// <summary>What the load runs (benchmarks/) do with a local host: wait for it, post to its hooks as a sender would, read the sandbox, sum up.</summary>
public static class LocalRunDoor
{
    /// <summary>Deliveries the door answered 503 and a run sent again, since the last <see cref="TakeResent"/>.</summary>
    private static int _resent;

    /// <summary>
    /// Posts <c>{"email", "name"}</c> to <paramref name="hook"/> with its shared secret, as a sender does: a 503 (storage did not take
    /// the event in time; nothing was queued) is sent again a little later, ten times at most.
    /// </summary>
    public static async Task PostAsync(HttpClient door, string hook, string secret, string email)
    {
        ArgumentNullException.ThrowIfNull(door);
        ArgumentNullException.ThrowIfNull(email);
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/hooks/{hook}")
            {
                Content = new StringContent(JsonSerializer.Serialize(new { email, name = email.Split('@')[0] }), Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("X-Webhook-Secret", secret);
            using var response = await door.SendAsync(request).ConfigureAwait(false);
            if (response.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable || attempt == 10)
            {
                response.EnsureSuccessStatusCode();
                return;
            }
            Interlocked.Increment(ref _resent);
            await Task.Delay(TimeSpan.FromSeconds(attempt)).ConfigureAwait(false);
        }
    }

    /// <summary>Posts <paramref name="count"/> events to <paramref name="hook"/>, <paramref name="concurrency"/> at a time: a backlog through the door.</summary>
    public static Task PostBacklogAsync(HttpClient door, string hook, string secret, int count, Func<int, string> emailOf, int concurrency = 16)
    {
        ArgumentNullException.ThrowIfNull(emailOf);
        var next = -1;
        return Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            {
                await PostAsync(door, hook, secret, emailOf(i)).ConfigureAwait(false);
            }
        }));
    }

    /// <summary>
    /// Posts an event to <paramref name="hook"/> every <paramref name="every"/> (each on time, however long the last one's answer
    /// takes) until <paramref name="done"/> says so, asked every 2 s, an hour at most. Gives when each was sent, by e-mail, and
    /// how many the door never took (after ten tries), which are left out of the sent.
    /// </summary>
    public static async Task<(IReadOnlyDictionary<string, DateTimeOffset> Sent, int Refused)> TrickleUntilAsync(HttpClient door, string hook, string secret,
        TimeSpan every, Func<int, string> emailOf, Func<Task<bool>> done)
    {
        ArgumentNullException.ThrowIfNull(emailOf);
        var sent = new System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var posts = new System.Collections.Concurrent.ConcurrentDictionary<string, Task>(StringComparer.Ordinal);
        using var stop = new CancellationTokenSource();
        var trickle = Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var email = emailOf(n);
                sent[email] = DateTimeOffset.UtcNow;
                posts[email] = PostAsync(door, hook, secret, email);
                await Task.Delay(every).ConfigureAwait(false);
            }
        });
        await UntilAsync(done, TimeSpan.FromSeconds(2), TimeSpan.FromHours(1)).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        await trickle.ConfigureAwait(false);
        var refused = 0;
        foreach (var (email, post) in posts)
        {
            try
            {
                await post.ConfigureAwait(false);
            }
            catch (HttpRequestException)
            {
                refused++;
                sent.TryRemove(email, out _);
            }
        }
        return (sent, refused);
    }

    /// <summary>Asks <paramref name="done"/> every <paramref name="poll"/> until it says so or <paramref name="longest"/> has passed.</summary>
    public static async Task UntilAsync(Func<Task<bool>> done, TimeSpan poll, TimeSpan longest)
    {
        ArgumentNullException.ThrowIfNull(done);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (watch.Elapsed < longest && !await done().ConfigureAwait(false))
        {
            await Task.Delay(poll).ConfigureAwait(false);
        }
    }

    /// <summary>How many deliveries were sent again since the last call.</summary>
    public static int TakeResent() => Interlocked.Exchange(ref _resent, 0);

    /// <summary>Waits until the host answers its health route (a minute at most).</summary>
    public static async Task UntilUpAsync(HttpClient door, DotnetProcess host)
    {
        ArgumentNullException.ThrowIfNull(door);
        ArgumentNullException.ThrowIfNull(host);
        for (var attempt = 0; attempt < 600; attempt++)
        {
            try
            {
                using var health = await door.GetAsync(new Uri("/api/health", UriKind.Relative)).ConfigureAwait(false);
                return;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100).ConfigureAwait(false);
            }
        }
        throw new InvalidOperationException("The local host did not start: " + host.Output());
    }

    /// <summary>Users the sandbox created (its createUser calls answered 200), every app together.</summary>
    public static async Task<int> CreatedAsync(HttpClient softr)
    {
        ArgumentNullException.ThrowIfNull(softr);
        var calls = await softr.GetFromJsonAsync<JsonElement>(new Uri("/sandbox/calls", UriKind.Relative)).ConfigureAwait(false);
        return calls.GetProperty("byOperation").TryGetProperty("createUser", out var createUser) && createUser.TryGetProperty("200", out var ok) ? ok.GetInt32() : 0;
    }

    /// <summary>The <paramref name="p"/> quantile of values already sorted (nearest rank); NaN for none.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        return sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
