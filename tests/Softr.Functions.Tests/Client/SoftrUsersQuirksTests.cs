using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Softr.Functions.Tests.Sandbox;
using Softr.Users;

namespace Softr.Functions.Tests.Client;

/// <summary>The Users API's quirks, handled once in the client, against the sandbox.</summary>
public sealed class SoftrUsersQuirksTests(SandboxHost sandbox) : IClassFixture<SandboxHost>
{
    private readonly SandboxClients _clients = new(sandbox);

    [Fact]
    public async Task EmailsWithPlusAndAt_TravelUrlEncodedInPaths()
    {
        const string email = "a+b@example.co";
        await _clients.Users.CreateUserAsync(new CreateUserRequest("Plus Sign", email));

        await _clients.Users.InviteUserAsync(email);
        await _clients.Users.DeactivateUserAsync(email);

        var user = await sandbox.CreateClient().GetFromJsonAsync<JsonElement>($"/sandbox/users/{Uri.EscapeDataString(email)}");
        Assert.Equal("Inactive", user.GetProperty("status").GetString());
        Assert.Equal(1, user.GetProperty("invitations").GetInt32());
        Assert.Equal("a%2Bb%40example.co", SoftrUsersClient.EscapeEmail(email));
    }

    [Fact]
    public async Task MagicLink_IsReadFromJsonAndFromPlainText()
    {
        const string email = "links@example.com";
        await _clients.Users.CreateUserAsync(new CreateUserRequest("Links", email));

        var fromJson = await _clients.Users.GenerateMagicLinkAsync(email);
        using (var faults = await sandbox.CreateClient().PutAsJsonAsync("/sandbox/faults", new { magicLinkAsText = true }))
        {
            faults.EnsureSuccessStatusCode();
        }
        var fromText = await _clients.Users.GenerateMagicLinkAsync(email);
        await sandbox.CreateClient().DeleteAsync("/sandbox/faults");

        Assert.Equal("text/plain", _clients.Recorder.Calls[^1].MediaType);
        Assert.Equal(Uri.UriSchemeHttps, fromJson.Scheme);
        Assert.Equal(Uri.UriSchemeHttps, fromText.Scheme);
        Assert.NotEqual(fromJson, fromText);
    }

    [Theory]
    [InlineData("""{"magic_link":"https://app.example.com/magic/abc"}""", "https://app.example.com/magic/abc")]
    [InlineData("https://app.example.com/magic/abc\n", "https://app.example.com/magic/abc")]
    [InlineData("\"https://app.example.com/magic/abc\"", "https://app.example.com/magic/abc")]
    [InlineData("""{"magic_link":null}""", null)]
    [InlineData("not a link", null)]
    [InlineData("javascript:alert(1)", null)]
    public void MagicLink_Parsing(string body, string? expected)
    {
        Assert.Equal(expected, SoftrUsersClient.ParseMagicLink(body)?.ToString());
    }

    [Fact]
    public async Task DeleteUser_ThatIsUnknown_IsNotFoundRatherThanAnError()
    {
        Assert.Equal(DeleteUserOutcome.NotFound, await _clients.Users.DeleteUserAsync("nobody@example.com"));
    }

    [Fact]
    public async Task ActivatingAnUnknownUser_ThrowsNotFound()
    {
        var exception = await Assert.ThrowsAsync<SoftrApiException>(() => _clients.Users.ActivateUserAsync("nobody@example.com"));

        Assert.Equal(HttpStatusCode.NotFound, exception.StatusCode);
        Assert.Equal("Not Found", exception.ErrorCode);
        Assert.Contains("nobody@example.com", exception.SoftrMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_NamedUsersOrEveryone()
    {
        await _clients.Users.CreateUserAsync(new CreateUserRequest("Synced", "synced@example.com"));
        var ownerBefore = await OwnerSyncsAsync();

        await _clients.Users.SyncUsersAsync(["synced@example.com"]);
        await _clients.Users.SyncUsersAsync();

        var user = await sandbox.CreateClient().GetFromJsonAsync<JsonElement>("/sandbox/users/synced@example.com");
        Assert.Equal(2, user.GetProperty("syncs").GetInt32());
        Assert.Equal(ownerBefore + 1, await OwnerSyncsAsync());
    }

    private async Task<int> OwnerSyncsAsync() =>
        (await sandbox.CreateClient().GetFromJsonAsync<JsonElement>("/sandbox/users/owner@example.com")).GetProperty("syncs").GetInt32();

    [Fact]
    public async Task Sync_AcceptsTheBareArrayShapeSeenInTheWild()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/api/users/sync") { Content = JsonContent.Create(new[] { "owner@example.com" }) };
        request.Headers.Add("Softr-Api-Key", SandboxHost.ApiKey);
        request.Headers.Add("Softr-Domain", SandboxHost.Domain);

        using var response = await sandbox.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
