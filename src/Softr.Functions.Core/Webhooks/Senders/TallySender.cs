using System.Text.Json;

namespace Softr.Functions.Webhooks.Senders;

/// <summary>Tally: <c>Tally-Signature</c>, base64 HMAC-SHA256 of the body (sent only when a secret is set).</summary>
public sealed class TallySender() : BodyHmacSender(SignatureHeader, hex: false), IFormAnswers
{
    public const string SignatureHeader = "Tally-Signature";

    public override string Kind => "tally";

    public override EventIdentity Identify(JsonElement payload, Func<string, string?> headers) =>
        new(EventIdentity.Read(payload, "eventId"), EventIdentity.Read(payload, "eventType"));

    /// <summary>
    /// <c>data.fields</c>: <c>{ key, label, type, value, options? }</c>. A choice's value holds option ids (one, or
    /// an array), shown by their options' text, joined with ", ".
    /// </summary>
    public bool TryReadAnswer(JsonElement item, string wanted, out JsonElement value)
    {
        value = default;
        if (!FormAnswerFields.Names(wanted, FormAnswerFields.Property(item, "key"), FormAnswerFields.Property(item, "label"), FormAnswerFields.Property(item, "ref"))
            || FormAnswerFields.Property(item, "value") is not { } answer)
        {
            return false;
        }
        value = ChoiceText(item, answer) ?? answer;
        return true;
    }

    private static JsonElement? ChoiceText(JsonElement item, JsonElement answer)
    {
        if (FormAnswerFields.Property(item, "options") is not { ValueKind: JsonValueKind.Array } options)
        {
            return null;
        }
        var ids = answer.ValueKind == JsonValueKind.Array ? answer.EnumerateArray().Select(id => id.ToString()).ToList() : [answer.ToString()];
        var texts = options.EnumerateArray()
            .Where(option => option.TryGetProperty("id", out var id) && ids.Contains(id.ToString()))
            .Select(option => option.TryGetProperty("text", out var text) ? text.ToString() : "")
            .ToList();
        return texts.Count == 0 ? null : JsonSerializer.SerializeToElement(string.Join(", ", texts));
    }
}
