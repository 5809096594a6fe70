namespace Softr.Functions.Webhooks;

/// <summary>An incoming webhook as the ingestor needs it, independent of the HTTP host.</summary>
/// <param name="Hook">The <c>{hook}</c> route segment.</param>
/// <param name="Headers">Request headers; lookups must be case-insensitive.</param>
/// <param name="ContentType">The <c>Content-Type</c> header, if any.</param>
/// <param name="Body">The body as a stream; read at most the hook's limit plus one byte.</param>
/// <param name="Method">The HTTP method (HubSpot signs it).</param>
/// <param name="Url">The full URL as called (HubSpot signs it; a shared secret may come as <c>?token=</c>).</param>
public sealed record WebhookRequest(
    string Hook,
    Func<string, string?> Headers,
    string? ContentType,
    Stream Body,
    string Method,
    Uri Url)
{
    /// <summary>The declared <c>Content-Length</c>, if any: lets an oversized body be refused unread.</summary>
    public long? ContentLength { get; init; }
}
