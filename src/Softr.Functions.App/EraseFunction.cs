using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Softr.Functions.Privacy;

namespace Softr.Functions.App;

/// <summary>
/// <c>POST /api/manage/erase</c> with <c>{"email": "...", "softr": false}</c>: erases every event, dead letter
/// and payload blob holding that person's e-mail, leaving tombstones that drop any late copy, and answers with
/// what it deleted; <c>"softr": true</c> deletes their Softr user too; <c>?dryRun=true</c> lists without
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
        var deleteSoftrUser = false;
        List<string>? inApps = null;
        try
        {
            using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            if (body.RootElement.ValueKind == JsonValueKind.Object)
            {
                email = body.RootElement.TryGetProperty("email", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
                // "softr": true deletes the user in every app; a list of connection names, in those only.
                if (body.RootElement.TryGetProperty("softr", out var softr) && softr.ValueKind is JsonValueKind.True or JsonValueKind.Array)
                {
                    deleteSoftrUser = true;
                    inApps = softr.ValueKind == JsonValueKind.Array ? [.. softr.EnumerateArray().Select(app => app.ValueKind == JsonValueKind.String ? app.GetString()! : app.GetRawText())] : null;
                }
            }
        }
        catch (JsonException)
        {
            // Answered below.
        }
        // The one e-mail rule, as the index found the address: what it could not have indexed cannot be erased by it.
        if (string.IsNullOrWhiteSpace(email) || !EmailAddresses.IsRecognised(email))
        {
            return WebhookResponses.Problem(ApiProblems.EraseNeedsEmail());
        }
        var unknown = inApps?.Except(eraser.SoftrApps, StringComparer.OrdinalIgnoreCase).ToList() ?? [];
        if (inApps is { Count: 0 } || unknown.Count > 0)
        {
            return WebhookResponses.Problem(ApiProblems.EraseUnknownApps(unknown, eraser.SoftrApps));
        }
        return new OkObjectResult(await eraser.EraseAsync(email, AdminQuery.IsDryRun(request), cancellationToken, deleteSoftrUser, inApps));
    }
}
