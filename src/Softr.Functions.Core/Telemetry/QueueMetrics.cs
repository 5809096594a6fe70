using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;

namespace Softr.Functions.Telemetry;

/// <summary>
/// Samples every lane's queues every 30 seconds for two gauges: <c>softr.queue.depth</c> (approximate
/// message count, the poison queues too) and <c>softr.queue.oldest_age</c> (seconds since the first
/// visible message was inserted: the backlog as the next event in line experiences it; each lane's is
/// alerted on). Two storage reads per queue per instance per sample; a failed sample keeps the last values, and the sampling goes on (a
/// <see cref="Hosting.BackgroundLoop"/>: a storage outage never stops the host).
/// </summary>
public sealed partial class QueueMetrics(QueueServiceClient queues, TimeProvider time, ILogger<QueueMetrics> logger) : Hosting.BackgroundLoop(time, logger)
{
    public static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(30);

    private static readonly string[] Queues = [.. Events.EventLane.AllQueues];

    // The gauges are the meter's, once per process; they read whichever samplers are running (one in
    // an app; in a test process, hosts come and go, and a stopped one must not be read).
    private static readonly ConcurrentDictionary<QueueMetrics, bool> Running = new();
    private static readonly ObservableGauge<int> Depth = SoftrTelemetry.Meter.CreateObservableGauge("softr.queue.depth", () => Observe(sample => sample.Depth), description: "Approximate messages in the queue");
    private static readonly ObservableGauge<double> OldestAge = SoftrTelemetry.Meter.CreateObservableGauge("softr.queue.oldest_age", () => Observe(sample => sample.OldestAge), "s", "Seconds since the first visible message was queued");

    private readonly Dictionary<string, (int Depth, double OldestAge)> _samples = [];

    protected override string Name => "Queue metrics";

    protected override TimeSpan Interval => SampleInterval;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        Running[this] = true;
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        Running.TryRemove(this, out _);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One sample of every queue; a queue that cannot be read keeps its last values (the round fails on, and the loop goes on).</summary>
    protected override async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        Exception? failed = null;
        foreach (var name in Queues)
        {
            try
            {
                var snapshot = await Operations.QueueSnapshot.TakeAsync(queues.GetQueueClient(name), Time.GetUtcNow(), stoppingToken).ConfigureAwait(false);
                lock (_samples)
                {
                    _samples[name] = (snapshot.Depth, snapshot.OldestAgeSeconds);
                }
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                failed ??= exception;
            }
        }
        if (failed is not null)
        {
            throw new InvalidOperationException("A queue could not be sampled; its last values stand.", failed);
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
}
