using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Softr.Functions.Webhooks;

namespace Softr.Functions.App;

/// <summary>
/// <c>POST /api/hooks/{hook}</c>. Anonymous at the platform level on purpose: senders cannot all send
/// a function key, so each hook authenticates its sender itself (see <see cref="WebhookIngestor"/>),
/// by the scheme of the sender named in hooks.json.
/// </summary>
public sealed class ReceiveWebhookFunction(WebhookIngestor ingestor)
{
    public const string Name = "ReceiveWebhook";
    public const string Route = "hooks/{hook}";

    [Function(Name)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route)] HttpRequest request,
        string hook,
        CancellationToken cancellationToken)
    {
        var webhook = new WebhookRequest(
            hook,
            header => request.Headers.TryGetValue(header, out var values) ? values.ToString() : null,
            request.ContentType,
            request.Body,
            request.Method,
            new Uri(request.GetDisplayUrl()))
        {
            ContentLength = request.ContentLength,
        };

        var result = await ingestor.IngestAsync(webhook, cancellationToken);
        return WebhookResponses.From(result);
    }
}
