using System.Collections.Concurrent;
using System.Net;

namespace Softr.Functions.Tests.Resilience;

/// <summary>
/// Stands in for Softr at the HTTP boundary with a script of answers, one per attempt, and records
/// when each attempt arrived. The last step repeats once the script runs out.
/// </summary>
internal sealed class ScriptedHandler(TimeProvider time, params ScriptedHandler.Step[] script) : HttpMessageHandler
{
    private readonly ConcurrentQueue<Step> _script = new(script);
    private Step _last = script.Length > 0 ? script[^1] : Step.Status(HttpStatusCode.OK, "{}");

    public ConcurrentQueue<DateTimeOffset> Attempts { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Attempts.Enqueue(time.GetUtcNow());
        var step = _script.TryDequeue(out var next) ? _last = next : _last;
        return await step.Run(cancellationToken);
    }

    public sealed record Step(Func<CancellationToken, Task<HttpResponseMessage>> Run)
    {
        public static Step Status(HttpStatusCode status, string body = "{}", TimeSpan? retryAfter = null) => new(_ =>
        {
            var response = new HttpResponseMessage(status) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
            if (retryAfter is { } delay)
            {
                response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(delay);
            }
            return Task.FromResult(response);
        });

        /// <summary>Never answers; ends only when the client gives up.</summary>
        public static Step Hang { get; } = new(async cancellationToken =>
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        });

        public static Step Refused { get; } = new(_ =>
            Task.FromException<HttpResponseMessage>(new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused")));

        public static Step ResetMidway { get; } = new(_ =>
            Task.FromException<HttpResponseMessage>(new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely")));
    }
}
