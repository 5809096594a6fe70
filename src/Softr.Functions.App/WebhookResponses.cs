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
        IngestionResult.Accepted accepted => new OkObjectResult(new WebhookAccepted(accepted.EventId, StatusOf(accepted), StatusUrl(accepted.EventId))),
        IngestionResult.Ignored ignored => new OkObjectResult(new WebhookIgnored("ignored", ignored.EventType)),
        // A batch's answer lists each event, in the order sent, so the sender can see what became of each.
        IngestionResult.Batch batch => new OkObjectResult(new WebhookBatch("accepted", [.. batch.Events.Select(Item)])),
        IngestionResult.Rejected rejected => Problem(rejected.Problem),
        _ => throw new ArgumentOutOfRangeException(nameof(result), result, "Unknown ingestion result."),
    };

    private static WebhookBatchItem Item(IngestionResult result) => result switch
    {
        IngestionResult.Accepted accepted => new WebhookBatchItem(accepted.EventId, StatusOf(accepted), StatusUrl(accepted.EventId), null),
        IngestionResult.Ignored ignored => new WebhookBatchItem(null, "ignored", null, ignored.EventType),
        IngestionResult.Rejected rejected => new WebhookBatchItem(null, "refused", null, null) { Problem = rejected.Problem },
        _ => throw new ArgumentOutOfRangeException(nameof(result), result, "Unknown ingestion result."),
    };

    /// <summary>"duplicate" for a repeat within its hook's window (the id is the event it repeats), else "accepted".</summary>
    private static string StatusOf(IngestionResult.Accepted accepted) => accepted.Duplicate ? "duplicate" : "accepted";

    /// <summary>A problem as its answer: its status, and the problem+json content type.</summary>
    public static ObjectResult Problem(ProblemDetails problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return new ObjectResult(problem) { StatusCode = problem.Status, ContentTypes = { ProblemContentType } };
    }

    /// <summary>Where the event's status is shown; "api" is host.json's route prefix (a test pins it).</summary>
    public static string StatusUrl(string eventId) => $"/api/events/{Uri.EscapeDataString(eventId)}";
}

public sealed record WebhookAccepted(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("statusUrl")] string StatusUrl);

public sealed record WebhookIgnored(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("type")] string Type);

public sealed record WebhookBatch(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("events")] IReadOnlyList<WebhookBatchItem> Events);

public sealed record WebhookBatchItem(
    [property: JsonPropertyName("id")][property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Id,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("statusUrl")][property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? StatusUrl,
    [property: JsonPropertyName("type")][property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Type)
{
    /// <summary>Typed <see cref="object"/> so that it is written as what it is: a validation problem keeps its <c>errors</c>.</summary>
    [JsonPropertyName("problem")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public object? Problem { get; init; }
}
