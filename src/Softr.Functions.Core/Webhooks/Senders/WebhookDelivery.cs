namespace Softr.Functions.Webhooks.Senders;

/// <summary>
/// One HTTP delivery as a sender check needs it: the raw body bytes (signatures are computed over
/// exactly these, never over re-serialised JSON), the headers, and the request line.
/// </summary>
/// <param name="Headers">Header lookup, case-insensitive; null when the header is absent.</param>
/// <param name="Method">The HTTP method, e.g. <c>POST</c>.</param>
/// <param name="Url">The full URL as the sender called it (scheme, host, path and query).</param>
public sealed record WebhookDelivery(Func<string, string?> Headers, string Method, Uri Url, ReadOnlyMemory<byte> Body);
