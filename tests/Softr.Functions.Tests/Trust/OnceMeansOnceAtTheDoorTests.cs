using Softr.Functions.Tests.Webhooks;
using Softr.Functions.Webhooks;

namespace Softr.Functions.Tests.Trust;

/// <summary>
/// Issue #23, item 2.1: senders without event ids. An explicit key wins (the <c>Idempotency-Key</c>
/// header where the sender's proof covers headers, or the hook's payload path); without one, the exact
/// bytes are a repeat only within the hook's window, so a person who asks again later is served again.
/// The answer says whether a delivery is new or the repeat of which event.
/// </summary>
public sealed class OnceMeansOnceAtTheDoorTests
{
    private const string Signup = """{"email":"ada@example.com","full_name":"Ada Lovelace"}""";

    private readonly IngestorBuilder _builder = new();

    [Fact]
    public async Task TheSameBody_IsARepeatWithinTheWindow_AndANewEventAfterIt()
    {
        var ingestor = _builder.Build();

        var first = Accepted(await ingestor.IngestAsync(IngestorBuilder.Request(Signup)));
        _builder.Time.Advance(TimeSpan.FromMinutes(9));
        var retry = Accepted(await ingestor.IngestAsync(IngestorBuilder.Request(Signup)));
        _builder.Time.Advance(TimeSpan.FromMinutes(2));
        var later = Accepted(await ingestor.IngestAsync(IngestorBuilder.Request(Signup)));

        Assert.False(first.Duplicate);
        Assert.True(retry.Duplicate);
        Assert.Equal(first.EventId, retry.EventId);
        Assert.False(later.Duplicate);
        Assert.NotEqual(first.EventId, later.EventId);
        // The repeat is queued again under the id it repeats (if the first never reached the queue, this one carries the event).
        Assert.Equal([first.EventId, first.EventId, later.EventId], _builder.Enqueued.Select(envelope => envelope.EventId));
    }

    [Fact]
    public async Task AnIdempotencyKey_NamesTheEvent_WhateverTheBody_AndRefusesAnotherBody()
    {
        var ingestor = _builder.Build();
        WebhookRequest Keyed(string body, string key) => IngestorBuilder.Request(body, extraHeaders: (WebhookIngestor.IdempotencyKeyHeader, key));

        var first = Accepted(await ingestor.IngestAsync(Keyed(Signup, "order-1")));
        var retry = Accepted(await ingestor.IngestAsync(Keyed(Signup, "order-1")));
        var reused = await ingestor.IngestAsync(Keyed("""{"email":"grace@example.com","full_name":"Grace Hopper"}""", "order-1"));
        var other = Accepted(await ingestor.IngestAsync(Keyed(Signup, "order-2")));

        Assert.True(retry.Duplicate);
        Assert.Equal(first.EventId, retry.EventId);
        var problem = Assert.IsType<IngestionResult.Rejected>(reused).Problem;
        Assert.Equal((422, "urn:softr-functions:problem:idempotency-key-reused"), (problem.Status, problem.Type));
        Assert.False(other.Duplicate);
        Assert.NotEqual(first.EventId, other.EventId);
        Assert.Equal(3, _builder.Enqueued.Count);
    }

    [Fact]
    public async Task AnIdempotencyKey_OutlastsTheBodyWindow_ForItsOwnWindow()
    {
        var ingestor = _builder.Build();
        WebhookRequest Keyed() => IngestorBuilder.Request(Signup, extraHeaders: (WebhookIngestor.IdempotencyKeyHeader, "order-1"));

        var first = Accepted(await ingestor.IngestAsync(Keyed()));
        _builder.Time.Advance(TimeSpan.FromHours(23));
        var sameDay = Accepted(await ingestor.IngestAsync(Keyed()));
        _builder.Time.Advance(TimeSpan.FromHours(2));
        var nextDay = Accepted(await ingestor.IngestAsync(Keyed()));

        Assert.Equal(first.EventId, sameDay.EventId);
        Assert.NotEqual(first.EventId, nextDay.EventId);
    }

