using Microsoft.AspNetCore.Mvc;
using Moq;
using Softr.Functions.Events;
using Softr.Functions.Storage;
using Softr.Functions.Webhooks;

namespace Softr.Functions.Tests.Webhooks;

public sealed class WebhookIngestorTests
{
    private const string ValidBody = """{"email":"ada@example.com","full_name":"Ada Lovelace"}""";

    private readonly IngestorBuilder _builder = new();

    [Fact]
    public async Task Ingest_WithValidSignup_QueuesOneEnvelopeAndAcceptsItsId()
    {
        var result = await _builder.Build().IngestAsync(IngestorBuilder.Request(ValidBody));

        var accepted = Assert.IsType<IngestionResult.Accepted>(result);
        var envelope = Assert.Single(_builder.Enqueued);
        Assert.Equal(accepted.EventId, envelope.EventId);
        Assert.StartsWith("evt_", envelope.EventId, StringComparison.Ordinal);
        Assert.Equal(IngestorBuilder.Hook, envelope.Hook);
        Assert.Equal(envelope.EventId, envelope.CorrelationId);
        Assert.Equal(_builder.Time.GetUtcNow(), envelope.ReceivedAt);
        Assert.Equal("ada@example.com", envelope.Payload.GetProperty("email").GetString());
        _builder.Queue.Verify(queue => queue.EnqueueAsync(QueueNames.Events, It.IsAny<EventEnvelope>(), It.IsAny<BinaryData>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Ingest_OnAHookWithoutSchema_AcceptsAnyJsonObjectAsAGenericEvent()
    {
        var result = await _builder.Build().IngestAsync(IngestorBuilder.Request("""{"anything":[1,2,3]}""", hook: IngestorBuilder.AnyJsonHook));

        Assert.IsType<IngestionResult.Accepted>(result);
        Assert.Equal(DeliveryReader.GenericEventType, Assert.Single(_builder.Enqueued).EventType);
    }

    [Fact]
    public async Task Ingest_ASecretAsUrlToken_IsAccepted_OnAHookThatOptsIn()
    {
        _builder.MoreHooks["signup"] = new HookDefinition
        {
            SecretSettings = { IngestorBuilder.SecretSetting }, SecretHeader = IngestorBuilder.SecretHeader, Schema = HookSchemas.Signup, AllowQueryToken = true,
        };
        var request = IngestorBuilder.Request(ValidBody, secret: null) with
        {
            Url = new Uri($"https://functions.example.com/api/hooks/signup?token={IngestorBuilder.Secret}"),
        };

        Assert.IsType<IngestionResult.Accepted>(await _builder.Build().IngestAsync(request));
    }

    [Fact]
    public async Task Ingest_WithUnknownHook_Returns404AndEnqueuesNothing()
    {
        var problem = await RejectedAsync(IngestorBuilder.Request(ValidBody, hook: "nope"));

        Assert.Equal(404, problem.Status);
        Assert.Equal("urn:softr-functions:problem:unknown-hook", problem.Type);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("wrong-secret-0123456789")]
    public async Task Ingest_WithMissingOrWrongSecret_Returns401AndEnqueuesNothing(string? secret)
    {
        var problem = await RejectedAsync(IngestorBuilder.Request(ValidBody, secret: secret));

        Assert.Equal(401, problem.Status);
        Assert.DoesNotContain(IngestorBuilder.Secret, problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_WithWrongSecretAndBrokenBody_Returns401BeforeParsing()
    {
        var problem = await RejectedAsync(IngestorBuilder.Request("{not json", secret: "wrong-secret-0123456789"));

        Assert.Equal(401, problem.Status);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("")]
    [InlineData("[1,2]")]
    [InlineData("\"text\"")]
    [InlineData("""{"email":"ada@example.com","full_name":"Ada"} trailing""")]
    public async Task Ingest_WithBodyThatIsNotAJsonObject_Returns400InvalidJson(string body)
    {
        var problem = await RejectedAsync(IngestorBuilder.Request(body));

        Assert.Equal(400, problem.Status);
        Assert.Equal("urn:softr-functions:problem:invalid-json", problem.Type);
    }

    [Fact]
    public async Task Ingest_WithWrongTypeForEmail_Returns400InvalidJson()
    {
        var problem = await RejectedAsync(IngestorBuilder.Request("""{"email":42,"full_name":"Ada"}"""));

        Assert.Equal(400, problem.Status);
        Assert.Contains("email", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_WithInvalidFields_Returns400WithFieldErrors()
    {
        var problem = await RejectedAsync(IngestorBuilder.Request("""{"email":"not-an-email"}"""));

        var validation = Assert.IsType<ValidationProblemDetails>(problem);
        Assert.Equal(400, validation.Status);
        Assert.Equal("urn:softr-functions:problem:validation", validation.Type);
        Assert.Equal(["email", "full_name"], validation.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Ingest_WithBodyOverTheHookLimit_Returns413()
    {
        var body = $$"""{"email":"ada@example.com","full_name":"{{new string('a', 2000)}}"}""";

        var problem = await RejectedAsync(IngestorBuilder.Request(body));

        Assert.Equal(413, problem.Status);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData("not a media type")]
    public async Task Ingest_WithNonJsonContentType_Returns415(string contentType)
    {
        var problem = await RejectedAsync(IngestorBuilder.Request(ValidBody, contentType: contentType));

        Assert.Equal(415, problem.Status);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/vnd.sender+json")]
    public async Task Ingest_WithJsonOrMissingContentType_Accepts(string? contentType)
    {
        var result = await _builder.Build().IngestAsync(IngestorBuilder.Request(ValidBody, contentType: contentType));

        Assert.IsType<IngestionResult.Accepted>(result);
    }

    [Fact]
    public async Task Ingest_WhenStorageFails_Returns503SoTheSenderRetries()
    {
        _builder.Queue.Setup(queue => queue.EnqueueAsync(It.IsAny<string>(), It.IsAny<EventEnvelope>(), It.IsAny<BinaryData>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new EventQueueUnavailableException("down", new InvalidOperationException()));

        var result = await _builder.Build().IngestAsync(IngestorBuilder.Request(ValidBody));

        var rejected = Assert.IsType<IngestionResult.Rejected>(result);
        Assert.Equal(503, rejected.Problem.Status);
        Assert.Equal("urn:softr-functions:problem:storage-unavailable", rejected.Problem.Type);
    }

    [Fact]
    public async Task Ingest_TheSameSenderEventTwice_AnswersTheOriginalIdBothTimes_AndQueuesBothUnderIt()
    {
        // No ledger at the door (one storage operation per event, D28): processing finds the second copy done.
        var ingestor = _builder.Build();

        var first = Assert.IsType<IngestionResult.Accepted>(await ingestor.IngestAsync(IngestorBuilder.Request(ValidBody)));
        var second = Assert.IsType<IngestionResult.Accepted>(await ingestor.IngestAsync(IngestorBuilder.Request(ValidBody)));

        Assert.Equal(first.EventId, second.EventId);
        Assert.Equal([first.EventId, first.EventId], _builder.Enqueued.Select(envelope => envelope.EventId));
    }

    [Fact]
    public async Task Ingest_DifferentBodiesWithoutSenderIds_AreDifferentEvents()
    {
        var ingestor = _builder.Build();

        var first = Assert.IsType<IngestionResult.Accepted>(await ingestor.IngestAsync(IngestorBuilder.Request(ValidBody)));
        var second = Assert.IsType<IngestionResult.Accepted>(
            await ingestor.IngestAsync(IngestorBuilder.Request("""{"email":"grace@example.com","full_name":"Grace"}""")));

        Assert.NotEqual(first.EventId, second.EventId);
        Assert.Equal(2, _builder.Enqueued.Count);
    }

    [Fact]
    public async Task Ingest_WhenQueueingFails_Is503_AndTheRetryIsAcceptedUnderTheSameId()
    {
        _builder.Queue.SetupSequence(queue => queue.EnqueueAsync(It.IsAny<string>(), It.IsAny<EventEnvelope>(), It.IsAny<BinaryData>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new EventQueueUnavailableException("down", new InvalidOperationException()))
            .Returns(Task.CompletedTask);
        var ingestor = _builder.Build();

        var failed = Assert.IsType<IngestionResult.Rejected>(await ingestor.IngestAsync(IngestorBuilder.Request(ValidBody)));
        var retried = await ingestor.IngestAsync(IngestorBuilder.Request(ValidBody));

        var tried = _builder.Queue.Invocations.Select(call => ((EventEnvelope)call.Arguments[1]).EventId).ToList();
        Assert.Equal(503, failed.Problem.Status);
        Assert.Equal(2, tried.Count);
        Assert.Single(tried.Distinct());
        Assert.Equal(tried[0], Assert.IsType<IngestionResult.Accepted>(retried).EventId);
    }

    [Fact]
    public async Task Ingest_StripeEventOfATypeTheHookDoesNotHandle_IsIgnoredWith200()
    {
        _builder.MoreHooks["stripe"] = new HookDefinition
        {
            Sender = "stripe",
            SecretSettings = { IngestorBuilder.SecretSetting },
            Events = { "checkout.session.completed" },
        };
        var ingestor = _builder.Build();
        const string handled = """{"id":"evt_1","type":"checkout.session.completed","data":{"object":{}}}""";
        const string other = """{"id":"evt_2","type":"customer.created","data":{"object":{}}}""";

        var accepted = await ingestor.IngestAsync(StripeRequest(handled));
        var ignored = await ingestor.IngestAsync(StripeRequest(other));

        Assert.IsType<IngestionResult.Accepted>(accepted);
        Assert.Equal("customer.created", Assert.IsType<IngestionResult.Ignored>(ignored).EventType);
        var envelope = Assert.Single(_builder.Enqueued);
        Assert.Equal(("evt_1", "checkout.session.completed", "stripe"), (envelope.SenderEventId, envelope.EventType, envelope.Sender));
    }

    [Fact]
    public async Task Ingest_StripeRetryWithANewSignature_IsTheSameEvent()
    {
        _builder.MoreHooks["stripe"] = new HookDefinition { Sender = "stripe", SecretSettings = { IngestorBuilder.SecretSetting } };
        var ingestor = _builder.Build();
        const string body = """{"id":"evt_9","type":"invoice.paid","data":{"object":{}}}""";

        var first = Assert.IsType<IngestionResult.Accepted>(await ingestor.IngestAsync(StripeRequest(body)));
        _builder.Time.Advance(TimeSpan.FromHours(1));
        var retry = Assert.IsType<IngestionResult.Accepted>(await ingestor.IngestAsync(StripeRequest(body)));

        Assert.Equal(first.EventId, retry.EventId);
        Assert.Single(_builder.Enqueued.Select(envelope => envelope.EventId).Distinct());
    }

    private WebhookRequest StripeRequest(string body)
    {
        var timestamp = _builder.Time.GetUtcNow().ToUnixTimeSeconds();
        var signature = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(IngestorBuilder.Secret), System.Text.Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
        return IngestorBuilder.Request(body, secret: null, hook: "stripe", extraHeaders: ("Stripe-Signature", $"t={timestamp},v1={signature}"));
    }

    private async Task<ProblemDetails> RejectedAsync(WebhookRequest request)
    {
        var result = await _builder.Build().IngestAsync(request);

        var rejected = Assert.IsType<IngestionResult.Rejected>(result);
        Assert.Empty(_builder.Enqueued);
        _builder.Queue.Verify(queue => queue.EnqueueAsync(It.IsAny<string>(), It.IsAny<EventEnvelope>(), It.IsAny<BinaryData>(), It.IsAny<CancellationToken>()), Times.Never);
        return rejected.Problem;
    }
}
