using System.Net;

namespace Softr;

/// <summary>
/// A Softr API call that did not succeed. Carries what a caller needs to decide what to do next,
/// and never the API key or the request headers.
/// </summary>
public sealed class SoftrApiException(
    HttpStatusCode statusCode,
    string? errorCode,
    string message,
    string operation)
    : Exception($"Softr {operation} failed with {(int)statusCode} {errorCode}: {message}")
{
    public HttpStatusCode StatusCode { get; } = statusCode;

    /// <summary>Softr's own code: <c>code</c> on the Users API, <c>errorCode</c> on the Database API.</summary>
    public string? ErrorCode { get; } = errorCode;

    public string Operation { get; } = operation;

    /// <summary>
    /// True when trying again later can succeed: rate limiting (429), request timeouts (408) and
    /// server errors (5xx). Everything else needs a change to the request or the configuration.
    /// </summary>
    public bool IsTransient => StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout
        || (int)StatusCode >= 500;
}
