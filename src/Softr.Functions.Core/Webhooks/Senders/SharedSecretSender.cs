using Microsoft.AspNetCore.WebUtilities;

namespace Softr.Functions.Webhooks.Senders;

/// <summary>
/// Senders that cannot sign (Softr's own "Call API" actions and forms, Zapier, Make, Jotform, plain
/// HTML forms) prove themselves with a secret: in the hook's header, or, only on a hook that opts in
/// (<see cref="HookDefinition.AllowQueryToken"/>), as <c>?token=</c> in the URL.
/// </summary>
public sealed class SharedSecretSender : WebhookSender
{
    public const string TokenQueryParameter = "token";

    public const string KindName = "shared-secret";

    public override string Kind => KindName;

    /// <summary>Plain HTML forms and Jotform post forms; Zapier, Make and Softr post JSON.</summary>
    public override bool AcceptsForms => true;

    /// <summary>Whoever holds the secret wrote the whole request: its headers (an <c>Idempotency-Key</c>) are theirs too.</summary>
    public override bool VouchesForHeaders => true;

    /// <summary>A form, a Zapier or Make step, a Softr button: a person sees the answer and can fix the input.</summary>
    public override InvalidInputPolicy InvalidInputDefault => InvalidInputPolicy.Refuse;

    public override SenderCheck Check(WebhookDelivery delivery, HookDefinition hook, IReadOnlyList<string> secrets, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(hook);
        var presented = delivery.Headers(hook.SecretHeader) ?? (hook.AllowQueryToken ? QueryToken(delivery.Url) : null);
        return FirstAuthentic(secrets, secret => Signatures.TextEquals(presented, secret), hook.AllowQueryToken
            ? $"The request did not carry a valid secret in the '{hook.SecretHeader}' header or the '{TokenQueryParameter}' query parameter."
            : $"The request did not carry a valid secret in the '{hook.SecretHeader}' header (this hook takes none from the URL).");
    }

    private static string? QueryToken(Uri url) =>
        QueryHelpers.ParseQuery(url.Query).TryGetValue(TokenQueryParameter, out var values) ? values.ToString() : null;

    /// <remarks>In the default header; a hook may name another (<see cref="HookDefinition.SecretHeader"/>).</remarks>
    public override IReadOnlyDictionary<string, string> Sign(byte[] body, string secret, DateTimeOffset now, string url) =>
        new Dictionary<string, string> { [HookDefinition.DefaultSecretHeader] = secret };
}
