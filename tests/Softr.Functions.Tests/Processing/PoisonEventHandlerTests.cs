using System.Diagnostics.Metrics;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Softr.Functions.Events;
using Softr.Functions.Processing;
using Softr.Functions.Telemetry;
using Softr.Functions.Tests.Events;

namespace Softr.Functions.Tests.Processing;

/// <summary>
/// A poison message the handler cannot dead-letter is never swallowed (issue #13): the failure is
/// counted and thrown, so the runtime retries it and finally keeps it in events-poison-poison, which
/// the queue-depth gauge and the poison-kept alert watch.
/// </summary>
public sealed class PoisonEventHandlerTests
{
    [Fact]
    public async Task WhenStorageIsDown_TheFailureIsCountedAndThrown_NotSwallowed()
    {
        var tables = new TableServiceClient(
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Convert.ToBase64String(new byte[64])};TableEndpoint=http://127.0.0.1:{Softr.Functions.Testing.Ports.Free()}/devstoreaccount1;",
            new TableClientOptions { Retry = { MaxRetries = 0 } });
        var progress = new EventProgressStore(tables, Options.Create(new ProcessingOptions()), TimeProvider.System, new EventIndex(tables));
        var blobs = new Azure.Storage.Blobs.BlobServiceClient(new Uri($"http://127.0.0.1:{Softr.Functions.Testing.Ports.Free()}/devstoreaccount1"),
            new Azure.Storage.Blobs.BlobClientOptions { Retry = { MaxRetries = 0 } });
        var personIndex = new Softr.Functions.Privacy.PersonIndex(tables, blobs, new Microsoft.AspNetCore.DataProtection.EphemeralDataProtectionProvider(), NullLogger<Softr.Functions.Privacy.PersonIndex>.Instance);
        var payloads = new BlobPayloadStore(blobs);
        var handler = new PoisonEventHandler(progress,
            new DeadLettering(new DeadLetterStore(tables), progress, new EventPersonalData(payloads, personIndex, progress), payloads, personIndex, TimeProvider.System,
                NullLogger<DeadLettering>.Instance),
            // No waiting out the outage here: the test is about what happens once waiting is over.
            new StorageOutage(Options.Create(new ProcessingOptions { StorageOutageTolerance = TimeSpan.Zero }), TimeProvider.System, Random.Shared, NullLogger<StorageOutage>.Instance),
            TimeProvider.System, NullLogger<PoisonEventHandler>.Instance);
        long failures = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, meterListener) =>
        {
            // By name: the instrument is published while SoftrTelemetry's statics are still being set.
            if (instrument.Meter.Name == SoftrTelemetry.Name && instrument.Name == "softr.poison.failures")
            {
                meterListener.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref failures, value));
        listener.Start();
        var message = EventEnvelopeSerializer.Serialize(TestEnvelopes.Signup());

        var thrown = await Record.ExceptionAsync(() => handler.HandleAsync(message, "message-1", CancellationToken.None));

        Assert.True(thrown is not null, "nothing was thrown");
        Assert.False(thrown is OperationCanceledException, thrown.ToString());
        Assert.True(Interlocked.Read(ref failures) == 1, $"counted {failures}; thrown: {thrown}");
    }
}
