using System.Text;
using Moq;
using Softr.Functions.Automations;
using Softr.Functions.Events;
using Softr.Functions.Webhooks;

namespace Softr.Functions.Tests.Webhooks;

/// <summary>
/// Each case an outside corpus found at the door (issue #12), by name: what it did then, and what it
/// must do now. Every request here is correctly signed unless the case is about the signature.
/// </summary>
public sealed class DoorRegressionTests
{
    private static IngestorBuilder Door()
    {
        var builder = new IngestorBuilder { AutomationsJson = DoorSamples.CreateUserOnEveryHook(), MaxBodyBytes = 256 * 1024 }.WithEveryKind();
        builder.Time.SetUtcNow(DateTimeOffset.UtcNow);   // Standard Webhooks checks against the real clock
        return builder;
    }

    public static TheoryData<string> JsonKinds => [.. SignedDeliveries.Kinds];

    [Theory]
    [MemberData(nameof(JsonKinds))]
    public async Task LoneSurrogateEscape_Is400_AndQueuesNothing(string kind)
    {
        var builder = Door();

        var result = await builder.Build().IngestAsync(SignedDeliveries.Request(kind, """{"id":"x1","email":"ada@example.com","name":"A\ud800da"}""", builder.Time.GetUtcNow()));

        var problem = Assert.IsType<IngestionResult.Rejected>(result).Problem;
        Assert.Equal(400, problem.Status);
        Assert.Contains("/name", problem.Detail, StringComparison.Ordinal);
        Assert.Empty(builder.Enqueued);
    }

    /// <summary>Found by the property tests: a key given twice was queued, and which value counted depended on the reader.</summary>
    [Theory]
    [MemberData(nameof(JsonKinds))]
    public async Task DuplicateKeys_Are400(string kind)
    {
        var builder = Door();
        var body = kind == "hubspot"
            ? """[{"eventId":1,"email":"ada@example.com","email":"eve@example.com"}]"""
            : """{"id":"x","email":"ada@example.com","email":"eve@example.com","name":"Ada"}""";

        var result = await builder.Build().IngestAsync(SignedDeliveries.Request(kind, body, builder.Time.GetUtcNow()));

        Assert.Equal(400, Assert.IsType<IngestionResult.Rejected>(result).Problem.Status);
        Assert.Empty(builder.Enqueued);
    }

    /// <summary>Found by the property tests: an empty event id threw (500) where the body's hash should have been the key.</summary>
    [Fact]
    public async Task EmptyEventId_IsDeduplicatedOnTheBody()
    {
        var builder = Door();
        var ingestor = builder.Build();
        const string Body = """{"event_id":"","event_type":"form_response","email":"ada@example.com","name":"Ada"}""";

        var first = await ingestor.IngestAsync(SignedDeliveries.Request("typeform", Body, builder.Time.GetUtcNow()));
        var again = await ingestor.IngestAsync(SignedDeliveries.Request("typeform", Body, builder.Time.GetUtcNow()));

        // One event: the redelivery is queued again under the same id, for processing to find done (D28).
        Assert.Equal(Assert.IsType<IngestionResult.Accepted>(first).EventId, Assert.IsType<IngestionResult.Accepted>(again).EventId);
        Assert.Single(builder.Enqueued.Select(envelope => envelope.EventId).Distinct());
        Assert.All(builder.Enqueued, envelope => Assert.Null(envelope.SenderEventId));
    }

    /// <summary>Found by the property tests (the dry run agreeing with the door): an empty id header threw in the dry run, which reads before any signature check.</summary>
    [Fact]
    public async Task EmptyIdHeader_InTheDryRun_IsNoId_NotAnException()
    {
        var builder = Door();
        builder.Build();
        var body = DoorSamples.Bytes("standard-webhooks");
        var headers = SignedDeliveries.Headers("standard-webhooks", "standard-webhooks", body, builder.Time.GetUtcNow());
        headers["webhook-id"] = "";

        var (result, problem) = await new AutomationDryRun(builder.Catalog!, builder.Secrets!, builder.Reader!).RunAsync("standard-webhooks", new MemoryStream(body), body.Length,
            "application/json", name => headers.GetValueOrDefault(name));

        Assert.Null(problem);
        Assert.Equal(DryRunResult.Accepted, result!.Verdict);
    }

