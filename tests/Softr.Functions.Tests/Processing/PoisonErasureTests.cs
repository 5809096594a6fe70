using Microsoft.Extensions.DependencyInjection;
using Softr.Functions.Events;
using Softr.Functions.Privacy;
using Softr.Functions.Processing;
using Softr.Functions.Tests.Simulation;

namespace Softr.Functions.Tests.Processing;

/// <summary>
/// An event that reaches the poison queue before any attempt indexed its people (each died first: a process
/// killed, the index unreachable) is indexed by the poison handler before it is dead-lettered, so that an erasure
/// finds its dead letter and payload; and one naming a person erased since it came is dropped, not kept. Found in
/// review (issue #24): the dead letter held the address, and the erasure, which finds events only through the
/// index, left it. Dead-lettering indexes any event not yet indexed, whoever gives up on it (a second review found
/// the attempt that exhausts its retries could give up unindexed too), and a payload blob that is not JSON is
/// indexed by its text and still dead-lettered. In the simulated world, on virtual time.
/// </summary>
public sealed class PoisonErasureTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void APoisonedEventNoAttemptIndexed_IsFoundAndRemovedByAnErasure(bool payloadInABlob)
    {
        using var world = new SimWorld(new SimPlan(11, 1, SimRates.None, []));
        ErasureReport? report = null;
        EventProgress? after = null;
        DeadLetter? letter = null;
        var blobKept = true;

        world.Script(async services =>
        {
            var envelope = await EnvelopeAsync(services, "evt_poisoned_unindexed", world.Now, payloadInABlob);
            var progress = services.GetRequiredService<EventProgressStore>();
            // Every attempt dies before it indexes the event's people; the runtime moves the message to the poison queue.
            Assert.NotNull(await progress.BeginAttemptAsync(envelope, await progress.ReadAsync(envelope.EventId, default), "msg-1", "attempt 5", default));
            await services.GetRequiredService<PoisonEventHandler>().HandleAsync(EventEnvelopeSerializer.Serialize(envelope), "poison-1", default);
            Assert.Equal(EventStatus.DeadLettered, (await progress.ReadAsync(envelope.EventId, default)).Status);

            report = await services.GetRequiredService<PersonEraser>().EraseAsync(SimWorld.EmailOf(0), dryRun: false, default);
            after = await progress.ReadAsync(envelope.EventId, default);
            letter = await services.GetRequiredService<DeadLetterStore>().GetAsync(envelope.EventId, default);
            blobKept = payloadInABlob && await BlobExistsAsync(services, envelope.PayloadReference!);
        });

        Assert.Equal(["evt_poisoned_unindexed"], report!.Events);
        Assert.Equal(EventStatus.Erased, after!.Status);
        Assert.Null(letter);
        Assert.False(blobKept, "the erased event's payload blob was kept");
    }

    [Fact]
    public void APoisonedEventNamingAPersonErasedSinceItCame_IsDropped_NotDeadLettered()
    {
        using var world = new SimWorld(new SimPlan(12, 1, SimRates.None, []));
        EventProgress? after = null;
        DeadLetter? letter = null;

        world.Script(async services =>
        {
            var envelope = await EnvelopeAsync(services, "evt_poisoned_after_erasure", world.Now, payloadInABlob: false);
            var progress = services.GetRequiredService<EventProgressStore>();
            Assert.NotNull(await progress.BeginAttemptAsync(envelope, await progress.ReadAsync(envelope.EventId, default), "msg-1", "attempt 5", default));
            // The person is erased while the event is unindexed: the erasure cannot find it, only mark the person.
            var report = await services.GetRequiredService<PersonEraser>().EraseAsync(SimWorld.EmailOf(0), dryRun: false, default);
            Assert.Empty(report.Events);

            await services.GetRequiredService<PoisonEventHandler>().HandleAsync(EventEnvelopeSerializer.Serialize(envelope), "poison-1", default);
            after = await progress.ReadAsync(envelope.EventId, default);
            letter = await services.GetRequiredService<DeadLetterStore>().GetAsync(envelope.EventId, default);
        });

        Assert.Equal(EventStatus.Erased, after!.Status);
        Assert.Null(letter);
    }

    private static async Task<EventEnvelope> EnvelopeAsync(IServiceProvider services, string id, DateTimeOffset receivedAt, bool payloadInABlob)
    {
        var envelope = SimWorld.Envelope(id, receivedAt);
        if (!payloadInABlob)
        {
            return envelope;
        }
        var reference = await services.GetRequiredService<IPayloadStore>().PutAsync(id, BinaryData.FromObjectAsJson(envelope.Payload), default);
        return envelope with { Payload = default, PayloadReference = reference };
    }

    /// <summary>An event whose payload blob is not JSON (it names person 0), taken by an attempt that then dies.</summary>
    private static async Task<(EventEnvelope Envelope, EventProgressStore Progress)> UnreadableEventTakenAsync(IServiceProvider services, string id, DateTimeOffset now)
    {
        var envelope = SimWorld.Envelope(id, now);
        var reference = await services.GetRequiredService<IPayloadStore>().PutAsync(envelope.EventId,
            BinaryData.FromString($"{{\"email\":\"{SimWorld.EmailOf(0)}\", broken"), default);
        envelope = envelope with { Payload = default, PayloadReference = reference };
        var progress = services.GetRequiredService<EventProgressStore>();
        Assert.NotNull(await progress.BeginAttemptAsync(envelope, await progress.ReadAsync(envelope.EventId, default), "msg-1", "attempt 5", default));
        return (envelope, progress);
    }

    private static async Task<bool> BlobExistsAsync(IServiceProvider services, string reference)
    {
        try
        {
            await services.GetRequiredService<IPayloadStore>().GetAsync(reference, default);
            return true;
        }
        catch (Azure.RequestFailedException gone) when (gone.Status == 404)
        {
            return false;
        }
    }

    [Fact]
    public void APoisonedEventWhosePayloadBlobIsNotJson_IsDeadLettered_AndFoundByAnErasure()
    {
        using var world = new SimWorld(new SimPlan(13, 1, SimRates.None, []));
        EventProgress? poisoned = null;
        ErasureReport? report = null;

        world.Script(async services =>
        {
            var (envelope, progress) = await UnreadableEventTakenAsync(services, "evt_unreadable_blob", world.Now);
            await services.GetRequiredService<PoisonEventHandler>().HandleAsync(EventEnvelopeSerializer.Serialize(envelope), "poison-1", default);
            poisoned = await progress.ReadAsync(envelope.EventId, default);
            report = await services.GetRequiredService<PersonEraser>().EraseAsync(SimWorld.EmailOf(0), dryRun: false, default);
        });

        Assert.Equal(EventStatus.DeadLettered, poisoned!.Status);
        Assert.Equal(["evt_unreadable_blob"], report!.Events);
    }

    [Fact]
    public void AnAttemptThatGivesUpOnAnEventItNeverIndexed_IndexesItFirst()
    {
        using var world = new SimWorld(new SimPlan(14, 1, SimRates.None, []));
        bool? lettered = null;
        ErasureReport? report = null;

        world.Script(async services =>
        {
            var envelope = SimWorld.Envelope("evt_gave_up_unindexed", world.Now);
            var progress = services.GetRequiredService<EventProgressStore>();
            var lease = await progress.BeginAttemptAsync(envelope, await progress.ReadAsync(envelope.EventId, default), "msg-1", "attempt 8", default);
            // As the attempt that exhausts its retries when every one failed before indexing (the index unreachable, say).
            lettered = await services.GetRequiredService<DeadLettering>().DeadLetterAsync(envelope, FailureCauses.RetriesExhausted, "8 attempts failed", lease!,
                plan: null, default);
            report = await services.GetRequiredService<PersonEraser>().EraseAsync(SimWorld.EmailOf(0), dryRun: false, default);
        });

        Assert.True(lettered);
        Assert.Equal(["evt_gave_up_unindexed"], report!.Events);
    }

    /// <summary>Found in the second review: a payload blob that is not JSON was indexed by its text without asking whether its person was erased since.</summary>
    [Fact]
    public void APoisonedEventWhosePayloadBlobIsNotJson_NamingAPersonErasedSinceItCame_IsDropped()
    {
        using var world = new SimWorld(new SimPlan(15, 1, SimRates.None, []));
        EventProgress? after = null;
        DeadLetter? letter = null;

        world.Script(async services =>
        {
            var (envelope, progress) = await UnreadableEventTakenAsync(services, "evt_unreadable_erased", world.Now);
            Assert.Empty((await services.GetRequiredService<PersonEraser>().EraseAsync(SimWorld.EmailOf(0), dryRun: false, default)).Events);
            await services.GetRequiredService<PoisonEventHandler>().HandleAsync(EventEnvelopeSerializer.Serialize(envelope), "poison-1", default);
            after = await progress.ReadAsync(envelope.EventId, default);
            letter = await services.GetRequiredService<DeadLetterStore>().GetAsync(envelope.EventId, default);
        });

        Assert.Equal(EventStatus.Erased, after!.Status);
        Assert.Null(letter);
    }
}
