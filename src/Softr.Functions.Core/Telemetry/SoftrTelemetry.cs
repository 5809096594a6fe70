using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Softr.Functions.Telemetry;

/// <summary>
/// The app's traces and metrics, with OpenTelemetry: one trace per webhook, from the HTTP request
/// through the queue (the envelope carries the W3C <c>traceparent</c>) to every Softr call, with the
/// event id as a tag on each of our spans and as the correlation id in log scopes. Hosts add exporters:
/// Azure Monitor in Azure, the console locally, memory in tests.
/// </summary>
public static class SoftrTelemetry
{
    public const string Name = "Softr.Functions";

    /// <summary>The tag every span of ours carries: the event's id, which is also its correlation id.</summary>
    public const string EventIdTag = "softr.event.id";

    public static ActivitySource Source { get; } = new(Name);

    public static Meter Meter { get; } = new(Name);

    /// <summary>Webhooks received, by hook and outcome (accepted, duplicate, ignored, or the problem type refusing them).</summary>
    public static Counter<long> Webhooks { get; } = Meter.CreateCounter<long>(SoftrTelemetryInstruments.Webhooks, description: "Webhooks received, by hook and outcome");

    /// <summary>Processing attempts, by outcome (succeeded, retry, deferred, dead-lettered) and cause.</summary>
    public static Counter<long> Attempts { get; } = Meter.CreateCounter<long>(SoftrTelemetryInstruments.Attempts, description: "Processing attempts, by outcome and cause");

    /// <summary>Events dead-lettered, by cause (the poison handler's too).</summary>
    public static Counter<long> DeadLetters { get; } = Meter.CreateCounter<long>(SoftrTelemetryInstruments.DeadLetters, description: "Events dead-lettered, by cause");

    /// <summary>Events put back on the queue without an attempt: reason <c>budget</c> (no Softr budget in time) or <c>busy</c> (another copy running).</summary>
    public static Counter<long> Deferrals { get; } = Meter.CreateCounter<long>("softr.deferrals", description: "Events put back without an attempt, by reason (budget, busy) and hook");

    /// <summary>Events that stopped being deferred at Processing:MaxDeferral (the deferrals-capped alert watches it).</summary>
    public static Counter<long> DeferralsCapped { get; } = Meter.CreateCounter<long>("softr.deferrals.capped",
        description: "Events deferred past Processing:MaxDeferral: dead-lettered no-budget, or a duplicate copy dropped");

    /// <summary>Poison messages the poison handler could not dead-letter (each try; after the last, the message waits in events-poison-poison).</summary>
    public static Counter<long> PoisonFailures { get; } = Meter.CreateCounter<long>("softr.poison.failures", description: "Poison messages that could not be dead-lettered");

    /// <summary>Erase requests carried out (not dry runs).</summary>
    public static Counter<long> Erasures { get; } = Meter.CreateCounter<long>("softr.erasures", description: "Erase requests carried out");

    /// <summary>
    /// Copies of events dropped because the person they name was erased (a retry on the queue, a sender's
    /// redelivery, a replay, an event received before the erasure): dropped before any Softr call.
    /// </summary>
    public static Counter<long> ErasedDropped { get; } = Meter.CreateCounter<long>("softr.erased.dropped", description: "Copies of erased events dropped before any Softr call, by hook");

    /// <summary>Messages in events-poison-poison sent again without an expiry (the runtime adds them with seven days).</summary>
    public static Counter<long> UndeliverableKept { get; } = Meter.CreateCounter<long>("softr.undeliverable.kept", description: "Messages in events-poison-poison kept without an expiry");

    /// <summary>Every try of every call to Softr, by status code (0: no answer): the 429 share is <c>status=429</c> over all.</summary>
    public static Counter<long> SoftrCalls { get; } = Meter.CreateCounter<long>(SoftrTelemetryInstruments.SoftrCalls, description: "Calls to Softr (each try), by status code");

    /// <summary>Seconds from receipt to success: the queue's lag as events experience it.</summary>
    public static Histogram<double> EventAge { get; } = Meter.CreateHistogram<double>("softr.event.age", "s", "Seconds from receipt to success");

    /// <summary>The tag naming a Softr connection (its configured name) on <c>softr.calls</c>.</summary>
    public const string ConnectionTag = "connection";

    /// <summary>The tag naming a Softr token's budget on <c>softr.budget.wait</c>: its fingerprint (a hash), never the token.</summary>
    public const string TokenTag = "token";

    /// <summary>Seconds a Softr call waited for the shared budget.</summary>
    public static Histogram<double> BudgetWait { get; } = Meter.CreateHistogram<double>(SoftrTelemetryInstruments.BudgetWait, "s", "Seconds a Softr call waited for shared budget");

    /// <summary>Our sources and meter, and the ASP.NET Core and HttpClient instrumentation (the Softr calls); exporters are the host's.</summary>
    public static IServiceCollection AddSoftrTelemetry(this IServiceCollection services,
        Action<TracerProviderBuilder>? tracing = null, Action<MeterProviderBuilder>? metrics = null)
    {
        services.AddOpenTelemetry()
            .WithTracing(builder =>
            {
                // Softr calls, not storage's: the Azure SDK's own requests (queue polls, table writes,
                // every second) would bury the webhook's trace. The SDK marks each with x-ms-version.
                // Nor the health probe's (answered 401 by design).
                // Redaction first, so that no exporter sees a span before it; and at the source, for the
                // Softr calls' addresses (the Users API puts e-mails in its paths).
                builder.AddProcessor(new RedactingSpanProcessor()).AddSource(Name).AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation(options =>
                    {
                        options.FilterHttpRequestMessage = request => !request.Headers.Contains("x-ms-version")
                            && !request.Options.TryGetValue(Health.SoftrHealthCheck.ProbeOption, out _);
                        options.EnrichWithHttpRequestMessage = (activity, request) =>
                        {
                            if (request.RequestUri is { } uri)
                            {
                                activity.SetTag("url.full", LogText.MaskEmailsInUrl(uri.GetLeftPart(UriPartial.Path)));
                            }
                        };
                    });
                tracing?.Invoke(builder);
            })
            .WithMetrics(builder =>
            {
                // Polly's meter counts the Softr client's retries, circuit breaks and rate-limiter refusals;
                // HttpClient's gives every Softr call by host and status code (429s included).
                builder.AddMeter(Name, "Polly").AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
                metrics?.Invoke(builder);
            });
        return services;
    }
}
