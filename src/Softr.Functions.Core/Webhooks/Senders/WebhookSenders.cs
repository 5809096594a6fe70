namespace Softr.Functions.Webhooks.Senders;

/// <summary>Every sender kind a hook can name.</summary>
public sealed class WebhookSenders
{
    private readonly Dictionary<string, WebhookSender> _byKind;

    public WebhookSenders(IEnumerable<WebhookSender> senders) =>
        _byKind = senders.ToDictionary(sender => sender.Kind, StringComparer.OrdinalIgnoreCase);

    public static WebhookSenders All { get; } = new(
    [
        new SharedSecretSender(), new StripeSender(), new StandardWebhooksSender(), new TypeformSender(), new TallySender(),
        new LemonSqueezySender(), new PaddleSender(), new HubSpotSender(), new PipedriveSender(),
    ]);

    public IEnumerable<string> Kinds => _byKind.Keys.Order(StringComparer.Ordinal);

    /// <summary>Every sender, in kind order: what the property tests, the fuzz harness and the security table enumerate.</summary>
    public IEnumerable<WebhookSender> Registered => _byKind.Values.OrderBy(sender => sender.Kind, StringComparer.Ordinal);

    public WebhookSender? Find(string kind) => _byKind.GetValueOrDefault(kind);
}
