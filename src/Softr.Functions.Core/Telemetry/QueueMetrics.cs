using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Azure;
using Azure.Storage.Queues;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Softr.Functions.Storage;

namespace Softr.Functions.Telemetry;

/// <summary>
/// Samples the event queues every 30 seconds for two gauges: <c>softr.queue.depth</c> (approximate
/// message count, the poison queue too) and <c>softr.queue.oldest_age</c> (seconds since the first
/// visible message was inserted: the backlog as the next event in line experiences it). Four storage
/// reads per instance per sample; a failed sample keeps the last values.
/// </summary>
public sealed partial class QueueMetrics(QueueServiceClient queues, TimeProvider time, ILogger<QueueMetrics> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    private static readonly string[] Queues = [QueueNames.Events, QueueNames.EventsPoison, QueueNames.EventsPoisonPoison];

    // The gauges are the meter's, once per process; they read whichever samplers are running (one in
    // an app; in a test process, hosts come and go, and a stopped one must not be read).
    private static readonly ConcurrentDictionary<QueueMetrics, bool> Running = new();
    private static readonly ObservableGauge<int> Depth = SoftrTelemetry.Meter.CreateObservableGauge("softr.queue.depth", () => Observe(sample => sample.Depth), description: "Approximate messages in the queue");
    private static readonly ObservableGauge<double> OldestAge = SoftrTelemetry.Meter.CreateObservableGauge("softr.queue.oldest_age", () => Observe(sample => sample.OldestAge), "s", "Seconds since the first visible message was queued");

    private readonly Dictionary<string, (int Depth, double OldestAge)> _samples = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Running[this] = true;
        try
        {
            await SampleUntilStoppedAsync(stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            Running.TryRemove(this, out _);
        }
    }

    private async Task SampleUntilStoppedAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            foreach (var name in Queues)
            {
                try
                {
                    var snapshot = await Operations.QueueSnapshot.TakeAsync(queues.GetQueueClient(name), time.GetUtcNow(), stoppingToken).ConfigureAwait(false);
                    lock (_samples)
                    {
                        _samples[name] = (snapshot.Depth, snapshot.OldestAgeSeconds);
                    }
                }
                catch (RequestFailedException exception)
                {
                    LogSampleFailed(name, exception.Status);
                }
            }
            try
            {
                await Task.Delay(Interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static IEnumerable<Measurement<T>> Observe<T>(Func<(int Depth, double OldestAge), T> value) where T : struct
    {
        var measurements = new List<Measurement<T>>();
        foreach (var sampler in Running.Keys)
        {
            lock (sampler._samples)
            {
                measurements.AddRange(sampler._samples.Select(sample => new Measurement<T>(value(sample.Value), new KeyValuePair<string, object?>("queue", sample.Key))));
            }
        }
        return measurements;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not sample queue {Queue} for metrics: storage answered {Status}")]
    private partial void LogSampleFailed(string queue, int status);
}
