using System.Security.Cryptography;
using System.Text;
using Softr.Functions.Webhooks;

namespace Softr.Functions.Tests.Webhooks;

/// <summary>
/// One hook per sender kind, and deliveries to it signed the way that sender signs (each scheme as its
/// sender documents it), for tests that must get past authentication to reach what comes after it.
/// </summary>
internal static class SignedDeliveries
{
    public const string Secret = "test-secret-0123456789";

    /// <summary>A Standard Webhooks secret: "whsec_" and base64 of the key bytes.</summary>
    public static readonly string StandardSecret = "whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("standard-webhooks-key-0123456789"));

    /// <summary>
    /// Every registered sender kind, from the registry itself: the property tests and the fuzz harness go over these, so a
    /// sender added to <see cref="Softr.Functions.Webhooks.Senders.WebhookSenders.All"/> is attacked at once (and fails
    /// here, in <see cref="Headers"/>, until its signing scheme and its sample are added).
    /// </summary>
    public static IReadOnlyList<string> Kinds { get; } = [.. Softr.Functions.Webhooks.Senders.WebhookSenders.All.Kinds];

    /// <summary>Adds a hook named after each sender kind (secret setting <c>{KIND}_SECRET</c>) to <paramref name="builder"/>.</summary>
    public static IngestorBuilder WithEveryKind(this IngestorBuilder builder, InvalidInputPolicy policy = InvalidInputPolicy.Default)
    {
        foreach (var kind in Kinds)
        {
            var setting = kind.ToUpperInvariant().Replace('-', '_') + "_SECRET";
            builder.MoreSettings[setting] = kind switch
            {
                "standard-webhooks" => StandardSecret,
                "pipedrive" => "user:" + Secret,
                _ => Secret,
            };
            builder.MoreHooks[kind] = new HookDefinition { Sender = kind, SecretSettings = { setting }, InvalidInput = policy };
        }
        return builder;
    }

    /// <summary>The headers <paramref name="kind"/> would send with <paramref name="body"/> to hook <paramref name="hook"/> at <paramref name="now"/>.</summary>
    public static Dictionary<string, string> Headers(string kind, string hook, byte[] body, DateTimeOffset now)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var key = Encoding.UTF8.GetBytes(Secret);
        switch (kind)
        {
            case "shared-secret":
                headers[HookDefinition.DefaultSecretHeader] = Secret;
                break;
            case "stripe":
                var t = now.ToUnixTimeSeconds();
                headers["Stripe-Signature"] = $"t={t},v1={Hex(key, $"{t}.", body)}";
                break;
            case "standard-webhooks":
                var id = "msg_" + Convert.ToHexStringLower(SHA256.HashData(body))[..16];
                var ts = now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
                var standardKey = Convert.FromBase64String(StandardSecret["whsec_".Length..]);
                headers["webhook-id"] = id;
                headers["webhook-timestamp"] = ts;
                headers["webhook-signature"] = "v1," + Convert.ToBase64String(HMACSHA256.HashData(standardKey, Join($"{id}.{ts}.", body)));
                break;
            case "typeform":
                headers["Typeform-Signature"] = "sha256=" + Convert.ToBase64String(HMACSHA256.HashData(key, body));
                break;
            case "tally":
                headers["Tally-Signature"] = Convert.ToBase64String(HMACSHA256.HashData(key, body));
                break;
            case "lemonsqueezy":
                headers["X-Signature"] = Convert.ToHexStringLower(HMACSHA256.HashData(key, body));
                break;
            case "paddle":
                var paddleTs = now.ToUnixTimeSeconds();
                headers["Paddle-Signature"] = $"ts={paddleTs};h1={Hex(key, $"{paddleTs}:", body)}";
                break;
            case "hubspot":
                var ms = now.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
                headers["X-HubSpot-Request-Timestamp"] = ms;
                headers["X-HubSpot-Signature-v3"] = Convert.ToBase64String(HMACSHA256.HashData(key, Join("POST" + Url(hook), body, ms)));
                break;
            case "pipedrive":
                headers["Authorization"] = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("user:" + Secret));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "A registered sender kind the tests cannot sign for yet: add its scheme here and its sample to DoorSamples.");
        }
        return headers;
    }

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

    private static string Hex(byte[] key, string prefix, byte[] body) => Convert.ToHexStringLower(HMACSHA256.HashData(key, Join(prefix, body)));

    private static byte[] Join(string prefix, byte[] body, string suffix = "") =>
        [.. Encoding.UTF8.GetBytes(prefix), .. body, .. Encoding.UTF8.GetBytes(suffix)];
}
