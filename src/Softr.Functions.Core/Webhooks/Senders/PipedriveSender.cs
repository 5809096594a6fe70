using System.Text.Json;
using System.Text;

namespace Softr.Functions.Webhooks.Senders;

/// <summary>Pipedrive: HTTP basic credentials set on the webhook. A secret is "user:password".</summary>
public sealed class PipedriveSender : WebhookSender
{
    public override string Kind => "pipedrive";

    /// <summary>Basic credentials only the sender holds vouch for the whole request, headers included.</summary>
    public override bool VouchesForHeaders => true;

    /// <summary>
    /// v2 (<c>meta.version</c> "2.0"): <c>meta.id</c> identifies the notification, <c>meta.entity</c> and
    /// <c>meta.action</c> type it. v1: <c>meta.id</c> is the <em>object's</em> id, shared by every update
    /// of one deal, so the key is what Pipedrive names as identifying a v1 notification: the webhook,
    /// the object and action, the object's id and the change's timestamp (<c>timestamp_micro</c> where
    /// sent). Without a timestamp the body's hash is the key.
    /// </summary>
    public override EventIdentity Identify(JsonElement payload, Func<string, string?> headers)
    {
        var entity = EventIdentity.Read(payload, "meta", "entity") ?? EventIdentity.Read(payload, "meta", "object");
        var action = EventIdentity.Read(payload, "meta", "action");
        var type = entity is null || action is null ? null : $"{entity}.{action}";
        var objectId = EventIdentity.Read(payload, "meta", "id");
        if (EventIdentity.Read(payload, "meta", "version") is "2.0")
        {
            return new(objectId, type);
        }
        var timestamp = EventIdentity.Read(payload, "meta", "timestamp_micro") ?? EventIdentity.Read(payload, "meta", "timestamp");
        var key = objectId is null || timestamp is null
            ? null
            : $"v1:{EventIdentity.Read(payload, "meta", "webhook_id")}:{type}:{objectId}:{timestamp}";
        return new(key, type);
    }

    public override SenderCheck Check(WebhookDelivery delivery, HookDefinition hook, IReadOnlyList<string> secrets, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var authorization = delivery.Headers("Authorization");
        string? credentials = null;
        if (authorization is not null && authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            var encoded = authorization["Basic ".Length..].Trim();
            var buffer = new byte[encoded.Length];
            credentials = Convert.TryFromBase64String(encoded, buffer, out var written) ? Encoding.UTF8.GetString(buffer, 0, written) : null;
        }
        return FirstAuthentic(secrets, secret => Signatures.TextEquals(credentials, secret),
            "The request did not carry valid HTTP basic credentials.");
    }

    /// <param name="secret">The credentials, <c>user:password</c>.</param>
    public override IReadOnlyDictionary<string, string> Sign(byte[] body, string secret, DateTimeOffset now, string url) =>
        new Dictionary<string, string> { ["Authorization"] = "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(secret)) };
}