    [Fact]
    public async Task OverlongEventId_Is400_NotAStorageFailure()
    {
        var builder = Door();

        var result = await builder.Build().IngestAsync(SignedDeliveries.Request("stripe", "{\"id\":\"" + new string('e', 70_000) + "\",\"type\":\"t\"}", builder.Time.GetUtcNow()));

        Assert.Equal(400, Assert.IsType<IngestionResult.Rejected>(result).Problem.Status);
    }

    /// <summary>Found reading the parser after the property tests: Jotform's rawRequest JSON is parsed in place, and was not held to the body's rules.</summary>
    [Theory]
    [InlineData("{\"q3_email\":\"ada@example.com\",\"q3_email\":\"eve@example.com\"}")]
    [InlineData("{\"q3_email\":\"a\\ud800\"}")]
    public async Task JotformRawRequestWithDuplicateKeysOrALoneSurrogate_IsNeverA500(string rawRequest)
    {
        var builder = Door();
        var body = Encoding.UTF8.GetBytes($"--x\r\nContent-Disposition: form-data; name=\"rawRequest\"\r\n\r\n{rawRequest}\r\n--x--\r\n");

        var result = await builder.Build().IngestAsync(SignedDeliveries.Request("shared-secret", body, builder.Time.GetUtcNow(), "multipart/form-data; boundary=x"));

        // Either refused, or taken with rawRequest kept as text: never a throw, never a 5xx, never a lone surrogate queued.
        if (result is IngestionResult.Rejected rejected)
        {
            Assert.InRange(rejected.Problem.Status ?? 0, 400, 499);
        }
        Assert.All(builder.Enqueued, envelope => Assert.Null(PayloadWellFormedness.CheckStrings(envelope.Payload)));
    }

    [Fact]
    public async Task InvalidUtf8InsideAString_Is400()
    {
        var builder = Door();
        byte[] body = [.. Encoding.UTF8.GetBytes("""{"email":"ada@example.com","name":"A"""), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("\"}")];

        // Typeform signs the raw bytes (Stripe.net decodes the body to text first, so there the signature fails: 401).
        var result = await builder.Build().IngestAsync(SignedDeliveries.Request("typeform", body, builder.Time.GetUtcNow()));

        Assert.Equal(400, Assert.IsType<IngestionResult.Rejected>(result).Problem.Status);
        Assert.Empty(builder.Enqueued);
    }

    [Theory]
    [InlineData("9999999999999999")]
    [InlineData("-1")]
    [InlineData("99999999999999999999999")]
    public async Task HubSpotTimestampOutOfRange_Unauthenticated_Is401(string timestamp)
    {
        var builder = Door();
        var headers = new Dictionary<string, string> { ["X-HubSpot-Request-Timestamp"] = timestamp };
        var request = new WebhookRequest("hubspot", name => headers.GetValueOrDefault(name), "application/json",
            new MemoryStream("[]"u8.ToArray()), "POST", new Uri(SignedDeliveries.Url("hubspot")));

        var result = await builder.Build().IngestAsync(request);

        Assert.Equal(401, Assert.IsType<IngestionResult.Rejected>(result).Problem.Status);
    }

    [Fact]
    public async Task FormWith1500Fields_Is400()
    {
        var builder = Door();
        var body = Encoding.UTF8.GetBytes(string.Join("&", Enumerable.Range(0, 1500).Select(i => $"f{i}=v")));

        var result = await builder.Build().IngestAsync(SignedDeliveries.Request("shared-secret", body, builder.Time.GetUtcNow(), "application/x-www-form-urlencoded"));

        Assert.Equal(400, Assert.IsType<IngestionResult.Rejected>(result).Problem.Status);
        Assert.Empty(builder.Enqueued);
    }

    [Fact]
    public async Task FormWithAnOverlongFieldName_Is400()
    {
        var builder = Door();
        var body = Encoding.UTF8.GetBytes(new string('k', 5000) + "=v");

        var result = await builder.Build().IngestAsync(SignedDeliveries.Request("shared-secret", body, builder.Time.GetUtcNow(), "application/x-www-form-urlencoded"));

        Assert.Equal(400, Assert.IsType<IngestionResult.Rejected>(result).Problem.Status);
    }

