using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using Softr.Functions.Webhooks;

namespace Softr.Functions.App;

/// <summary>Maps an ingestion result to the HTTP answer the sender gets.</summary>
public static class WebhookResponses
{
    public const string ProblemContentType = "application/problem+json";

    public static IActionResult From(IngestionResult result) => result switch
    {
        // 200, not 202: some senders (Lemon Squeezy among them) count only 200 as delivered.
        IngestionResult.Accepted accepted => new OkObjectResult(new WebhookAccepted(accepted.EventId, "accepted", StatusUrl(accepted.EventId))),
        // The original id, so the sender (and its developer) can correlate the retry with the first delivery.
        IngestionResult.Duplicate duplicate => new OkObjectResult(new WebhookAccepted(duplicate.EventId, "accepted", StatusUrl(duplicate.EventId)) { Duplicate = true }),
        IngestionResult.Ignored ignored => new OkObjectResult(new WebhookIgnored("ignored", ignored.EventType)),
        IngestionResult.Rejected rejected => new ObjectResult(rejected.Problem)
        {
            StatusCode = rejected.Problem.Status,
            ContentTypes = { ProblemContentType },
        },
        _ => throw new ArgumentOutOfRangeException(nameof(result), result, "Unknown ingestion result."),
    };

    /// <summary>Where the event's status is shown; "api" is host.json's route prefix (a test pins it).</summary>
    public static string StatusUrl(string eventId) => $"/api/events/{Uri.EscapeDataString(eventId)}";
}

public sealed record WebhookAccepted(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("statusUrl")] string StatusUrl)
{
    [JsonPropertyName("duplicate")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Duplicate { get; init; }
}

public sealed record WebhookIgnored(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("type")] string Type);
