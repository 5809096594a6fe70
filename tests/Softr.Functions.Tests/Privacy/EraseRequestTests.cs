using System.Text.Json;
using Softr.Functions.Privacy;

namespace Softr.Functions.Tests.Privacy;

/// <summary>What an erase request asks of Softr, and the requests refused whole (nothing is erased on a request not understood).</summary>
public sealed class EraseRequestTests
{
    private static readonly string[] Apps = ["default", "portal_b"];

    [Theory]
    [InlineData("""{"email":"ada@example.com"}""", false, null)]
    [InlineData("""{"email":"ada@example.com","softr":false}""", false, null)]
    [InlineData("""{"email":"ada@example.com","softr":null}""", false, null)]
    [InlineData("""{"email":"ada@example.com","softr":true}""", true, null)]
    [InlineData("""{"email":"ada@example.com","softr":["portal_b"]}""", true, "portal_b")]
    [InlineData("""{"email":"ada@example.com","softr":[" Portal_B ","portal_b","default"]}""", true, "Portal_B,default")]
    public void ARequest_SaysWhetherAndWhereTheSoftrUserGoes(string json, bool deleteSoftrUser, string? inApps)
    {
        var (request, problem) = Read(json);

        Assert.Null(problem);
        Assert.Equal(("ada@example.com", deleteSoftrUser, inApps), (request!.Email, request.DeleteSoftrUser, request.InApps is null ? null : string.Join(",", request.InApps)));
    }

    [Theory]
    [InlineData("""{"email":"ada@example.com","softr":"portal_b"}""", "'softr' must be true, false or a list of names.")]
    [InlineData("""{"email":"ada@example.com","softr":"true"}""", "'softr' must be true, false or a list of names.")]
    [InlineData("""{"email":"ada@example.com","softr":["portal_b",{"name":"x"}]}""", "'softr' must be true, false or a list of names.")]
    [InlineData("""{"email":"ada@example.com","softr":[]}""", "'softr' is an empty list.")]
    [InlineData("""{"email":"ada@example.com","softr":["portal_b","portal_c"]}""", "'softr' names 'portal_c', not a connection with a domain.")]
    public void ASoftrThatIsNotUnderstood_IsRefused_NamingTheAppsThereAre(string json, string why)
    {
        var (request, problem) = Read(json);

        Assert.Null(request);
        Assert.Equal("urn:softr-functions:problem:erase-bad-softr", problem!.Type);
        Assert.Equal($"{why} Send true to delete the person's user in every Softr app, or a list of some of: default, portal_b.", problem.Detail);
    }

    [Theory]
    [InlineData("""{"softr":true}""")]
    [InlineData("""{"email":"ada"}""")]
    [InlineData("""["ada@example.com"]""")]
    public void ARequestWithoutAnAddress_IsRefused(string json) =>
        Assert.Equal("urn:softr-functions:problem:erase-needs-email", Read(json).Problem!.Type);

    [Fact]
    public void WithNoAppToDeleteFrom_TheRefusalSaysSo() =>
        Assert.EndsWith("a list of some of: (none: no connection has a domain).",
            EraseRequest.Read(JsonDocument.Parse("""{"email":"ada@example.com","softr":["x"]}""").RootElement, []).Problem!.Detail, StringComparison.Ordinal);

    private static (EraseRequest? Request, Microsoft.AspNetCore.Mvc.ProblemDetails? Problem) Read(string json) =>
        EraseRequest.Read(JsonDocument.Parse(json).RootElement, Apps);
}