    [Fact]
    public async Task FormWithPercentEscapesThatAreNotUtf8_Is400_NotAReplacementCharacter()
    {
        var builder = Door();
        var body = Encoding.UTF8.GetBytes("email=ada%40example.com&name=Ad%C3%28a");

        var result = await builder.Build().IngestAsync(SignedDeliveries.Request("shared-secret", body, builder.Time.GetUtcNow(), "application/x-www-form-urlencoded"));

        Assert.Equal(400, Assert.IsType<IngestionResult.Rejected>(result).Problem.Status);
        Assert.Empty(builder.Enqueued);
    }

    [Fact]
    public async Task UnexpectedFailureWhileQueueing_IsNotSwallowed()
    {
        // A bug, not storage: the host answers 500 and the sender retries; with no claim there is nothing to release.
        var builder = Door();
        builder.Queue.Setup(queue => queue.EnqueueAsync(It.IsAny<string>(), It.IsAny<EventEnvelope>(), It.IsAny<BinaryData>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException("a bug"));
        var ingestor = builder.Build();

        await Assert.ThrowsAsync<InvalidOperationException>(() => ingestor.IngestAsync(SignedDeliveries.Request("stripe", """{"id":"evt_1","type":"t","email":"ada@example.com"}""", builder.Time.GetUtcNow())));
    }

    [Fact]
    public async Task HookNamedInAnotherCase_RunsUnderItsConfiguredName()
    {
        var builder = Door();

        var result = await builder.Build().IngestAsync(SignedDeliveries.Request("shared-secret", """{"email":"ada@example.com"}""", builder.Time.GetUtcNow(), hook: "SHARED-Secret"));

        Assert.IsType<IngestionResult.Accepted>(result);
        Assert.Equal("shared-secret", Assert.Single(builder.Enqueued).Hook);
    }

    [Fact]
    public async Task HubSpotBatchOfTwoContacts_IsTwoEvents_EachDeduplicatedOnItsOwn()
    {
        var builder = Door();
        var ingestor = builder.Build();
        const string Batch = """
            [{"eventId":101,"subscriptionType":"contact.propertyChange","objectId":1,"propertyName":"email","email":"ada@example.com"},
             {"eventId":102,"subscriptionType":"contact.creation","objectId":2,"email":"grace@example.com"}]
            """;

        var first = Assert.IsType<IngestionResult.Batch>(await ingestor.IngestAsync(SignedDeliveries.Request("hubspot", Batch, builder.Time.GetUtcNow())));
        var again = Assert.IsType<IngestionResult.Batch>(await ingestor.IngestAsync(SignedDeliveries.Request("hubspot", Batch, builder.Time.GetUtcNow())));

        Assert.All(first.Events, item => Assert.IsType<IngestionResult.Accepted>(item));
        Assert.Equal(2, builder.Enqueued.Select(envelope => envelope.EventId).Distinct().Count());
        Assert.Equal(["101", "102", "101", "102"], builder.Enqueued.Select(envelope => envelope.SenderEventId));
        Assert.Equal(["contact.propertyChange", "contact.creation"], builder.Enqueued.Take(2).Select(envelope => envelope.EventType));
        Assert.Equal("grace@example.com", builder.Enqueued[1].Payload.GetProperty("email").GetString());
        Assert.Equal(first.Events.Cast<IngestionResult.Accepted>().Select(item => item.EventId), again.Events.Cast<IngestionResult.Accepted>().Select(item => item.EventId));
    }

    [Fact]
    public async Task PipedriveV1_TwoUpdatesOfOneDeal_AreTwoEvents_AndARetryIsTheSecondAgain()
    {
        var builder = Door();
        var ingestor = builder.Build();
        static string Update(long micro) =>
            $$"""{"v":1,"meta":{"v":1,"action":"updated","object":"deal","id":42,"webhook_id":"77","timestamp":{{micro / 1_000_000}},"timestamp_micro":{{micro}}},"current":{"id":42},"email":"ada@example.com"}""";

        var first = await ingestor.IngestAsync(SignedDeliveries.Request("pipedrive", Update(1764000000000001), builder.Time.GetUtcNow()));
        var second = await ingestor.IngestAsync(SignedDeliveries.Request("pipedrive", Update(1764000060000002), builder.Time.GetUtcNow()));
        var retry = await ingestor.IngestAsync(SignedDeliveries.Request("pipedrive", Update(1764000060000002), builder.Time.GetUtcNow()));

        Assert.NotEqual(Assert.IsType<IngestionResult.Accepted>(first).EventId, Assert.IsType<IngestionResult.Accepted>(second).EventId);
        Assert.Equal(((IngestionResult.Accepted)second).EventId, Assert.IsType<IngestionResult.Accepted>(retry).EventId);
        Assert.Equal(2, builder.Enqueued.Select(envelope => envelope.EventId).Distinct().Count());
        Assert.All(builder.Enqueued, envelope => Assert.Equal("deal.updated", envelope.EventType));
    }

    [Fact]
    public async Task PipedriveV2_IsDeduplicatedOnItsNotificationId()
    {
        var builder = Door();
        var ingestor = builder.Build();
        const string V2 = """{"meta":{"version":"2.0","id":"9f1c-uuid","entity":"deal","action":"change","entity_id":"42"},"data":{"id":42},"email":"ada@example.com"}""";

        var first = Assert.IsType<IngestionResult.Accepted>(await ingestor.IngestAsync(SignedDeliveries.Request("pipedrive", V2, builder.Time.GetUtcNow())));
        var again = Assert.IsType<IngestionResult.Accepted>(await ingestor.IngestAsync(SignedDeliveries.Request("pipedrive", V2.Replace("{\"id\":42}", "{\"id\":42 }", StringComparison.Ordinal), builder.Time.GetUtcNow())));
        Assert.Equal(first.EventId, again.EventId);
        Assert.Equal(("9f1c-uuid", "deal.change"), (builder.Enqueued[0].SenderEventId, builder.Enqueued[0].EventType));
    }

    [Fact]
    public async Task LemonSqueezy_TwoUpdatesOfOneSubscription_AreTwoEvents()
    {
        var builder = Door();
        var ingestor = builder.Build();
        static string Updated(string at) =>
            $$$"""{"meta":{"event_name":"subscription_updated"},"data":{"type":"subscriptions","id":"7","attributes":{"updated_at":"{{{at}}}"}},"email":"ada@example.com"}""";

        var ten = Assert.IsType<IngestionResult.Accepted>(await ingestor.IngestAsync(SignedDeliveries.Request("lemonsqueezy", Updated("2026-11-30T10:00:00Z"), builder.Time.GetUtcNow())));
        var eleven = Assert.IsType<IngestionResult.Accepted>(await ingestor.IngestAsync(SignedDeliveries.Request("lemonsqueezy", Updated("2026-11-30T11:00:00Z"), builder.Time.GetUtcNow())));
        var retry = Assert.IsType<IngestionResult.Accepted>(await ingestor.IngestAsync(SignedDeliveries.Request("lemonsqueezy", Updated("2026-11-30T11:00:00Z"), builder.Time.GetUtcNow())));
        Assert.NotEqual(ten.EventId, eleven.EventId);
        Assert.Equal(eleven.EventId, retry.EventId);
    }

    /// <summary>The fourteen ill-formed values that reached Softr as users, and their kin.</summary>
    public static TheoryData<string, string> IllFormedEmails => new()
    {
        { "NUL", "\"ada\\u0000@example.com\"" },
        { "CR LF and bcc", "\"ada@example.com\\r\\nbcc: eve@example.com\"" },
        { "zero-width space", "\"ada\\u200b@example.com\"" },
        { "right-to-left override", "\"ada\\u202e@example.com\"" },
        { "replacement character", "\"ada\\ufffd@example.com\"" },
        { "a number", "12345" },
        { "no at sign", "\"ada.example.com\"" },
        { "an object rendered as text", "{\"$gt\":\"\"}" },
        { "an array", "[\"ada@example.com\",\"eve@example.com\"]" },
        { "100 KB", "\"" + new string('a', 100_000) + "@example.com\"" },
        { "two at signs", "\"ada@eve@example.com\"" },
        { "space inside", "\"ada lovelace@example.com\"" },
        { "no dot in the domain", "\"ada@localhost\"" },
        { "leading dot", "\".ada@example.com\"" },
        { "display name form", "\"Ada <ada@example.com>\"" },
        { "script", "\"<script>alert(1)</script>@example.com\"" },
    };

    [Theory]
    [MemberData(nameof(IllFormedEmails))]
    public async Task IllFormedEmail_FromAPerson_Is422_NamingAutomationStepAndInput_AndNothingQueued(string name, string email)
    {
        var builder = Door();

        var result = await builder.Build().IngestAsync(SignedDeliveries.Request("shared-secret", $$"""{"email":{{email}},"name":"Ada"}""", builder.Time.GetUtcNow()));

        var problem = Assert.IsType<IngestionResult.Rejected>(result).Problem;
        Assert.True(problem.Status == 422, $"{name}: got {problem.Status} {problem.Detail}");
        var errors = Assert.IsType<Microsoft.AspNetCore.Mvc.ValidationProblemDetails>(problem).Errors;
        Assert.Equal("create-on-shared-secret/user/email", Assert.Single(errors).Key);
        Assert.Empty(builder.Enqueued);
    }

    [Theory]
    [MemberData(nameof(IllFormedEmails))]
    public async Task IllFormedEmail_FromAServer_Is200_AndQueuedToBeDeadLettered(string name, string email)
    {
        var builder = Door();

        var result = await builder.Build().IngestAsync(SignedDeliveries.Request("stripe", $$"""{"id":"evt_{{name.Length}}","type":"x","email":{{email}},"name":"Ada"}""", builder.Time.GetUtcNow()));

        Assert.IsType<IngestionResult.Accepted>(result);
        // Planned by processing, which dead-letters it before any Softr call.
        Assert.Equal("email", Assert.Single(builder.Evaluator!.Evaluate(Assert.Single(builder.Enqueued)).InputErrors).Input);
    }

    [Fact]
    public async Task HookPolicy_OverridesTheSenderKindsDefault()
    {
        var builder = new IngestorBuilder { AutomationsJson = DoorSamples.CreateUserOnEveryHook() }.WithEveryKind(InvalidInputPolicy.Refuse);
        builder.Time.SetUtcNow(DateTimeOffset.UtcNow);

        var result = await builder.Build().IngestAsync(SignedDeliveries.Request("stripe", """{"id":"evt_p","type":"x","email":"nope","name":"Ada"}""", builder.Time.GetUtcNow()));

        Assert.Equal(422, Assert.IsType<IngestionResult.Rejected>(result).Problem.Status);
        Assert.Empty(builder.Enqueued);
    }

    /// <summary>Found by the property tests: a name starting with a zero-width space passed the name rule and reached the plan.</summary>
    [Theory]
    [InlineData("\u200bAda Lovelace")]
    [InlineData("Ada\u2060Lovelace")]
    [InlineData("\u200dAda")]
    public async Task NameWithAnInvisibleCharacter_Is422(string name)
    {
        var builder = Door();

        var result = await builder.Build().IngestAsync(SignedDeliveries.Request("shared-secret", $$"""{"email":"ada@example.com","name":"{{name}}"}""", builder.Time.GetUtcNow()));

        Assert.Equal(422, Assert.IsType<IngestionResult.Rejected>(result).Problem.Status);
    }

    [Fact]
    public async Task PersianNameWithAJoiner_IsAccepted()
    {
        var builder = Door();

        var result = await builder.Build().IngestAsync(SignedDeliveries.Request("shared-secret", """{"email":"ada@example.com","name":"می‌خواهم"}""", builder.Time.GetUtcNow()));

        Assert.IsType<IngestionResult.Accepted>(result);
    }

    /// <summary>Found by the property tests: a symbol in the domain ('¥') passed the platform's IDN mapping and the e-mail rule.</summary>
    [Theory]
    [InlineData("ada@exa\u00a5mple.com")]
    [InlineData("ada@exa\u2603mple.com")]
    [InlineData("ada@example.c\u00a9m")]
    public async Task SymbolInTheDomain_Is422(string email)
    {
        var builder = Door();

        var result = await builder.Build().IngestAsync(SignedDeliveries.Request("shared-secret", $$"""{"email":"{{email}}","name":"Ada"}""", builder.Time.GetUtcNow()));

        Assert.Equal(422, Assert.IsType<IngestionResult.Rejected>(result).Problem.Status);
    }

    [Theory]
    [InlineData("ada@example.com")]
    [InlineData("ada.lovelace+portal@mail.example.co.uk")]
    [InlineData("ada@\u0928\u092e\u0938\u094d\u0924\u0947.com")]
    [InlineData("juergen@bücher.de")]
    public async Task WellFormedEmails_AreAccepted(string email)
    {
        var builder = Door();

        var result = await builder.Build().IngestAsync(SignedDeliveries.Request("shared-secret", $$"""{"email":"{{email}}","name":"Ada Lovelace"}""", builder.Time.GetUtcNow()));

        Assert.IsType<IngestionResult.Accepted>(result);
    }
}