    [Fact]
    public async Task APayloadPath_SetOnTheHook_IdentifiesTheEvent()
    {
        _builder.MoreHooks["forms"] = new HookDefinition
        {
            SecretSettings = { IngestorBuilder.SecretSetting }, SecretHeader = IngestorBuilder.SecretHeader, IdempotencyKeyPath = "submission.id",
        };
        var ingestor = _builder.Build();

        var first = Accepted(await ingestor.IngestAsync(IngestorBuilder.Request("""{"submission":{"id":"s-1","at":"10:00"}}""", hook: "forms")));
        var resent = Accepted(await ingestor.IngestAsync(IngestorBuilder.Request("""{"submission":{"id":"s-1","at":"10:01"}}""", hook: "forms")));
        var next = Accepted(await ingestor.IngestAsync(IngestorBuilder.Request("""{"submission":{"id":"s-2","at":"10:01"}}""", hook: "forms")));

        Assert.True(resent.Duplicate);
        Assert.Equal(first.EventId, resent.EventId);
        Assert.NotEqual(first.EventId, next.EventId);
    }

    [Fact]
    public async Task ASignedSendersUnsignedIdempotencyKey_IsNeverRead()
    {
        var builder = new IngestorBuilder().WithEveryKind();
        var ingestor = builder.Build();
        const string body = """{"event_id":"01JXAMPLE","event_type":"form_response","form_response":{"answers":[]}}""";
        WebhookRequest Signed(string key)
        {
            var request = SignedDeliveries.Request("typeform", body, builder.Time.GetUtcNow());
            var inner = request.Headers;
            return request with { Headers = name => name.Equals(WebhookIngestor.IdempotencyKeyHeader, StringComparison.OrdinalIgnoreCase) ? key : inner(name) };
        }

        var one = Accepted(await ingestor.IngestAsync(Signed("key-a")));
        var two = Accepted(await ingestor.IngestAsync(Signed("key-b")));

        Assert.Equal(one.EventId, two.EventId);
        Assert.All(builder.Enqueued, envelope => Assert.Equal("01JXAMPLE", envelope.SenderEventId));
        Assert.Equal(0, builder.Claims.Count);
    }

    [Fact]
    public async Task StorageThatCannotCheckForRepeats_Answers503_AndQueuesNothing()
    {
        _builder.Claims.Unavailable = true;

        var result = await _builder.Build().IngestAsync(IngestorBuilder.Request(Signup));

        Assert.Equal(503, Assert.IsType<IngestionResult.Rejected>(result).Problem.Status);
        Assert.Empty(_builder.Enqueued);
    }

    [Fact]
    public async Task ANewClaimWhoseEventCouldNotBeQueued_IsReleased_SoTheRetryIsNew()
    {
        var failing = true;
        _builder.Queue.Setup(queue => queue.EnqueueAsync(Moq.It.IsAny<string>(), Moq.It.IsAny<Softr.Functions.Events.EventEnvelope>(), Moq.It.IsAny<BinaryData>(), Moq.It.IsAny<CancellationToken>()))
            .Returns<string, Softr.Functions.Events.EventEnvelope, BinaryData, CancellationToken>((_, envelope, _, _) =>
            {
                if (failing)
                {
                    throw new Softr.Functions.Events.EventQueueUnavailableException("down (test)", new InvalidOperationException());
                }
                _builder.Enqueued.Add(envelope);
                return Task.CompletedTask;
            });
        var ingestor = _builder.Build();

        var refused = await ingestor.IngestAsync(IngestorBuilder.Request(Signup));
        failing = false;
        var retry = Accepted(await ingestor.IngestAsync(IngestorBuilder.Request(Signup)));

        Assert.Equal(503, Assert.IsType<IngestionResult.Rejected>(refused).Problem.Status);
        Assert.False(retry.Duplicate);
        Assert.Single(_builder.Enqueued);
    }

    private static IngestionResult.Accepted Accepted(IngestionResult result) => Assert.IsType<IngestionResult.Accepted>(result);
}
