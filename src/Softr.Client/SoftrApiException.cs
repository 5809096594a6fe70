using System.Net;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Softr.Http;

namespace Softr;

/// <summary>
/// A Softr API call that did not succeed, in one shape for both Softr hosts. Carries what a caller
/// needs to decide what to do next, and never the API key or the request headers.
/// </summary>
public sealed class SoftrApiException : Exception
{
    /// <summary>Softr answered with an error.</summary>
    /// <param name="statusCode">The HTTP status Softr answered.</param>
    /// <param name="errorCode">Softr's error code, when its body had one.</param>
    /// <param name="message">Softr's message, or a description of the answer.</param>
    /// <param name="operation">The operation called.</param>
    public SoftrApiException(HttpStatusCode statusCode, string? errorCode, string message, SoftrOperation operation)
        : base($"Softr {operation?.Name} failed with {(int)statusCode} {errorCode}: {message}")
    {
        ArgumentNullException.ThrowIfNull(operation);
        StatusCode = statusCode;
        ErrorCode = errorCode;
        SoftrMessage = message;
        Operation = operation;
    }

    /// <summary>No answer came: a timeout, a refused connection, a refused rate budget or an open circuit.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="operation">The operation called.</param>
    /// <param name="innerException">The cause.</param>
    public SoftrApiException(string message, SoftrOperation operation, Exception innerException)
        : base($"Softr {operation?.Name} failed: {message}", innerException)
    {
        ArgumentNullException.ThrowIfNull(operation);
        SoftrMessage = message;
        Operation = operation;
    }

    /// <summary>The HTTP status, or null when no response came back (timeout, connection failure).</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>Softr's own code: <c>code</c> on the Users API, <c>errorCode</c> on the Database API.</summary>
    public string? ErrorCode { get; }

    /// <summary>Softr's message, as it gave it.</summary>
    public string SoftrMessage { get; }

    /// <summary>The operation called: its contract id (<c>createRecord</c>), its budget, and whether it may be repeated.</summary>
    public SoftrOperation Operation { get; }

    /// <summary>
    /// True when trying again later can succeed: no response at all, rate limiting (429), request
    /// timeouts (408) and server errors (5xx). Everything else needs a change to the request or the
    /// configuration.
    /// </summary>
    public bool IsTransient => StatusCode is null or HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout
        || (int)StatusCode >= 500;

    /// <summary>
    /// True when Softr certainly did not act on the call: it answered 429 (refused before acting), or
    /// the call never left this process (no budget in time, circuit open, no connection made). Such a
    /// call can be repeated even when the operation itself is not safe to repeat.
    /// </summary>
    public bool NotActedOn => StatusCode == HttpStatusCode.TooManyRequests || InnerException switch
    {
        RateLimiterRejectedException or BrokenCircuitException => true,
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } => true,
        _ => false,
    };

    /// <summary>The call was not sent because no rate budget came in time: wait, do not count it as a failure.</summary>
    public bool BudgetUnavailable => InnerException is RateLimiterRejectedException;
}
