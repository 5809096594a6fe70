using System.Diagnostics.Metrics;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging.Abstractions;
using Softr.Functions.Storage;
using Softr.Functions.Telemetry;
using Softr.Functions.Testing;

namespace Softr.Functions.EndToEndTests;

/// <summary>The queue gauges against Azurite: depth and the age of the oldest message, per queue.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class QueueMetricsTests : IAsyncLifetime
{
    private Azurite _azurite = null!;

    public async Task InitializeAsync() => _azurite = await Azurite.StartAsync();

    public async Task DisposeAsync() => await _azurite.DisposeAsync();

    [Fact]
    public async Task Gauges_ReportDepthAndOldestAge_OfTheEventQueue()
    {
        var service = new QueueServiceClient(_azurite.ConnectionString, StorageServiceCollectionExtensions.CreateClientOptions());
        var queue = service.GetQueueClient(QueueNames.Events);
        await queue.CreateIfNotExistsAsync();
        for (var message = 0; message < 3; message++)
        {
            await queue.SendMessageAsync("{}");
        }
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        var readings = new List<(string Instrument, double Value, string? Queue)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, meterListener) =>
        {
            if (instrument.Meter.Name == SoftrTelemetry.Name && instrument.Name.StartsWith("softr.queue.", StringComparison.Ordinal))
            {
                meterListener.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Add(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        listener.Start();

        using var metrics = new QueueMetrics(service, TimeProvider.System, NullLogger<QueueMetrics>.Instance);
        await metrics.StartAsync(CancellationToken.None);
        Assert.True(await SystemUnderTest.EventuallyAsync(() =>
        {
            lock (readings)
            {
                readings.Clear();
            }
            listener.RecordObservableInstruments();
            lock (readings)
            {
                return Task.FromResult(readings.Any(reading => reading is ("softr.queue.depth", 3, QueueNames.Events)));
            }
        }, TimeSpan.FromSeconds(10)));
        await metrics.StopAsync(CancellationToken.None);

        lock (readings)
        {
            var age = Assert.Single(readings, reading => reading.Instrument == "softr.queue.oldest_age" && reading.Queue == QueueNames.Events);
            Assert.InRange(age.Value, 1, 60);
        }

        void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? name = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "queue")
                {
                    name = tag.Value as string;
                }
            }
            lock (readings)
            {
                readings.Add((instrument.Name, value, name));
            }
        }
    }
}
