using System.Net;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Softr.Functions.App;
using Softr.Functions.Events;
using Softr.Functions.Processing;
using Softr.Functions.Tests.Events;
using Softr.Users;

namespace Softr.Functions.Tests.App;

public sealed class ProcessEventFunctionTests
{
    private readonly Mock<ISoftrUsersClient> _users = new(MockBehavior.Strict);
    private readonly Mock<IEventLog> _eventLog = new();

    [Fact]
    public async Task Run_WithQueuedSignup_CreatesTheSoftrUser()
    {
        _users.Setup(users => users.CreateUserAsync(It.IsAny<CreateUserRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(CreateUserResult.Created(new SoftrUser("Ada", "ada@example.com")));

        await Function().RunAsync(Message("""{"email":"ada@example.com","full_name":"Ada"}"""), CancellationToken.None);

        _users.Verify(users => users.CreateUserAsync(new CreateUserRequest("Ada", "ada@example.com"), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Run_WhenSoftrFails_LetsTheExceptionReachTheQueueRuntime()
    {
        _users.Setup(users => users.CreateUserAsync(It.IsAny<CreateUserRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new SoftrApiException(HttpStatusCode.TooManyRequests, null, "slow down", "createUser"));

        await Assert.ThrowsAsync<SoftrApiException>(() => Function().RunAsync(Message("""{"email":"ada@example.com","full_name":"Ada"}"""), CancellationToken.None));
        _eventLog.Verify(log => log.RecordAsync(It.IsAny<EventEnvelope>(), EventStatus.Failed, It.Is<string?>(detail => detail!.Contains("slow down")), It.IsAny<CancellationToken>()));
    }

    [Fact]
    public async Task Run_WithUnreadableMessage_Throws()
    {
        var message = QueuesModelFactory.QueueMessage("id", "receipt", BinaryData.FromString("garbage"), dequeueCount: 1);

        await Assert.ThrowsAsync<InvalidEventEnvelopeException>(() => Function().RunAsync(message, CancellationToken.None));
        _users.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task Run_WithAnEventNoAutomationHandles_CompletesWithoutCallingSoftr()
    {
        var envelope = TestEnvelopes.Signup() with { EventType = "webhook" };

        await Function().RunAsync(QueuesModelFactory.QueueMessage("id", "receipt", EventEnvelopeSerializer.Serialize(envelope), dequeueCount: 1), CancellationToken.None);

        _users.VerifyNoOtherCalls();
    }

    private ProcessEventFunction Function() => new(
        new EventProcessor(new SignupProcessor(_users.Object, NullLogger<SignupProcessor>.Instance), _eventLog.Object, Mock.Of<IPayloadStore>(), NullLogger<EventProcessor>.Instance),
        NullLogger<ProcessEventFunction>.Instance);

    private static QueueMessage Message(string payload) => QueuesModelFactory.QueueMessage(
        "id", "receipt", EventEnvelopeSerializer.Serialize(TestEnvelopes.Signup(payload)), dequeueCount: 1);
}
