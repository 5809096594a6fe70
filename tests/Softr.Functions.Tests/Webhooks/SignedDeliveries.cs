using System.Text;
using Softr.Functions.Webhooks;

namespace Softr.Functions.Tests.Webhooks;

/// <summary>
/// One hook per sender kind, and deliveries to it signed by that sender's own <see cref="Softr.Functions.Webhooks.Senders.WebhookSender.Sign"/>
/// (each sender's <c>Check</c> is held to its documented scheme by its own test vectors in <c>SenderTests</c>), for tests
/// that must get past authentication to reach what comes after it.
/// </summary>
internal static class SignedDeliveries
{
    public const string Secret = "test-secret-0123456789";

    /// <summary>A Standard Webhooks secret: "whsec_" and base64 of the key bytes.</summary>
    public static readonly string StandardSecret = "whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("standard-webhooks-key-0123456789"));

    /// <summary>
    /// Every registered sender kind, from the registry itself: the property tests and the fuzz harness go over these, so a
    /// sender added to <see cref="Softr.Functions.Webhooks.Senders.WebhookSenders.All"/> is attacked at once, signed by its
    /// own code (it fails in <c>DoorSamples</c> until its sample is added).
    /// </summary>
    public static IReadOnlyList<string> Kinds { get; } = [.. Softr.Functions.Webhooks.Senders.WebhookSenders.All.Kinds];

    /// <summary>Adds a hook named after each sender kind (secret setting <c>{KIND}_SECRET</c>) to <paramref name="builder"/>.</summary>
    public static IngestorBuilder WithEveryKind(this IngestorBuilder builder, InvalidInputPolicy policy = InvalidInputPolicy.Default)
    {
        foreach (var kind in Kinds)
        {
            var setting = kind.ToUpperInvariant().Replace('-', '_') + "_SECRET";
            builder.MoreSettings[setting] = SecretOf(kind);
            builder.MoreHooks[kind] = new HookDefinition { Sender = kind, SecretSettings = { setting }, InvalidInput = policy };
        }
        return builder;
    }

    /// <summary>The headers <paramref name="kind"/> would send with <paramref name="body"/> to hook <paramref name="hook"/> at <paramref name="now"/>.</summary>
    public static Dictionary<string, string> Headers(string kind, string hook, byte[] body, DateTimeOffset now)
    {
        var sender = Softr.Functions.Webhooks.Senders.WebhookSenders.All.Find(kind) ?? throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a registered sender kind.");
        return new Dictionary<string, string>(sender.Sign(body, SecretOf(kind), now, Url(hook)), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The test secret in the form the sender's secrets take (a Standard Webhooks <c>whsec_</c> key, Pipedrive's <c>user:password</c>).</summary>
    public static string SecretOf(string kind) => kind switch
    {
        "standard-webhooks" => StandardSecret,
        "pipedrive" => "user:" + Secret,
        _ => Secret,
    };

    public static string Url(string hook) => $"https://functions.example.com/api/hooks/{hook}";

    /// <summary>A delivery of <paramref name="body"/> to the hook named after <paramref name="kind"/>, signed.</summary>
    public static WebhookRequest Request(string kind, byte[] body, DateTimeOffset now, string contentType = "application/json", string? hook = null)
    {
        hook ??= kind;
        var headers = Headers(kind, hook, body, now);
        return new WebhookRequest(hook, name => headers.GetValueOrDefault(name), contentType, new MemoryStream(body), "POST", new Uri(Url(hook)))
        {
            ContentLength = body.Length,
        };
    }

    public static WebhookRequest Request(string kind, string body, DateTimeOffset now, string? hook = null) =>
        Request(kind, Encoding.UTF8.GetBytes(body), now, hook: hook);
}
