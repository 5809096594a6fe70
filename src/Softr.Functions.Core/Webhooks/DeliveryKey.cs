namespace Softr.Functions.Webhooks;

/// <summary>
/// What a delivery from a sender without event ids is deduplicated on, and for how long: an explicit
/// key (the <c>Idempotency-Key</c> header, or the hook's <c>IdempotencyKeyPath</c> in the payload), or
/// else the exact bytes of the event. Values are SHA-256 hashes, so a claim row holds no payload value.
/// </summary>
/// <param name="Source">Where the key came from: <see cref="HeaderSource"/>, <see cref="PathSource"/> or <see cref="BodySource"/>.</param>
/// <param name="Hash">SHA-256 (hex) of the key's value.</param>
/// <param name="BodyHash">SHA-256 (hex) of the event's bytes: a header key sent again with another body is refused.</param>
/// <param name="Window">How long a repeat counts as the same event.</param>
public sealed record DeliveryKey(string Source, string Hash, string BodyHash, TimeSpan Window)
{
    public const string HeaderSource = "header";
    public const string PathSource = "path";
    public const string BodySource = "body";

    /// <summary>Whether the same key with another body is a client's mistake (an explicit key names one request, RFC draft-ietf-httpapi-idempotency-key-header).</summary>
    public bool RefusesOtherBodies => Source == HeaderSource;
}
