using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Softr.Functions.Privacy;

namespace Softr.Functions.App;

/// <summary>
/// <c>POST /api/manage/erase</c> with <c>{"email": "..."}</c>: erases every event, dead letter and payload
/// blob holding that person's e-mail, and answers with what it deleted; <c>?dryRun=true</c> lists without
/// deleting. Admin-level (the master key). The answer to a data-subject request (README, "Data and privacy").
/// </summary>
public sealed class EraseFunction(PersonEraser eraser)
{
    public const string Name = "ErasePerson";

    [Function(Name)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "manage/erase")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        string? email = null;
        try
        {
            using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            email = body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("email", out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
        }
        catch (JsonException)
        {
            // Answered below.
        }
        if (string.IsNullOrWhiteSpace(email) || !email.Contains('@', StringComparison.Ordinal))
        {
            return WebhookResponses.Problem(ApiProblems.EraseNeedsEmail());
        }
        var dryRun = bool.TryParse(request.Query["dryRun"].ToString(), out var asked) && asked;
        return new OkObjectResult(await eraser.EraseAsync(email, dryRun, cancellationToken));
    }
}
