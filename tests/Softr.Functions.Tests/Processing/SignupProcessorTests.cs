using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Softr.Functions.Events;
using Softr.Functions.Processing;
using Softr.Functions.Tests.Events;
using Softr.Users;

namespace Softr.Functions.Tests.Processing;

public sealed class SignupProcessorTests
{
    private readonly Mock<ISoftrUsersClient> _users = new(MockBehavior.Strict);

    [Fact]
    public async Task Process_CreatesTheUserFromThePayload()
    {
        _users.Setup(users => users.CreateUserAsync(It.IsAny<CreateUserRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(CreateUserResult.Created(new SoftrUser("Ada Lovelace", "ada@example.com")));

        var outcome = await Processor().ProcessAsync(Envelope("""{"email":"ada@example.com","full_name":"Ada Lovelace"}"""));

        Assert.Equal(CreateUserOutcome.Created, outcome);
        _users.Verify(users => users.CreateUserAsync(new CreateUserRequest("Ada Lovelace", "ada@example.com"), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Process_WhenSoftrAlreadyHasTheUser_Succeeds()
    {
        _users.Setup(users => users.CreateUserAsync(It.IsAny<CreateUserRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(CreateUserResult.AlreadyExists());

        var outcome = await Processor().ProcessAsync(Envelope("""{"email":"ada@example.com","full_name":"Ada Lovelace"}"""));

        Assert.Equal(CreateUserOutcome.AlreadyExists, outcome);
    }

    [Fact]
    public async Task Process_WhenSoftrFails_ThrowsSoTheQueueRetries()
    {
        _users.Setup(users => users.CreateUserAsync(It.IsAny<CreateUserRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new SoftrApiException(HttpStatusCode.ServiceUnavailable, null, "unavailable", "createUser"));

        var exception = await Assert.ThrowsAsync<SoftrApiException>(
            () => Processor().ProcessAsync(Envelope("""{"email":"ada@example.com","full_name":"Ada Lovelace"}""")));

        Assert.True(exception.IsTransient);
    }

    [Fact]
    public async Task Process_WithPayloadMissingTheEmail_ThrowsWithoutCallingSoftr()
    {
        await Assert.ThrowsAsync<InvalidEventEnvelopeException>(() => Processor().ProcessAsync(Envelope("""{"full_name":"Ada"}""")));

        _users.VerifyNoOtherCalls();
    }

    private SignupProcessor Processor() => new(_users.Object, NullLogger<SignupProcessor>.Instance);

    private static EventEnvelope Envelope(string payload) => TestEnvelopes.Signup(payload);
}
