using System.Text.Json;

namespace Softr.Functions.Webhooks.Senders;

/// <summary>
/// A form sender's answers, as the <c>answer</c> template filter reads them (<c>answers | answer: 'email'</c>):
/// each form tool nests its answers its own way, and the sender that knows the payload knows how to read them.
/// </summary>
public interface IFormAnswers
{
    /// <summary>
    /// Whether <paramref name="item"/> is one of this sender's answers, for the field named <paramref name="wanted"/>
    /// (its ref, id, key or label, in any case); <paramref name="value"/> is then the answer, choices given by their text.
    /// </summary>
    bool TryReadAnswer(JsonElement item, string wanted, out JsonElement value);
}
