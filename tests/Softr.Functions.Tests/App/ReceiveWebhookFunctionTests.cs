using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Softr.Functions.App;
using Softr.Functions.Tests.Webhooks;

namespace Softr.Functions.Tests.App;

public sealed class ReceiveWebhookFunctionTests
{
    private readonly IngestorBuilder _builder = new();

    [Fact]
    public async Task Run_WithValidSignup_Answers200WithTheQueuedEventId()
    {
        var result = await Function().RunAsync(Request("""{"email":"ada@example.com","full_name":"Ada"}"""), IngestorBuilder.Hook, CancellationToken.None);

        var ok = Assert.IsType<OkObjectResult>(result);
        var body = Assert.IsType<WebhookAccepted>(ok.Value);
        Assert.Equal("accepted", body.Status);
        Assert.Equal(Assert.Single(_builder.Enqueued).EventId, body.Id);
    }

    [Fact]
    public async Task Run_WithInvalidPayload_AnswersProblemJson()
    {
        var result = await Function().RunAsync(Request("""{"email":"nope"}"""), IngestorBuilder.Hook, CancellationToken.None);

        var problem = Assert.IsType<ObjectResult>(result);
        Assert.Equal(StatusCodes.Status400BadRequest, problem.StatusCode);
        Assert.Contains(WebhookResponses.ProblemContentType, problem.ContentTypes);
        Assert.IsType<ValidationProblemDetails>(problem.Value);
        Assert.Empty(_builder.Enqueued);
    }

    [Fact]
    public async Task Run_ReadsTheSecretFromTheConfiguredHeaderCaseInsensitively()
    {
        var request = Request("""{"email":"ada@example.com","full_name":"Ada"}""", secretHeader: IngestorBuilder.SecretHeader.ToUpperInvariant());

        var result = await Function().RunAsync(request, IngestorBuilder.Hook, CancellationToken.None);

        Assert.IsType<OkObjectResult>(result);
    }

    [Fact]
    public async Task Run_WithUnknownHook_Answers404Problem()
    {
        var result = await Function().RunAsync(Request("{}"), "unknown", CancellationToken.None);

        Assert.Equal(StatusCodes.Status404NotFound, Assert.IsType<ObjectResult>(result).StatusCode);
    }

    private ReceiveWebhookFunction Function() => new(_builder.Build());

    private static HttpRequest Request(string body, string secretHeader = IngestorBuilder.SecretHeader)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Post;
        context.Request.Scheme = "https";
        context.Request.Host = new HostString("functions.example.com");
        context.Request.Path = "/api/hooks/" + IngestorBuilder.Hook;
        context.Request.ContentType = "application/json";
        context.Request.Headers[secretHeader] = IngestorBuilder.Secret;
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        return context.Request;
    }
}
