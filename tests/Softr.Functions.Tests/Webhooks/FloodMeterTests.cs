using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;
using Softr.Functions.Events;
using Softr.Functions.Storage;
using Softr.Functions.Webhooks;
using Softr.Resilience;

namespace Softr.Functions.Tests.Webhooks;

/// <summary>
/// Within a lane, a hook's flood goes to the lane's overflow queue so that other hooks' events are not queued behind it
/// (issue #25, item 3): past a burst of 20, a hook keeps its lane's queue only at 2 events a second.
/// </summary>
public sealed class FloodMeterTests
{
    [Fact]
    public void PastItsBurst_AHookOverflows_AndKeepsTheQueueOnlyAtThePace_WhileAnotherHookIsUntouched()
    {
        var time = new FakeTimeProvider();
        var meter = new FloodMeter(Options.Create(new WebhooksOptions()), time);

        Assert.All(Enumerable.Range(0, 20), _ => Assert.False(meter.Overflows("import")));
        Assert.True(meter.Overflows("import"));
        Assert.False(meter.Overflows("form"));
        time.Advance(TimeSpan.FromSeconds(0.5));
        Assert.False(meter.Overflows("import")); // one more at 2 a second
        Assert.True(meter.Overflows("import"));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.All(Enumerable.Range(0, 20), _ => Assert.False(meter.Overflows("import"))); // a quiet minute: the whole burst again
    }

    [Fact]
    public async Task AFloodingHooksEvents_GoToItsLanesOverflowQueue_MarkedSoInTheMessage()
    {
        var builder = new IngestorBuilder();
        builder.MoreHooks["import"] = new HookDefinition { SecretSettings = { IngestorBuilder.SecretSetting }, SecretHeader = IngestorBuilder.SecretHeader, Priority = "bulk" };
        var queues = new List<(string Queue, BinaryData Message)>();
        var ingestor = builder.Build();
        builder.Queue.Setup(door => door.EnqueueAsync(It.IsAny<string>(), It.IsAny<EventEnvelope>(), It.IsAny<BinaryData>(), It.IsAny<CancellationToken>()))
            .Callback<string, EventEnvelope, BinaryData, CancellationToken>((queue, _, message, _) => queues.Add((queue, message)))
            .Returns(Task.CompletedTask);

        for (var i = 0; i < 25; i++)
        {
            await ingestor.IngestAsync(IngestorBuilder.Request($$"""{"n":{{i}}}""", hook: "import"));
        }

        Assert.Equal(Enumerable.Repeat(QueueNames.BulkEvents, 20).Concat(Enumerable.Repeat(QueueNames.BulkEventsOverflow, 5)), queues.Select(sent => sent.Queue));
        var overflowing = EventEnvelopeSerializer.Deserialize(queues[^1].Message);
        Assert.True(overflowing.Overflow);
        Assert.Equal(QueueNames.BulkEventsOverflow, overflowing.Queue); // where its retries and deferrals go
        Assert.False(EventEnvelopeSerializer.Deserialize(queues[0].Message).Overflow);
        Assert.DoesNotContain("overflow", queues[0].Message.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithLanesOff_EveryEventGoesToOneQueue_AndItsCallsAreUnmarked()
    {
        var builder = new IngestorBuilder();
        builder.Processing.Lanes = false;
        builder.MoreHooks["paid"] = new HookDefinition { SecretSettings = { IngestorBuilder.SecretSetting }, SecretHeader = IngestorBuilder.SecretHeader, Priority = "high" };
        var ingestor = builder.Build();

        for (var i = 0; i < 25; i++)
        {
            await ingestor.IngestAsync(IngestorBuilder.Request($$"""{"n":{{i}}}""", hook: "paid"));
        }

        builder.Queue.Verify(door => door.EnqueueAsync(QueueNames.Events, It.IsAny<EventEnvelope>(), It.IsAny<BinaryData>(), It.IsAny<CancellationToken>()), Times.Exactly(25));
        Assert.All(builder.Enqueued, envelope => Assert.Equal(CallPriority.Normal, envelope.Priority));
        var routing = new LaneRouting(Options.Create(builder.Processing), builder.Floods!);
        Assert.Equal(CallOrder.Unmarked, routing.OrderOf(builder.Enqueued[0] with { Priority = CallPriority.High }));
    }
}
