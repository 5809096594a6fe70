using System.Text.Json;

namespace Softr.Functions.Webhooks.Senders;

/// <summary>Typeform: <c>Typeform-Signature: sha256=</c> base64 HMAC-SHA256 of the body.</summary>
public sealed class TypeformSender() : BodyHmacSender(SignatureHeader, hex: false, prefix: "sha256="), IFormAnswers
{
    public const string SignatureHeader = "Typeform-Signature";

    public override string Kind => "typeform";

    public override EventIdentity Identify(JsonElement payload, Func<string, string?> headers) =>
        new(EventIdentity.Read(payload, "event_id"), EventIdentity.Read(payload, "event_type"));

    /// <summary>
    /// <c>form_response.answers</c>: <c>{ field: { ref, id }, type: "email", email: "..." }</c>, a choice
    /// <c>{ type: "choice", choice: { label } }</c>, several <c>{ type: "choices", choices: { labels: [] } }</c> (joined with ", ").
    /// </summary>
    public bool TryReadAnswer(JsonElement item, string wanted, out JsonElement value)
    {
        value = default;
        if (!FormAnswerFields.Names(wanted, FormAnswerFields.Property(item, "field", "ref"), FormAnswerFields.Property(item, "field", "id"), FormAnswerFields.Property(item, "ref"))
            || FormAnswerFields.Property(item, "type") is not { ValueKind: JsonValueKind.String } type
            || FormAnswerFields.Property(item, type.GetString()!) is not { } typed)
        {
            return false;
        }
        value = type.GetString() switch
        {
            "choice" when typed.TryGetProperty("label", out var label) => label,
            "choices" when typed.TryGetProperty("labels", out var labels) => JsonSerializer.SerializeToElement(string.Join(", ", labels.EnumerateArray().Select(one => one.ToString()))),
            _ => typed,
        };
        return true;
    }
}
