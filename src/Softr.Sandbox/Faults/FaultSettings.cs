using System.Text.Json.Serialization;

namespace Softr.Sandbox.Faults;

/// <summary>
/// Misbehaviour to inject into Softr API calls, switched at runtime with <c>PUT /sandbox/faults</c>.
/// Rates are shares of calls (0 to 1), drawn independently per call.
/// </summary>
public sealed record FaultSettings
{
    /// <summary>Added to every API call before it is answered.</summary>
    [JsonPropertyName("latencyMs")]
    public int LatencyMs { get; init; }

    /// <summary>Share of calls answered with <see cref="ErrorStatus"/>.</summary>
    [JsonPropertyName("errorRate")]
    public double ErrorRate { get; init; }

    [JsonPropertyName("errorStatus")]
    public int ErrorStatus { get; init; } = StatusCodes.Status503ServiceUnavailable;

    /// <summary>The next this-many calls answer 429, as when another client of the token spent the budget.</summary>
    [JsonPropertyName("rateLimitBurst")]
    public int RateLimitBurst { get; init; }

    /// <summary>Sent with injected 429s when set; Softr itself sends none.</summary>
    [JsonPropertyName("retryAfterSeconds")]
    public int? RetryAfterSeconds { get; init; }

    /// <summary>Share of calls that hang for <see cref="TimeoutMs"/> and then answer 504, past any sane client timeout.</summary>
    [JsonPropertyName("timeoutRate")]
    public double TimeoutRate { get; init; }

    [JsonPropertyName("timeoutMs")]
    public int TimeoutMs { get; init; } = 30_000;

    /// <summary>Share of calls whose connection is dropped without an answer.</summary>
    [JsonPropertyName("dropRate")]
    public double DropRate { get; init; }

    /// <summary>Whether injected failures happen after the call took effect (a create that "timed out" but happened).</summary>
    [JsonPropertyName("failAfterEffect")]
    public bool FailAfterEffect { get; init; }

    /// <summary>Answer magic links as a bare URL in text, as some clients report from the live API.</summary>
    [JsonPropertyName("magicLinkAsText")]
    public bool MagicLinkAsText { get; init; }

    /// <summary>Only these operations (e.g. <c>createUser</c>) are affected; all when empty.</summary>
    [JsonPropertyName("operations")]
    public IReadOnlyList<string> Operations { get; init; } = [];

    /// <summary>Seed for the random draws, so a run can be repeated exactly.</summary>
    [JsonPropertyName("seed")]
    public int? Seed { get; init; }
}
