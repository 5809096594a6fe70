using Softr.Functions.Processing;

namespace Softr.Functions.Telemetry;

/// <summary>
/// The Softr clients' innermost handler: each try of each call, as it goes on the wire, counted in
/// <c>softr.calls</c> by status and connection (the console's 429 share, app-wide and per connection) and written into the running step's
/// <see cref="StepCallJournal"/>. Inside the resilience pipeline, so that a retried call is two tries.
/// Timed on the injected clock, as everything else is (a simulated run times calls on its own clock).
/// </summary>
public sealed class SoftrCallRecorder(TimeProvider time) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = time.GetTimestamp();
        HttpResponseMessage? response = null;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return response;
        }
        finally
        {
            var status = response is null ? 0 : (int)response.StatusCode;
            SoftrTelemetry.SoftrCalls.Add(1, new KeyValuePair<string, object?>("status", status),
                new KeyValuePair<string, object?>(SoftrTelemetry.ConnectionTag, request.Options.TryGetValue(SoftrConnection.RequestOption, out var connection) ? connection.Name : null));
            StepCallJournal.Current?.Add(new SoftrCallRecord(request.Method.Method, LogText.MaskEmailsInUrl(request.RequestUri?.AbsolutePath ?? ""), status,
                (long)time.GetElapsedTime(started).TotalMilliseconds));
        }
    }
}
