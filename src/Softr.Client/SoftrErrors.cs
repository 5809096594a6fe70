using System.Net;
using System.Text.Json;

namespace Softr;

/// <summary>Reads either Softr host's error body and turns it into a <see cref="SoftrApiException"/>.</summary>
internal static class SoftrErrors
{
    public static async Task<SoftrErrorBody?> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize(text, SoftrJsonContext.Default.SoftrErrorBody);
        }
        catch (JsonException)
        {
            // Gateways in front of Softr answer HTML or plain text; keep a short excerpt as the message.
            return new SoftrErrorBody(null, null, text.Length > 200 ? text[..200] : text);
        }
    }

    public static SoftrApiException ToException(HttpStatusCode status, SoftrErrorBody? error, string operation) =>
        new(status, error?.AnyCode, error?.Message ?? status.ToString(), operation);
}
