using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Softr.Functions.Tests.Sandbox;

public sealed class UsersApiTests(SandboxHost sandbox) : IClassFixture<SandboxHost>
{
    [Fact]
    public async Task CreateUser_WithValidBody_Answers200WithTheUserAndStoresIt()
    {
        using var response = await SendCreateAsync(new { full_name = "Ada Lovelace", email = "ada.create@example.com" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var user = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("ada.create@example.com", user.GetProperty("email").GetString());
        Assert.Equal("Ada Lovelace", user.GetProperty("full_name").GetString());
        Assert.Equal(JsonValueKind.Null, user.GetProperty("magic_link").ValueKind);

        var stored = await sandbox.CreateClient().GetFromJsonAsync<JsonElement>("/sandbox/users/ada.create@example.com");
        Assert.Equal("Ada Lovelace", stored.GetProperty("full_name").GetString());
    }

    [Fact]
    public async Task CreateUser_AskingForAMagicLink_ReturnsOne()
    {
        using var response = await SendCreateAsync(new { full_name = "Ada", email = "ada.link@example.com", generate_magic_link = true });

        var user = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith("https://", user.GetProperty("magic_link").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateUser_WithExistingEmailInAnyCase_Answers404BadRequestAsSoftrDoes()
    {
        using var first = await SendCreateAsync(new { full_name = "Ada", email = "ada.twice@example.com" });
        using var second = await SendCreateAsync(new { full_name = "Ada", email = "ADA.TWICE@example.com" });

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, second.StatusCode);
        var error = await second.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Bad Request", error.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("""{"full_name":"","email":"a@example.com"}""")]
    [InlineData("""{"full_name":"Ada"}""")]
    [InlineData("not json")]
    [InlineData("""{"full_name":"Ada","email":"ada\u0000@example.com"}""")]
    [InlineData("""{"full_name":"Ada","email":"ada@example.com\r\nbcc: eve@example.com"}""")]
    [InlineData("""{"full_name":"Ada","email":"ada.example.com"}""")]
    [InlineData("""{"full_name":"Ada\u0000","email":"ada@example.com"}""")]
    public async Task CreateUser_WithMissingOrIllFormedFields_Answers400SomethingWentWrong(string body)
    {
        using var request = Request(HttpMethod.Post, "/v1/api/users", SandboxHost.ApiKey, SandboxHost.Domain);
        request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");

        using var response = await sandbox.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Something went wrong, please try again.", error.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("wrong-key", SandboxHost.Domain)]
    [InlineData(SandboxHost.ApiKey, "other.softr.app")]
    [InlineData(null, SandboxHost.Domain)]
    [InlineData(SandboxHost.ApiKey, null)]
    public async Task CreateUser_WithWrongKeyOrDomain_Answers401Unauthorized(string? apiKey, string? domain)
    {
        using var request = Request(HttpMethod.Post, "/v1/api/users", apiKey, domain);
        request.Content = JsonContent.Create(new { full_name = "Eve", email = "eve@example.com" });

        using var response = await sandbox.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("UNAUTHORIZED", error.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await sandbox.CreateClient().GetAsync("/sandbox/users/eve@example.com")).StatusCode);
    }

    [Fact]
    public async Task WrongVerb_Answers405WithSoftrsBody()
    {
        using var response = await sandbox.CreateClient().SendAsync(Request(HttpMethod.Get, "/v1/api/users", SandboxHost.ApiKey, SandboxHost.Domain));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Method Not Allowed", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Inspection_ListsCreatedUsers()
    {
        using var _ = await SendCreateAsync(new { full_name = "Grace", email = "grace.list@example.com" });

        var users = await sandbox.CreateClient().GetFromJsonAsync<JsonElement[]>("/sandbox/users");

        Assert.Contains(users!, user => user.GetProperty("email").GetString() == "grace.list@example.com");
    }

    private async Task<HttpResponseMessage> SendCreateAsync(object body)
    {
        using var request = Request(HttpMethod.Post, "/v1/api/users", SandboxHost.ApiKey, SandboxHost.Domain);
        request.Content = JsonContent.Create(body);
        return await sandbox.CreateClient().SendAsync(request);
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string? apiKey, string? domain)
    {
        var request = new HttpRequestMessage(method, path);
        if (apiKey is not null)
        {
            request.Headers.Add("Softr-Api-Key", apiKey);
        }
        if (domain is not null)
        {
            request.Headers.Add("Softr-Domain", domain);
        }
        return request;
    }
}
