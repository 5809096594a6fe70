using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Softr.Functions.Webhooks;
using Softr.Functions.Webhooks.Senders;

namespace Softr.Functions.Tests.Webhooks.Senders;

/// <summary>
/// Each sender's scheme, signed here by the sender's documented algorithm (written out independently of
/// the code under test): a real-shaped delivery is accepted; tampered, wrongly keyed or stale ones are
/// refused; a second configured secret works, for rotation.
/// </summary>
public sealed class SenderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly HookDefinition Hook = new();
    private const string Secret = "sender-secret-0123456789";
    private const string OtherSecret = "another-secret-0123456789";

    // ---- Stripe: hex HMAC-SHA256(secret, "{t}.{body}") in Stripe-Signature: t=...,v1=...

    private const string StripeBody = """{"id":"evt_1Q","object":"event","api_version":"2099-01-01","type":"checkout.session.completed","data":{"object":{"payment_status":"paid"}}}""";

    private static string StripeHeader(string body, string secret, DateTimeOffset at) =>
        $"t={at.ToUnixTimeSeconds()},v1={Hex(Hmac(secret, $"{at.ToUnixTimeSeconds()}.{body}"))}";

    [Fact]
    public void Stripe_SignedEvent_IsAccepted_EvenFromAnUnknownApiVersion() =>
        Assert.True(Check(new StripeSender(), StripeBody, ("Stripe-Signature", StripeHeader(StripeBody, Secret, Now))).IsAuthentic);

    [Fact]
    public void Stripe_WithTheRotatedSecret_IsAccepted() =>
        Assert.True(Check(new StripeSender(), StripeBody, [OtherSecret, Secret], ("Stripe-Signature", StripeHeader(StripeBody, Secret, Now))).IsAuthentic);

    [Fact]
    public void Stripe_Tampered_WrongSecret_Stale_OrMissing_AreRefused()
    {
        var sender = new StripeSender();
        Assert.False(Check(sender, StripeBody.Replace("paid", "unpaid", StringComparison.Ordinal), ("Stripe-Signature", StripeHeader(StripeBody, Secret, Now))).IsAuthentic);
        Assert.False(Check(sender, StripeBody, ("Stripe-Signature", StripeHeader(StripeBody, OtherSecret, Now))).IsAuthentic);
        Assert.False(Check(sender, StripeBody, ("Stripe-Signature", StripeHeader(StripeBody, Secret, Now.AddSeconds(-301)))).IsAuthentic);
        Assert.False(Check(sender, StripeBody).IsAuthentic);
        Assert.True(Check(sender, StripeBody, ("Stripe-Signature", StripeHeader(StripeBody, Secret, Now.AddSeconds(-299)))).IsAuthentic);
    }

    // ---- Standard Webhooks: base64 HMAC-SHA256(base64decode(secret without whsec_), "{id}.{ts}.{body}")

    [Fact]
    public void StandardWebhooks_PublishedTestVector_MatchesTheDocumentedAlgorithm()
    {
        // From the Standard Webhooks specification's test vectors.
        var key = Convert.FromBase64String("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        var signature = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("""msg_p5jXN8AQM9LWM0D4loKWxJek.1614265330.{"test": 2432232314}""")));

        Assert.Equal("g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
    }

    [Theory]
    [InlineData("webhook")]
    [InlineData("svix")]
    public void StandardWebhooks_SignedNow_IsAccepted_AndTamperedOrStaleRefused(string prefix)
    {
        const string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        const string body = """{"type":"user.created","data":{"email":"ada@example.com"}}""";
        var sender = new StandardWebhooksSender();
        (string, string)[] Headers(string payload, DateTimeOffset at) =>
        [
            ($"{prefix}-id", "msg_1"),
            ($"{prefix}-timestamp", at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            ($"{prefix}-signature", "v1," + Convert.ToBase64String(HMACSHA256.HashData(
                Convert.FromBase64String("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), Encoding.UTF8.GetBytes($"msg_1.{at.ToUnixTimeSeconds()}.{payload}")))),
        ];

        // The StandardWebhooks package reads the real clock for its 5-minute window.
        var realNow = DateTimeOffset.UtcNow;
        Assert.True(Check(sender, body, [secret], Headers(body, realNow)).IsAuthentic);
        Assert.False(Check(sender, body + " ", [secret], Headers(body, realNow)).IsAuthentic);
        Assert.False(Check(sender, body, [secret], Headers(body, realNow.AddMinutes(-10))).IsAuthentic);
        Assert.False(Check(sender, body, ["whsec_" + Convert.ToBase64String(new byte[24])], Headers(body, realNow)).IsAuthentic);
    }

    // ---- Typeform, Tally, Lemon Squeezy: HMAC of the body

    private const string FormBody = """{"event_id":"01HX","event_type":"form_response","form_response":{"answers":[]}}""";

    [Fact]
    public void Typeform_Sha256Base64_IsAcceptedAndTamperingRefused()
    {
        var header = "sha256=" + Convert.ToBase64String(Hmac(Secret, FormBody));
        Assert.True(Check(new TypeformSender(), FormBody, ("Typeform-Signature", header)).IsAuthentic);
        Assert.False(Check(new TypeformSender(), FormBody + "x", ("Typeform-Signature", header)).IsAuthentic);
        Assert.False(Check(new TypeformSender(), FormBody, ("Typeform-Signature", header[7..])).IsAuthentic);
    }

    [Fact]
    public void Tally_Base64_IsAcceptedAndWrongSecretRefused()
    {
        Assert.True(Check(new TallySender(), FormBody, ("Tally-Signature", Convert.ToBase64String(Hmac(Secret, FormBody)))).IsAuthentic);
        Assert.False(Check(new TallySender(), FormBody, ("Tally-Signature", Convert.ToBase64String(Hmac(OtherSecret, FormBody)))).IsAuthentic);
        Assert.False(Check(new TallySender(), FormBody).IsAuthentic);
    }

    [Fact]
    public void LemonSqueezy_Hex_IsAcceptedAndTamperingRefused()
    {
        var signature = Hex(Hmac(Secret, FormBody));
        Assert.True(Check(new LemonSqueezySender(), FormBody, ("X-Signature", signature)).IsAuthentic);
        Assert.False(Check(new LemonSqueezySender(), FormBody.ToUpperInvariant(), ("X-Signature", signature)).IsAuthentic);
        Assert.False(Check(new LemonSqueezySender(), FormBody, ("X-Signature", "not-hex")).IsAuthentic);
    }

    // ---- Paddle: hex HMAC-SHA256(secret, "{ts}:{body}") in Paddle-Signature: ts=...;h1=...

    [Fact]
    public void Paddle_AnyH1_IsAccepted_AndStaleOrTamperedRefused()
    {
        var ts = Now.ToUnixTimeSeconds();
        var good = Hex(Hmac(Secret, $"{ts}:{FormBody}"));
        var other = Hex(Hmac(OtherSecret, $"{ts}:{FormBody}"));
        Assert.True(Check(new PaddleSender(), FormBody, ("Paddle-Signature", $"ts={ts};h1={other};h1={good}")).IsAuthentic);
        Assert.False(Check(new PaddleSender(), FormBody + "x", ("Paddle-Signature", $"ts={ts};h1={good}")).IsAuthentic);
        var old = Now.AddSeconds(-301).ToUnixTimeSeconds();
        Assert.False(Check(new PaddleSender(), FormBody, ("Paddle-Signature", $"ts={old};h1={Hex(Hmac(Secret, $"{old}:{FormBody}"))}")).IsAuthentic);
        Assert.False(Check(new PaddleSender(), FormBody, ("Paddle-Signature", "h1=abc")).IsAuthentic);
    }

    // ---- HubSpot v3: base64 HMAC-SHA256(client secret, method + decoded URI + body + timestamp ms)

    [Fact]
    public void HubSpot_V3_IsAccepted_AndStaleOrOtherUrlRefused()
    {
        var url = new Uri("https://example.com/api/hooks/crm?portal=1%202");
        var ms = Now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        string Sign(string uri, string timestamp) => Convert.ToBase64String(Hmac(Secret, "POST" + uri + FormBody + timestamp));
        var signature = Sign("https://example.com/api/hooks/crm?portal=1 2", ms);

        Assert.True(Check(new HubSpotSender(), FormBody, url, ("X-HubSpot-Signature-v3", signature), ("X-HubSpot-Request-Timestamp", ms)).IsAuthentic);
        Assert.False(Check(new HubSpotSender(), FormBody, new Uri("https://example.com/api/hooks/other"),
            ("X-HubSpot-Signature-v3", signature), ("X-HubSpot-Request-Timestamp", ms)).IsAuthentic);
        var old = Now.AddMinutes(-6).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        Assert.False(Check(new HubSpotSender(), FormBody, url,
            ("X-HubSpot-Signature-v3", Sign("https://example.com/api/hooks/crm?portal=1 2", old)), ("X-HubSpot-Request-Timestamp", old)).IsAuthentic);
    }

    // ---- Pipedrive basic auth, shared secret header or URL token

    [Fact]
    public void Pipedrive_BasicCredentials()
    {
        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("hooks:" + Secret));
        Assert.True(Check(new PipedriveSender(), FormBody, ["hooks:" + Secret], ("Authorization", basic)).IsAuthentic);
        Assert.False(Check(new PipedriveSender(), FormBody, ["hooks:" + OtherSecret], ("Authorization", basic)).IsAuthentic);
        Assert.False(Check(new PipedriveSender(), FormBody, ["hooks:" + Secret], ("Authorization", "Basic !!!")).IsAuthentic);
    }

    [Fact]
    public void SharedSecret_InTheHeader_OrAsAUrlTokenOnlyWhereTheHookOptsIn()
    {
        var sender = new SharedSecretSender();
        var optedIn = new HookDefinition { AllowQueryToken = true };
        SenderCheck InUrl(string token, HookDefinition hook) =>
            sender.Check(new WebhookDelivery(_ => null, "POST", new Uri($"https://example.com/api/hooks/form?token={token}"), Encoding.UTF8.GetBytes(FormBody)), hook, [Secret], Now);
        Assert.True(Check(sender, FormBody, ("X-Webhook-Secret", Secret)).IsAuthentic);
        Assert.True(InUrl(Secret, optedIn).IsAuthentic);
        Assert.False(InUrl("wrong", optedIn).IsAuthentic);
        Assert.False(InUrl(Secret, Hook).IsAuthentic);
        var refused = Check(sender, FormBody, ("X-Webhook-Secret", "wrong"));
        Assert.False(refused.IsAuthentic);
        Assert.DoesNotContain(Secret, refused.Reason, StringComparison.Ordinal);
    }

    private static SenderCheck Check(WebhookSender sender, string body, params (string Name, string Value)[] headers) =>
        Check(sender, body, [Secret], new Uri("https://example.com/api/hooks/h"), headers);

    private static SenderCheck Check(WebhookSender sender, string body, Uri url, params (string Name, string Value)[] headers) =>
        Check(sender, body, [Secret], url, headers);

    private static SenderCheck Check(WebhookSender sender, string body, string[] secrets, params (string Name, string Value)[] headers) =>
        Check(sender, body, secrets, new Uri("https://example.com/api/hooks/h"), headers);

    private static SenderCheck Check(WebhookSender sender, string body, string[] secrets, Uri url, (string Name, string Value)[] headers)
    {
        var lookup = headers.ToDictionary(header => header.Name, header => header.Value, StringComparer.OrdinalIgnoreCase);
        return sender.Check(new WebhookDelivery(name => lookup.GetValueOrDefault(name), "POST", url, Encoding.UTF8.GetBytes(body)), Hook, secrets, Now);
    }

    private static byte[] Hmac(string key, string data) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(data));

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
}
