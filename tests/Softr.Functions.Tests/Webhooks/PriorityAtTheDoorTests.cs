using Moq;
using Softr.Functions.Automations;
using Softr.Functions.Events;
using Softr.Functions.Storage;
using Softr.Functions.Webhooks;
using Softr.Resilience;

namespace Softr.Functions.Tests.Webhooks;

/// <summary>
/// An event's priority is decided at the door (issue #25, item 1): the highest of its hook's and those of the automations
/// it matches. It names the lane (the queue) the event is sent to, and travels in the envelope.
/// </summary>
public sealed class PriorityAtTheDoorTests
{
    private const string Shop = "shop";

    /// <summary>A normal hook whose automation for paid orders is high, and a bulk one for the rest.</summary>
    private const string Automations = """
        {
          "paid-order": {
            "Hook": "shop", "Priority": "high",
            "When": { "Path": "payload.status", "Equals": "paid" },
            "Steps": [ { "Action": "user.create", "Inputs": { "email": "{{ payload.email }}", "fullName": "Ada" } } ]
          },
          "refund": {
            "Hook": "shop", "Priority": "high", "Events": [ "refund" ],
            "Steps": [ { "Action": "user.create", "Inputs": { "email": "{{ payload.email }}", "fullName": "Ada" } } ]
          },
          "switched-off": {
            "Hook": "shop", "Priority": "high", "Disabled": true,
            "Steps": [ { "Action": "user.create", "Inputs": { "email": "{{ payload.email }}", "fullName": "Ada" } } ]
          },
          "sync": {
            "Hook": "shop", "Priority": "bulk",
            "Steps": [ { "Action": "user.create", "Inputs": { "email": "{{ payload.email }}", "fullName": "Ada" } } ]
          }
        }
        """;

