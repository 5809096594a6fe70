using System.Net;
using Softr.Functions.Tests.Sandbox;
using Softr.Users;

namespace Softr.Functions.Tests.Client;

/// <summary>The client against the sandbox: real HTTP semantics, real serializers, no Softr account.</summary>
public sealed class SoftrUsersClientTests(SandboxHost sandbox) : IClassFixture<SandboxHost>
{
    [Fact]
    public async Task CreateUser_NewEmail_ReturnsCreatedWithTheUser()
    {
        var result = await Client().CreateUserAsync(new CreateUserRequest("Ada Lovelace", "ada.client@example.com"));

        Assert.Equal(CreateUserOutcome.Created, result.Outcome);
        Assert.Equal("ada.client@example.com", result.User!.Email);
        Assert.Equal("Ada Lovelace", result.User.FullName);
    }

    [Fact]
    public async Task CreateUser_SameEmailTwice_ReturnsAlreadyExistsTheSecondTime()
    {
        var client = Client();

        var first = await client.CreateUserAsync(new CreateUserRequest("Ada", "ada.again@example.com"));
        var second = await client.CreateUserAsync(new CreateUserRequest("Ada", "ada.again@example.com"));

        Assert.Equal(CreateUserOutcome.Created, first.Outcome);
        Assert.Equal(CreateUserOutcome.AlreadyExists, second.Outcome);
        Assert.Null(second.User);
    }

    [Fact]
    public async Task CreateUser_WithDomainGivenAsUrl_IsNormalisedAndAccepted()
    {
        var result = await Client(domain: $"https://{SandboxHost.Domain}/").CreateUserAsync(new CreateUserRequest("Ada", "ada.url@example.com"));

        Assert.Equal(CreateUserOutcome.Created, result.Outcome);
    }

    [Fact]
    public async Task CreateUser_WithWrongKey_ThrowsPermanentErrorThatDoesNotRevealTheKey()
    {
        const string wrongKey = "wrong-key-that-must-not-leak";

        var exception = await Assert.ThrowsAsync<SoftrApiException>(
            () => Client(apiKey: wrongKey).CreateUserAsync(new CreateUserRequest("Eve", "eve.client@example.com")));

        Assert.Equal(HttpStatusCode.Unauthorized, exception.StatusCode);
        Assert.Equal("UNAUTHORIZED", exception.ErrorCode);
        Assert.False(exception.IsTransient);
        Assert.DoesNotContain(wrongKey, exception.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateUser_WithEmptyName_ThrowsBadRequest()
    {
        var exception = await Assert.ThrowsAsync<SoftrApiException>(() => Client().CreateUserAsync(new CreateUserRequest("", "nobody@example.com")));

        Assert.Equal(HttpStatusCode.BadRequest, exception.StatusCode);
    }

    private SoftrUsersClient Client(string apiKey = SandboxHost.ApiKey, string domain = SandboxHost.Domain)
    {
        var http = new HttpClient(sandbox.CreateHandler()) { BaseAddress = new Uri("http://sandbox/v1/api/") };
        return new SoftrUsersClient(http, SoftrConnections.Resolve(new SoftrClientOptions { ApiKey = apiKey, Domain = domain })[SoftrConnection.DefaultName]);
    }
}
