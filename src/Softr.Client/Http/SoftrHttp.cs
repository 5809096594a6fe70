using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;

namespace Softr.Http;

/// <summary>
/// The one way both Softr clients send a call and read its answer, so that errors, empty bodies and
/// failures without a response come back in one shape (<see cref="SoftrApiException"/>).
/// </summary>
internal static class SoftrHttp
{
    public static HttpRequestMessage Request(HttpMethod method, string path, SoftrOperation operation, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Options.Set(SoftrOperation.OptionsKey, operation);
        return request;
    }

    public static HttpContent Json<T>(T value, JsonTypeInfo<T> typeInfo) => JsonContent.Create(value, typeInfo);

    /// <summary>Sends; a call that got no response at all becomes a transient <see cref="SoftrApiException"/>.</summary>
    public static async Task<HttpResponseMessage> SendAsync(
        HttpClient client, HttpRequestMessage request, SoftrOperation operation, CancellationToken cancellationToken)
    {
        try
        {
            return await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException exception)
        {
            throw new SoftrApiException($"no response ({exception.HttpRequestError})", operation, exception);
        }
        catch (TimeoutRejectedException exception)
        {
            throw new SoftrApiException($"timed out after {exception.Timeout.TotalSeconds:0.#} s", operation, exception);
        }
        catch (BrokenCircuitException exception)
        {
            throw new SoftrApiException("not sent: the circuit is open after repeated failures", operation, exception);
        }
        catch (RateLimiterRejectedException exception)
        {
            throw new SoftrApiException("not sent: no rate budget in time", operation, exception);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SoftrApiException("timed out (HttpClient.Timeout)", operation, exception);
        }
    }

    public static async Task EnsureSuccessAsync(HttpResponseMessage response, SoftrOperation operation, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await ErrorAsync(response, operation, cancellationToken).ConfigureAwait(false);
        }
    }

    public static async Task<T> ReadAsync<T>(
        HttpResponseMessage response, JsonTypeInfo<T> typeInfo, SoftrOperation operation, CancellationToken cancellationToken)
    {
        await EnsureSuccessAsync(response, operation, cancellationToken).ConfigureAwait(false);
        try
        {
            return await response.Content.ReadFromJsonAsync(typeInfo, cancellationToken).ConfigureAwait(false)
                ?? throw new SoftrApiException(response.StatusCode, null, "the response body was empty", operation);
        }
        catch (JsonException exception)
        {
            throw new SoftrApiException(response.StatusCode, null, $"the response was not the expected JSON: {exception.Message}", operation);
        }
    }

    public static async Task<SoftrApiException> ErrorAsync(HttpResponseMessage response, SoftrOperation operation, CancellationToken cancellationToken) =>
        ToException(response, await ReadErrorAsync(response, cancellationToken).ConfigureAwait(false), operation);

    /// <summary>An already-read error body as the exception callers get.</summary>
    public static SoftrApiException ToException(HttpResponseMessage response, SoftrErrorBody? error, SoftrOperation operation) =>
        new(response.StatusCode, error?.AnyCode, error?.Message ?? Describe(response.StatusCode), operation);

    public static async Task<SoftrErrorBody?> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
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

    private static string Describe(HttpStatusCode status) => $"{(int)status} {status}";
}