    [Theory]
    [InlineData("high", QueueNames.HighEvents)]
    [InlineData("normal", QueueNames.Events)]
    [InlineData("bulk", QueueNames.BulkEvents)]
    public async Task AHooksPriority_SendsItsEventsToThatLanesQueue(string priority, string queue)
    {
        var builder = new IngestorBuilder();
        builder.MoreHooks[Shop] = Hook(priority);

        var result = await builder.Build().IngestAsync(IngestorBuilder.Request("""{"email":"ada@example.com"}""", hook: Shop));

        Assert.IsType<IngestionResult.Accepted>(result);
        var envelope = Assert.Single(builder.Enqueued);
        Assert.Equal(EventLane.Parse(priority), envelope.Priority);
        builder.Queue.Verify(door => door.EnqueueAsync(queue, It.IsAny<EventEnvelope>(), It.IsAny<BinaryData>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Theory]
    [InlineData("""{"email":"ada@example.com","status":"paid"}""", "webhook", CallPriority.High)] // matches paid-order
    [InlineData("""{"email":"ada@example.com","status":"open"}""", "webhook", CallPriority.Normal)] // its condition fails: the hook's
    [InlineData("""{"email":"ada@example.com"}""", "refund", CallPriority.High)] // refund handles this type
    public async Task AMatchedAutomation_RaisesTheEvent_AndOneNotMatchedOrSwitchedOffDoesNot(string body, string type, CallPriority expected)
    {
        var builder = new IngestorBuilder { AutomationsJson = Automations };
        builder.MoreHooks[Shop] = Hook("normal");
        var evaluator = Evaluator(builder);

        var envelope = Envelope(body, type);

        Assert.Equal(expected, evaluator.PriorityOf(builder.Catalog!.Find(Shop)!, envelope));
    }

    [Fact]
    public void AnAutomationBelowItsHook_DoesNotLowerTheEvent()
    {
        var builder = new IngestorBuilder { AutomationsJson = Automations };
        builder.MoreHooks[Shop] = Hook("high");
        var evaluator = Evaluator(builder);

        Assert.Equal(CallPriority.High, evaluator.PriorityOf(builder.Catalog!.Find(Shop)!, Envelope("""{"email":"ada@example.com"}""", "webhook")));
        Assert.Empty(builder.Catalog!.Find(Shop)!.Raising);
    }

    [Fact]
    public async Task TheRaisedPriority_TravelsInTheMessage_AndNormalIsLeftOut()
    {
        var builder = new IngestorBuilder { AutomationsJson = Automations };
        builder.MoreHooks[Shop] = Hook("normal");
        var ingestor = builder.Build();
        BinaryData? paid = null;
        BinaryData? open = null;
        builder.Queue.Setup(door => door.EnqueueAsync(It.IsAny<string>(), It.IsAny<EventEnvelope>(), It.IsAny<BinaryData>(), It.IsAny<CancellationToken>()))
            .Callback<string, EventEnvelope, BinaryData, CancellationToken>((_, envelope, message, _) =>
            {
                if (envelope.Priority == CallPriority.High)
                {
                    paid = message;
                }
                else
                {
                    open = message;
                }
            })
            .Returns(Task.CompletedTask);

        await ingestor.IngestAsync(IngestorBuilder.Request("""{"email":"ada@example.com","status":"paid"}""", hook: Shop));
        await ingestor.IngestAsync(IngestorBuilder.Request("""{"email":"bob@example.com","status":"open"}""", hook: Shop));

        Assert.Contains("\"priority\":\"high\"", paid!.ToString(), StringComparison.Ordinal);
        Assert.Equal(CallPriority.High, EventEnvelopeSerializer.Deserialize(paid).Priority);
        Assert.DoesNotContain("priority", open!.ToString(), StringComparison.Ordinal);
        Assert.Equal(CallPriority.Normal, EventEnvelopeSerializer.Deserialize(open).Priority);
    }

    [Fact]
    public void AnEnvelopeWithAPriorityItDoesNotKnow_IsRefused_NotGuessedIntoALane()
    {
        var written = EventEnvelopeSerializer.Serialize(Envelope("""{"email":"ada@example.com"}""", "webhook") with { Priority = CallPriority.Bulk }).ToString();
        var unknown = written.Replace("\"bulk\"", "\"urgent\"", StringComparison.Ordinal);

        Assert.Equal(CallPriority.Bulk, EventEnvelopeSerializer.Deserialize(BinaryData.FromString(written)).Priority);
        Assert.Throws<InvalidEventEnvelopeException>(() => EventEnvelopeSerializer.Deserialize(BinaryData.FromString(unknown)));
    }

    [Fact]
    public void AnAutomationsUnknownPriority_StopsTheStart_NamingTheAutomation()
    {
        var problems = new List<string>();
        var hooks = new WebhooksOptions();
        hooks.Hooks[Shop] = Hook("normal");

        AutomationCompiler.Compile("paid-order", new AutomationDefinition
        {
            Hook = Shop,
            Priority = "urgent",
            Steps = { new StepDefinition { Action = "user.invite", Inputs = { ["email"] = "{{ payload.email }}" } } },
        }, hooks, _ => true, SoftrConnections.Resolve(new SoftrClientOptions { ApiKey = "key", Domain = "app.example.com" }), problems);

        Assert.Equal(["hooks.json, automation 'paid-order': Priority 'urgent' is not a priority; use one of: high, normal, bulk."], problems);
    }

    private static HookDefinition Hook(string priority) => new()
    {
        SecretSettings = { IngestorBuilder.SecretSetting },
        SecretHeader = IngestorBuilder.SecretHeader,
        Priority = priority,
    };

    private static AutomationEvaluator Evaluator(IngestorBuilder builder)
    {
        builder.Build();
        return builder.Evaluator!;
    }

    private static EventEnvelope Envelope(string body, string type) => new()
    {
        EventId = "evt_1",
        Hook = Shop,
        Sender = "shared-secret",
        EventType = type,
        ReceivedAt = DateTimeOffset.UnixEpoch,
        CorrelationId = "evt_1",
        Payload = System.Text.Json.JsonDocument.Parse(body).RootElement,
    };
}
