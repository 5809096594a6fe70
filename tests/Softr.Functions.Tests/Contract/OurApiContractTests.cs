using System.Text.Json.Nodes;
using Microsoft.Azure.Functions.Worker;
using Softr.Functions.LocalHost;
using Softr.Functions.Testing;

namespace Softr.Functions.Tests.Contract;

/// <summary>
/// docs/openapi.yaml, this project's own API, against the function catalog (the same attributes the
/// Functions SDK reads): every HTTP function is in the document with its method, route and key, and the
/// document has nothing that is not a function. The end-to-end tests check every answer against it
/// (ApiContractCheck), and their tour calls every operation.
/// </summary>
public sealed class OurApiContractTests
{
    private static IReadOnlyList<HttpFunction> Functions => LocalHostApp.Functions.HttpFunctions;

    [Fact]
    public void Document_IsValidOpenApi31()
    {
        Assert.Empty(OpenApiContract.Ours.LoadErrors);
        Assert.StartsWith("3.1", OpenApiContract.Ours.Document["openapi"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void EveryHttpFunction_IsAnOperation_AndEveryOperationIsAFunction()
    {
        var functions = Functions.SelectMany(function => function.Methods.Select(method => (Method: method, Path: "/" + function.Route)))
            .Order().ToList();
        var documented = OpenApiContract.Ours.Operations().Select(operation => (operation.Method, operation.Path)).Order().ToList();

        Assert.Equal(functions, documented);
    }

    [Fact]
    public void EachOperation_AsksForTheKeyItsFunctionNeeds()
    {
        foreach (var function in Functions)
        {
            foreach (var method in function.Methods)
            {
                var schemes = SecuritySchemes(method, "/" + function.Route);
                var expected = function.AuthLevel switch
                {
                    AuthorizationLevel.Anonymous => [],
                    // The header only: a key in the URL is refused (KeyedRequestPolicy).
                    AuthorizationLevel.Function => new[] { "functionKey" },
                    AuthorizationLevel.Admin => ["masterKey"],
                    _ => throw new InvalidOperationException($"{function.Name}: {function.AuthLevel} is not described"),
                };
                Assert.True(expected.SequenceEqual(schemes), $"{method} {function.Route} ({function.AuthLevel}) is documented with [{string.Join(", ", schemes)}]");
            }
        }
    }

    [Fact]
    public void FindOperation_MatchesTemplatesByMethodAndSegment()
    {
        Assert.Equal("deadLetterCauses", OpenApiContract.Ours.FindOperation("GET", "/manage/dead-letters/causes"));
        Assert.Equal("replayDeadLetters", OpenApiContract.Ours.FindOperation("POST", "/manage/dead-letters/replay"));
        Assert.Equal("replayEvent", OpenApiContract.Ours.FindOperation("POST", "/manage/events/evt_1/replay"));
        Assert.Equal("getEventDetail", OpenApiContract.Ours.FindOperation("GET", "/manage/events/evt_1"));
        Assert.Null(OpenApiContract.Ours.FindOperation("DELETE", "/manage/events/evt_1"));
        Assert.Null(OpenApiContract.Ours.FindOperation("GET", "/nowhere"));
    }

    [Fact]
    public void Check_RefusesAnAnswerTheDocumentDoesNotDescribe()
    {
        Assert.Empty(OpenApiContract.Ours.Check("receiveWebhook", 200, "application/json", """{"id":"evt_1","status":"accepted","statusUrl":"/api/events/evt_1"}"""));
        Assert.NotEmpty(OpenApiContract.Ours.Check("receiveWebhook", 200, "application/json", """{"id":"evt_1","status":"queued"}"""));
        Assert.NotEmpty(OpenApiContract.Ours.Check("receiveWebhook", 500, "application/problem+json", "{}"));
        Assert.NotEmpty(OpenApiContract.Ours.Check("getEvent", 404, "application/problem+json", """{"type":"about:blank","title":"x","status":404}"""));
    }

    /// <summary>The operation's own security requirement, or the document's when it has none.</summary>
    private static IReadOnlyList<string> SecuritySchemes(string method, string path)
    {
        var document = OpenApiContract.Ours.Document;
        var operation = document["paths"]![path]![method.ToLowerInvariant()]!;
        var security = (operation["security"] ?? document["security"]) as JsonArray ?? [];
        return [.. security.SelectMany(requirement => requirement!.AsObject().Select(scheme => scheme.Key))];
    }
}
