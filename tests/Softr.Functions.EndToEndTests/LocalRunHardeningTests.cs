using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Softr.Functions.EndToEndTests;

/// <summary>
/// Issue #23, items 1.5 and 1.6: a web page the developer visits must not be able to drive the local
/// run's admin API, and a key never travels in a URL. What a browser can send cross-site without a
/// preflight (a GET or a form POST, with the key in the URL, to any host name that resolves to
/// 127.0.0.1) is refused at each step.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class LocalRunHardeningTests(RunningSystem system) : IClassFixture<RunningSystem>
{
    [Fact]
    public async Task AKeyInTheUrl_IsRefused_EvenTheRightOne()
    {
        using var admin = await system.Anonymous.GetAsync($"/api/manage/hooks?code={SystemUnderTest.MasterKey}");
        using var status = await system.Anonymous.GetAsync($"/api/events/evt_x?code={SystemUnderTest.MasterKey}");
        using var both = await system.Host.GetAsync($"/api/manage/hooks?code={SystemUnderTest.MasterKey}");

        foreach (var answer in new[] { admin, status, both })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
            Assert.Equal("urn:softr-functions:problem:key-in-query", (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        }
    }

    [Fact]
    public async Task AnAdminPost_ThatIsNotDeclaredJson_IsRefused_AsAFormFromAnotherSiteWouldBe()
    {
        using var form = await system.Host.PostAsync("/api/manage/erase?dryRun=true",
            new FormUrlEncodedContent([new("email", "victim@example.com")]));
        using var text = await system.Host.PostAsync("/api/manage/dead-letters/replay", new StringContent("", Encoding.UTF8, "text/plain"));
        using var bare = await system.Host.PostAsync("/api/manage/dead-letters/replay", content: null);
        using var json = await system.Host.PostAsync("/api/manage/erase?dryRun=true", JsonContent.Create(new { email = "victim@example.com" }));

        Assert.All([form, text, bare], answer => Assert.Equal(HttpStatusCode.UnsupportedMediaType, answer.StatusCode));
        Assert.Equal("urn:softr-functions:problem:json-required", (await form.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
    }

    [Fact]
    public async Task AHostNameOtherThanLocalhost_IsRefused_SoARebindingPageCannotReachIt()
    {
        // Not through the contract-checked client: a refused host name is answered by ASP.NET Core's host
        // filtering, before any function, and is no answer of our API.
        using var raw = new HttpClient { BaseAddress = system.Host.BaseAddress };
        raw.DefaultRequestHeaders.Add("x-functions-key", SystemUnderTest.MasterKey);
        using var rebound = new HttpRequestMessage(HttpMethod.Get, "/api/manage/hooks") { Headers = { Host = "attacker.example:7071" } };
        using var local = new HttpRequestMessage(HttpMethod.Get, "/api/manage/hooks") { Headers = { Host = "localhost:7071" } };

        using var refused = await raw.SendAsync(rebound);
        using var allowed = await raw.SendAsync(local);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }
}
