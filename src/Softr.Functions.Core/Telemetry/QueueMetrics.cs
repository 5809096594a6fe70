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

    private static readonly string[] Queues = [QueueNames.Events, QueueNames.EventsPoison];
    private readonly Dictionary<string, (int Depth, double OldestAge)> _samples = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        SoftrTelemetry.Meter.CreateObservableGauge("softr.queue.depth", () => Observe(sample => sample.Depth), description: "Approximate messages in the queue");
        SoftrTelemetry.Meter.CreateObservableGauge("softr.queue.oldest_age", () => Observe(sample => sample.OldestAge), "s", "Seconds since the first visible message was queued");
        while (!stoppingToken.IsCancellationRequested)
        {
            foreach (var name in Queues)
            {
                try
                {
                    var queue = queues.GetQueueClient(name);
                    var properties = await queue.GetPropertiesAsync(stoppingToken).ConfigureAwait(false);
                    var first = (await queue.PeekMessagesAsync(maxMessages: 1, stoppingToken).ConfigureAwait(false)).Value.FirstOrDefault();
                    var age = first?.InsertedOn is { } inserted ? Math.Max(0, (time.GetUtcNow() - inserted).TotalSeconds) : 0;
                    lock (_samples)
                    {
                        _samples[name] = (properties.Value.ApproximateMessagesCount, age);
                    }
                }
                catch (RequestFailedException exception) when (exception.Status != 404)
                {
                    LogSampleFailed(name, exception.Status);
                }
                catch (RequestFailedException)
                {
                    // Not created yet: nothing queued.
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

    private IEnumerable<System.Diagnostics.Metrics.Measurement<T>> Observe<T>(Func<(int Depth, double OldestAge), T> value) where T : struct
    {
        lock (_samples)
        {
            return [.. _samples.Select(sample => new System.Diagnostics.Metrics.Measurement<T>(value(sample.Value), new KeyValuePair<string, object?>("queue", sample.Key)))];
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not sample queue {Queue} for metrics: storage answered {Status}")]
    private partial void LogSampleFailed(string queue, int status);
}
