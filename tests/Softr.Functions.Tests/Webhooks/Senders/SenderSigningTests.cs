using Softr.Functions.Webhooks;
using Softr.Functions.Webhooks.Senders;

namespace Softr.Functions.Tests.Webhooks.Senders;

/// <summary>
/// Each registered sender signs as it checks (issue #24, item 6: the tests sign deliveries with the sender's own
/// <see cref="WebhookSender.Sign"/>, so a new sender needs no signing code of the tests'): its check takes what it
/// signed, and refuses it under another secret, and (where the scheme signs the body) with one byte of it changed. The schemes themselves are held to the senders' documents by <see cref="SenderTests"/>' vectors.
/// </summary>
public sealed class SenderSigningTests
{
    // The real clock: the Standard Webhooks library checks the timestamp against it, not against the time it is given.
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    public static TheoryData<string> Kinds => [.. WebhookSenders.All.Kinds];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void WhatASenderSigns_ItsCheckTakes_AndNothingElse(string kind)
    {
        var sender = WebhookSenders.All.Find(kind)!;
        var secret = SignedDeliveries.SecretOf(kind);
        var body = DoorSamples.Bytes(kind);
        var url = SignedDeliveries.Url(kind);
        var headers = sender.Sign(body, secret, Now, url);
        SenderCheck CheckOf(byte[] sent, string held, DateTimeOffset at) =>
            sender.Check(new WebhookDelivery(name => headers.FirstOrDefault(header => string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase)).Value,
                "POST", new Uri(url), sent), new HookDefinition { Sender = kind }, [held], at);
        var tampered = (byte[])body.Clone();
        tampered[body.Length / 2] ^= 0x01;

        Assert.True(CheckOf(body, secret, Now).IsAuthentic, kind);
        Assert.False(CheckOf(tampered, secret, Now).IsAuthentic && !sender.VouchesForHeaders, $"{kind}: a changed body passed");
        var another = kind switch
        {
            "standard-webhooks" => "whsec_" + Convert.ToBase64String("another-key-0123456789"u8.ToArray()),
            "pipedrive" => "user:another-secret",
            _ => "another-secret-0123456789",
        };
        Assert.False(CheckOf(body, another, Now).IsAuthentic, $"{kind}: another secret passed");
    }
}
